#pragma once

#include "support/mariadb.hpp"
#include "support/temp_dir.hpp"

#include <credguard/mysql/client.hpp>

#include <filesystem>
#include <string>

namespace credguard::test {

// Connection options for the `credguard` account on `db`.
inline mysql::ConnectOptions connect_to(const PlatformDatabase& db)
{
  mysql::ConnectOptions options;
  options.host = "127.0.0.1";
  options.port = static_cast<unsigned int>(db.server().port);
  options.user = k_mariadb_user;
  options.password = Secret(k_mariadb_password);
  options.database = db.name();
  options.connect_timeout = Millis(5000);
  options.read_timeout = Millis(30'000);
  return options;
}

// Rows in every table of the platform, with the awkward values a dump must
// carry: quotes, backslashes, newlines, non-ASCII text and NULLs.
inline void seed_platform(const PlatformDatabase& db, int jobs = 20, int scores_per_job = 10)
{
  std::string sql = "INSERT INTO users (email, nome, role, lastLoginAt) VALUES ('ana@x', 'Ana d''Ávila', 'admin', "
                    "NULL), ('bo@x', 'Bo \\\\ \"Q\"', 'operator', '2026-11-01 10:00:00');\n";
  for (int j = 1; j <= jobs; ++j) {
    sql += "INSERT INTO batch_jobs (id, status, fileName, produto, totalRecords, processedRecords, error, createdAt) "
           "VALUES (" +
           std::to_string(j) + ", 'completed', 'lote-" + std::to_string(j) + ".csv', 'cartao', " +
           std::to_string(scores_per_job) + ", " + std::to_string(scores_per_job) + ", " +
           (j % 3 == 0 ? "'linha 1\\nlinha 2'" : "NULL") + ", NOW() - INTERVAL " + std::to_string(j * 10 + 5) +
           " DAY);\n";
    for (int s = 0; s < scores_per_job; ++s) {
      sql += "INSERT INTO customer_scores (batchJobId, cpf, nome, produto, faixaScore, scoreProbInadimplencia, "
             "dataProcessamento) VALUES (" +
             std::to_string(j) + ", '" + std::to_string(10000000000LL + j * 100 + s) +
             "', 'Cliente São João', 'cartao', 'B', 0.123456, NOW());\n";
    }
  }
  sql += "INSERT INTO bureau_cache (cpf, payload, expiresAt) VALUES ('12345678901', '{\"score\": 700}', NOW() + "
         "INTERVAL 1 DAY);\n";
  db.sql(sql);
}

// The rows of `table` in `database`, ordered by id, as the client prints them.
inline std::string table_rows(const PlatformDatabase& db, const std::string& database, const std::string& table)
{
  return mariadb_sql(db.server(), "SELECT * FROM `" + table + "` ORDER BY id;", database);
}

// One number from a query in `db`.
inline long long count_of(const PlatformDatabase& db, const std::string& sql)
{
  return std::stoll(db.sql(sql)); // the client prints no column names
}

} // namespace credguard::test
