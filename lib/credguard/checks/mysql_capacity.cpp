// Capacity review (runbook 3.1): table sizes and their growth between runs.
#include <credguard/checks/mysql_metrics.hpp>
#include <credguard/checks/params.hpp>
#include <credguard/core/error.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/core/time_format.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace credguard::checks {

namespace {

struct Table {
  std::string name;
  long long bytes = 0;
  long long rows = 0;
};

struct Sizes {
  std::string database;
  long long total = 0;
  std::vector<Table> tables; // largest first
};

long long number_of(const mysql::Cell& cell)
{
  return cell ? parse_int(*cell).value_or(0) : 0;
}

Sizes read_sizes(mysql::Client& db)
{
  Sizes sizes;
  sizes.database = db.query("SELECT DATABASE()").scalar().value_or("");
  if (sizes.database.empty()) {
    throw Error(ErrorKind::config, fmt::format("MySQL {}: no database selected", db.endpoint()), "set mysql.database");
  }
  // information_schema's figures for InnoDB are the engine's estimates,
  // which is what a capacity review needs.
  auto rows = db.query("SELECT table_name, COALESCE(data_length, 0) + COALESCE(index_length, 0), "
                       "COALESCE(table_rows, 0) FROM information_schema.TABLES "
                       "WHERE table_schema = ? AND table_type = 'BASE TABLE'",
                       {sizes.database});
  for (const auto& row : rows.rows) {
    Table table{row[0].value_or("?"), number_of(row[1]), number_of(row[2])};
    sizes.total += table.bytes;
    sizes.tables.push_back(std::move(table));
  }
  if (sizes.tables.empty()) {
    throw Error(ErrorKind::data, fmt::format("MySQL {}: database {} has no tables", db.endpoint(), sizes.database));
  }
  std::sort(sizes.tables.begin(), sizes.tables.end(),
            [](const Table& a, const Table& b) { return a.bytes != b.bytes ? a.bytes > b.bytes : a.name < b.name; });
  return sizes;
}

nlohmann::json to_data(const Sizes& sizes)
{
  nlohmann::json tables = nlohmann::json::object();
  for (const auto& table : sizes.tables) {
    tables[table.name] = {{"bytes", table.bytes}, {"rows", table.rows}};
  }
  return {{"database", sizes.database}, {"total_bytes", sizes.total}, {"tables", tables}};
}

// Sizes recorded by an earlier run; nullopt when the record is unusable.
std::optional<Sizes> from_data(const nlohmann::json& data)
{
  if (!data.is_object() || !data.contains("total_bytes") || !data["total_bytes"].is_number_integer() ||
      !data.contains("tables") || !data["tables"].is_object()) {
    return std::nullopt;
  }
  Sizes sizes;
  sizes.database = data.value("database", "");
  sizes.total = data["total_bytes"].get<long long>();
  for (const auto& [name, table] : data["tables"].items()) {
    if (table.is_object() && table.contains("bytes") && table["bytes"].is_number_integer()) {
      sizes.tables.push_back({name, table["bytes"].get<long long>(), table.value("rows", 0LL)});
    }
  }
  return sizes;
}

std::string signed_bytes(long long delta)
{
  return (delta < 0 ? "-" : "+") + format_bytes(static_cast<std::uint64_t>(std::llabs(delta)));
}

std::string signed_percent(double percent)
{
  return fmt::format("{}{} %", percent < 0 ? "-" : "+", format_number(std::fabs(percent)));
}

double growth_percent(long long before, long long after)
{
  return before > 0 ? 100.0 * static_cast<double>(after - before) / static_cast<double>(before) : 0.0;
}

// The tables that grew most since `before`: "customer_scores +100 MiB, ...".
std::string fastest_growing(const Sizes& now, const Sizes& before, std::size_t count)
{
  std::vector<std::pair<long long, std::string>> deltas;
  for (const auto& table : now.tables) {
    auto it = std::find_if(before.tables.begin(), before.tables.end(),
                           [&](const Table& old) { return old.name == table.name; });
    long long delta = table.bytes - (it == before.tables.end() ? 0 : it->bytes);
    if (delta > 0) {
      deltas.emplace_back(delta, table.name);
    }
  }
  std::sort(deltas.rbegin(), deltas.rend());
  std::vector<std::string> parts;
  for (std::size_t i = 0; i < deltas.size() && i < count; ++i) {
    parts.push_back(deltas[i].second + " " + signed_bytes(deltas[i].first));
  }
  return join(parts, ", ");
}

// The newest earlier result at least `min_age` old with usable sizes.
std::optional<std::pair<SystemTime, Sizes>> reference(const CheckContext& context, Millis min_age)
{
  auto now = context.clock.now();
  for (const auto& past : context.history) {
    if (now - past.at < min_age) {
      continue;
    }
    if (auto sizes = from_data(past.data)) {
      return std::make_pair(past.at, *sizes);
    }
  }
  return std::nullopt;
}

constexpr double k_mib = 1024.0 * 1024.0;

} // namespace

std::vector<CheckResult> measure_table_sizes(const CheckDefinition& def, mysql::Client& db, const CheckContext& context)
{
  auto sizes = read_sizes(db);
  std::vector<std::string> largest;
  for (std::size_t i = 0; i < sizes.tables.size() && i < 5; ++i) {
    const auto& table = sizes.tables[i];
    largest.push_back(
        fmt::format("{} {} ({} rows)", table.name, format_bytes(static_cast<std::uint64_t>(table.bytes)), table.rows));
  }
  auto detail = fmt::format("{} tables, {} in all; largest: {}", sizes.tables.size(),
                            format_bytes(static_cast<std::uint64_t>(sizes.total)), join(largest, ", "));
  if (auto before = reference(context, Millis(0))) {
    detail += fmt::format("; {} since {}", signed_percent(growth_percent(before->second.total, sizes.total)),
                          format_rfc3339_seconds(before->first));
  }
  auto result = measured(def, static_cast<double>(sizes.total) / k_mib, detail);
  result.data = to_data(sizes);
  return {result};
}

std::vector<CheckResult> measure_table_growth(const CheckDefinition& def, mysql::Client& db,
                                              const CheckContext& context)
{
  auto min_interval = param_duration(def, "min_interval", Millis(24 * 3'600'000));
  auto sizes = read_sizes(db);
  auto before = reference(context, min_interval);
  if (!before) {
    CheckResult result;
    result.status = Status::skip;
    result.detail = fmt::format("no earlier measurement at least {} old in the journal: this run ({}) is the baseline",
                                format_duration(min_interval), format_bytes(static_cast<std::uint64_t>(sizes.total)));
    result.data = to_data(sizes);
    return {result};
  }
  auto& [at, old] = *before;
  auto elapsed = std::chrono::duration_cast<Millis>(context.clock.now() - at);
  double weeks = static_cast<double>(elapsed.count()) / (7.0 * 24 * 3'600'000);
  double percent = growth_percent(old.total, sizes.total);
  double per_week = weeks > 0 ? percent / weeks : 0.0;
  auto detail = fmt::format("{} ({}) in {} since {}", signed_bytes(sizes.total - old.total), signed_percent(percent),
                            format_duration(elapsed), format_rfc3339_seconds(at));
  if (auto fastest = fastest_growing(sizes, old, 3); !fastest.empty()) {
    detail += "; grew most: " + fastest;
  }
  auto result = measured(def, per_week, detail);
  result.data = to_data(sizes);
  result.data["previous_total_bytes"] = old.total;
  result.data["previous_at"] = format_rfc3339_seconds(at);
  return {result};
}

} // namespace credguard::checks
