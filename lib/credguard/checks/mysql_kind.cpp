#include <credguard/checks/mysql_kind.hpp>
#include <credguard/checks/mysql_metrics.hpp>
#include <credguard/checks/params.hpp>
#include <credguard/core/error.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/core/time_format.hpp>

#include <fmt/format.h>

namespace credguard::checks {

namespace {

const std::vector<std::string> k_metrics = {"connections",    "stuck_jobs",     "failed_jobs",
                                            "bureau_expired", "inactive_users", "table_sizes",
                                            "table_growth",   "score_bands",    "query"};

long long count_of(const mysql::Cell& cell)
{
  auto value = cell ? parse_int(*cell) : std::nullopt;
  if (!value) {
    throw Error(ErrorKind::data, fmt::format("expected a count from the database, got \"{}\"", cell.value_or("NULL")));
  }
  return *value;
}

mysql::Param seconds(Millis duration)
{
  return static_cast<long long>(duration.count() / 1000);
}

// "#17 a.csv (3h12m); #18 b.csv (2h); and 3 more".
std::string listing(const std::vector<std::string>& items, long long total)
{
  std::string text = join(items, "; ");
  if (total > static_cast<long long>(items.size())) {
    text += fmt::format("; and {} more", total - static_cast<long long>(items.size()));
  }
  return text;
}

std::string first_line(const std::string& text, std::size_t limit = 120)
{
  auto line = text.substr(0, text.find('\n'));
  return line.size() > limit ? line.substr(0, limit) + "..." : line;
}

class MysqlKind final : public CheckKind {
public:
  std::string_view name() const override { return "mysql"; }

  void validate(const CheckDefinition& def) const override
  {
    auto metric = param_choice(def, "metric", k_metrics);
    param_duration(def, "older_than", Millis(0));
    param_duration(def, "window", Millis(0));
    param_duration(def, "inactive_for", Millis(0));
    param_duration(def, "min_interval", Millis(0));
    param_number(def, "list", 10, 0);
    param_number(def, "min_rows", 1, 1);
    param_list(def, "args");
    if (metric == "query") {
      required_text(def, "sql");
    }
  }

  std::vector<std::string> required_config(const CheckDefinition& def) const override
  {
    (void)def;
    return {"mysql.host"};
  }

  bool wants_history(const CheckDefinition& def) const override
  {
    auto metric = param_text(def, "metric");
    return metric == "table_sizes" || metric == "table_growth";
  }

  std::vector<CheckResult> run(const CheckDefinition& def, CheckContext& context) const override
  {
    auto metric = param_choice(def, "metric", k_metrics);
    mysql::Client& db = context.clients.mysql();
    if (metric == "connections") {
      return measure_connections(def, db);
    }
    if (metric == "stuck_jobs") {
      return measure_stuck_jobs(def, db);
    }
    if (metric == "failed_jobs") {
      return measure_failed_jobs(def, db);
    }
    if (metric == "bureau_expired") {
      return measure_bureau_expired(def, db);
    }
    if (metric == "inactive_users") {
      return measure_inactive_users(def, db);
    }
    if (metric == "table_sizes") {
      return measure_table_sizes(def, db, context);
    }
    if (metric == "table_growth") {
      return measure_table_growth(def, db, context);
    }
    if (metric == "score_bands") {
      return measure_score_bands(def, db);
    }
    return measure_query(def, db);
  }
};

} // namespace

void add_mysql_kind(KindRegistry& registry)
{
  registry.add(std::make_unique<MysqlKind>());
}

std::vector<CheckResult> measure_connections(const CheckDefinition& def, mysql::Client& db)
{
  auto in_use = count_of(mysql::server_status(db, "Threads_connected"));
  auto peak = count_of(mysql::server_status(db, "Max_used_connections"));
  auto max = count_of(mysql::server_variable(db, "max_connections"));
  if (max <= 0) {
    throw Error(ErrorKind::data, fmt::format("MySQL {}: max_connections is {}", db.endpoint(), max));
  }
  auto result = measured(def, 100.0 * static_cast<double>(in_use) / static_cast<double>(max),
                         fmt::format("{} of {} connections in use (peak since start: {})", in_use, max, peak));
  result.data = {{"in_use", in_use}, {"max_connections", max}, {"max_used_connections", peak}};
  return {result};
}

std::vector<CheckResult> measure_stuck_jobs(const CheckDefinition& def, mysql::Client& db)
{
  auto older_than = param_duration(def, "older_than", Millis(3'600'000));
  auto limit = static_cast<long long>(param_number(def, "list", 10));
  const std::string where = "FROM batch_jobs WHERE status = ? AND createdAt < NOW() - INTERVAL ? SECOND";
  auto total =
      count_of(db.query("SELECT COUNT(*) " + where, {std::string("processing"), seconds(older_than)}).scalar());
  auto rows = db.query("SELECT id, fileName, createdAt, TIMESTAMPDIFF(SECOND, createdAt, NOW()) " + where +
                           " ORDER BY createdAt LIMIT ?",
                       {std::string("processing"), seconds(older_than), limit});
  std::vector<std::string> items;
  nlohmann::json jobs = nlohmann::json::array();
  for (const auto& row : rows.rows) {
    auto age = Millis(count_of(row[3]) * 1000);
    items.push_back(fmt::format(
        "#{} {} processing for {}", row[0].value_or("?"), row[1].value_or("?"),
        format_duration(age < std::chrono::minutes(1) ? age : std::chrono::duration_cast<std::chrono::minutes>(age))));
    jobs.push_back({{"id", row[0].value_or("")},
                    {"file", row[1].value_or("")},
                    {"created_at", row[2].value_or("")},
                    {"age_seconds", age.count() / 1000}});
  }
  auto detail = total == 0 ? fmt::format("no job processing for more than {}", format_duration(older_than))
                           : listing(items, total);
  auto result = measured(def, static_cast<double>(total), detail);
  result.data = {{"jobs", jobs}, {"older_than_seconds", older_than.count() / 1000}};
  return {result};
}

std::vector<CheckResult> measure_failed_jobs(const CheckDefinition& def, mysql::Client& db)
{
  auto window = param_duration(def, "window", Millis(24 * 3'600'000));
  auto limit = static_cast<long long>(param_number(def, "list", 10));
  const std::string where = "FROM batch_jobs WHERE status = ? AND createdAt > NOW() - INTERVAL ? SECOND";
  auto total = count_of(db.query("SELECT COUNT(*) " + where, {std::string("failed"), seconds(window)}).scalar());
  auto rows = db.query("SELECT id, fileName, error, createdAt " + where + " ORDER BY createdAt DESC LIMIT ?",
                       {std::string("failed"), seconds(window), limit});
  std::vector<std::string> items;
  nlohmann::json jobs = nlohmann::json::array();
  for (const auto& row : rows.rows) {
    auto error = row[2].value_or("");
    items.push_back(fmt::format("#{} {}: {}", row[0].value_or("?"), row[1].value_or("?"),
                                error.empty() ? "(no error recorded)" : first_line(error)));
    jobs.push_back({{"id", row[0].value_or("")},
                    {"file", row[1].value_or("")},
                    {"error", first_line(error, 500)},
                    {"created_at", row[3].value_or("")}});
  }
  auto detail =
      total == 0 ? fmt::format("no job failed in the last {}", format_duration(window)) : listing(items, total);
  auto result = measured(def, static_cast<double>(total), detail);
  result.data = {{"jobs", jobs}, {"window_seconds", window.count() / 1000}};
  return {result};
}

std::vector<CheckResult> measure_bureau_expired(const CheckDefinition& def, mysql::Client& db)
{
  auto older_than = param_duration(def, "older_than", Millis(0));
  auto rows = db.query("SELECT COUNT(*), MIN(expiresAt) FROM bureau_cache WHERE expiresAt < NOW() - INTERVAL ? SECOND",
                       {seconds(older_than)});
  auto total = count_of(rows.scalar());
  auto oldest = rows.rows.at(0).at(1);
  std::string since = older_than.count() > 0 ? " more than " + format_duration(older_than) + " ago" : "";
  auto detail = total == 0 ? fmt::format("no cached bureau answer expired{}", since)
                           : fmt::format("{} cached bureau answers expired{}, the oldest at {}", total, since,
                                         oldest.value_or("?"));
  auto result = measured(def, static_cast<double>(total), detail);
  result.data = {{"expired_rows", total}, {"oldest_expiry", oldest.value_or("")}};
  return {result};
}

std::vector<CheckResult> measure_inactive_users(const CheckDefinition& def, mysql::Client& db)
{
  auto inactive_for = param_duration(def, "inactive_for", Millis(90LL * 24 * 3'600'000));
  auto limit = static_cast<long long>(param_number(def, "list", 10));
  const std::string where = "FROM users WHERE lastLoginAt IS NULL OR lastLoginAt < NOW() - INTERVAL ? SECOND";
  auto total = count_of(db.query("SELECT COUNT(*) " + where, {seconds(inactive_for)}).scalar());
  auto rows = db.query("SELECT email, lastLoginAt " + where + " ORDER BY lastLoginAt IS NOT NULL, lastLoginAt LIMIT ?",
                       {seconds(inactive_for), limit});
  std::vector<std::string> items;
  nlohmann::json users = nlohmann::json::array();
  for (const auto& row : rows.rows) {
    items.push_back(fmt::format("{} ({})", row[0].value_or("?"),
                                row[1] ? "last login " + row[1]->substr(0, 10) : std::string("never logged in")));
    users.push_back({{"email", row[0].value_or("")},
                     {"last_login_at", row[1] ? nlohmann::json(*row[1]) : nlohmann::json(nullptr)}});
  }
  auto detail =
      total == 0 ? fmt::format("every user logged in within {}", format_duration(inactive_for)) : listing(items, total);
  auto result = measured(def, static_cast<double>(total), detail);
  result.data = {{"users", users}, {"inactive_for_seconds", inactive_for.count() / 1000}};
  return {result};
}

std::vector<CheckResult> measure_query(const CheckDefinition& def, mysql::Client& db)
{
  auto sql = required_text(def, "sql");
  std::vector<mysql::Param> args;
  for (auto& arg : param_list(def, "args")) {
    args.emplace_back(std::move(arg));
  }
  auto rows = db.query(sql, args);
  auto cell = rows.scalar();
  if (rows.rows.empty()) {
    throw Error(ErrorKind::data, fmt::format("MySQL {}: {}.params.sql returned no row", db.endpoint(), def.id));
  }
  auto value = cell ? parse_double(*cell) : std::nullopt;
  if (!value) {
    throw Error(ErrorKind::data, fmt::format("MySQL {}: {}.params.sql returned \"{}\", not a number", db.endpoint(),
                                             def.id, cell.value_or("NULL")));
  }
  auto result = measured(def, *value, rows.columns.empty() ? "" : rows.columns.front());
  return {result};
}

} // namespace credguard::checks
