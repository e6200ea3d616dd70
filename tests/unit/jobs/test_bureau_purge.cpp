#include "support/mariadb.hpp"

#include <credguard/jobs/bureau_purge.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

using namespace credguard;
using namespace credguard::test;

namespace {

mysql::ConnectOptions connect_to(const PlatformDatabase& db)
{
  mysql::ConnectOptions options;
  options.host = "127.0.0.1";
  options.port = static_cast<unsigned int>(db.server().port);
  options.user = k_mariadb_user;
  options.password = Secret(k_mariadb_password);
  options.database = db.name();
  return options;
}

long long count_of(mysql::Client& client, const std::string& sql)
{
  return std::stoll(client.query(sql).scalar().value_or("-1"));
}

} // namespace

TEST_CASE("purge-bureau: deletes exactly the expired rows, in batches, while another connection writes")
{
  PlatformDatabase db;
  // 12,000 expired rows (various ages) and 3,000 that expire tomorrow.
  db.sql("INSERT INTO bureau_cache (cpf, payload, expiresAt) SELECT LPAD(seq, 11, '0'), 'old', NOW() - INTERVAL "
         "(1 + seq % 1000) MINUTE FROM seq_1_to_12000;"
         "INSERT INTO bureau_cache (cpf, payload, expiresAt) SELECT LPAD(seq, 11, '0'), 'live', NOW() + INTERVAL 1 "
         "DAY FROM seq_1_to_3000;");
  auto client = mysql::make_client(connect_to(db));
  auto writer_client = mysql::make_client(connect_to(db));
  std::atomic<bool> stop{false};
  std::atomic<long long> written{0};
  std::thread writer([&] {
    while (!stop) {
      writer_client->query("INSERT INTO bureau_cache (cpf, payload, expiresAt) VALUES ('99999999999', 'new', NOW() + "
                           "INTERVAL 1 HOUR)");
      ++written;
    }
  });
  jobs::BureauPurgeOptions options;
  options.batch_size = 5000;
  std::vector<std::uint64_t> progress;
  options.on_batch = [&](std::uint64_t deleted) {
    progress.push_back(deleted);
    // Let the writer get a few rows in between the batches.
    auto seen = written.load();
    while (written < seen + 3) {
      std::this_thread::yield();
    }
  };
  SystemClock clock;
  auto result = jobs::purge_bureau_cache(*client, clock, options);
  stop = true;
  writer.join();

  CHECK(result.deleted == 12000);
  CHECK(result.batches == 3);
  CHECK(progress == std::vector<std::uint64_t>{5000, 10000, 12000});
  CHECK(count_of(*client, "SELECT COUNT(*) FROM bureau_cache WHERE payload = 'old'") == 0);
  CHECK(count_of(*client, "SELECT COUNT(*) FROM bureau_cache WHERE payload = 'live'") == 3000);
  CHECK(count_of(*client, "SELECT COUNT(*) FROM bureau_cache WHERE payload = 'new'") == written.load());
  CHECK(written.load() >= 6);
}

TEST_CASE("purge-bureau: a dry run counts without deleting, an empty table needs one batch")
{
  PlatformDatabase db;
  auto client = mysql::make_client(connect_to(db));
  SystemClock clock;
  auto empty = jobs::purge_bureau_cache(*client, clock, {});
  CHECK(empty.deleted == 0);
  CHECK(empty.batches == 1);
  db.sql("INSERT INTO bureau_cache (cpf, payload, expiresAt) VALUES ('1', 'a', NOW() - INTERVAL 1 DAY), ('2', 'b', "
         "NOW() + INTERVAL 1 DAY);");
  jobs::BureauPurgeOptions options;
  options.dry_run = true;
  auto dry = jobs::purge_bureau_cache(*client, clock, options);
  CHECK(dry.deleted == 1);
  CHECK(count_of(*client, "SELECT COUNT(*) FROM bureau_cache") == 2);
  CHECK(dry.cutoff.size() == 19); // YYYY-MM-DD HH:MM:SS
}
