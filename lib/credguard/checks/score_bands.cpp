// Monthly model review (runbook 4.1): has each product's score-band
// distribution moved since the month before? Proportions come from SQL; the
// Population Stability Index is computed here (the drift engine is not part
// of this build; this is the same formula on band proportions).
#include <credguard/checks/mysql_metrics.hpp>
#include <credguard/checks/params.hpp>
#include <credguard/core/error.hpp>
#include <credguard/core/strings.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace credguard::checks {

namespace {

// A band absent from one month would make ln(0): floor shares at 0.01 %.
constexpr double k_floor = 0.0001;

struct Product {
  std::map<std::string, long long> current;  // band -> rows
  std::map<std::string, long long> previous; // band -> rows
  long long current_total = 0;
  long long previous_total = 0;
};

double share(const std::map<std::string, long long>& counts, const std::string& band, long long total)
{
  auto it = counts.find(band);
  double value = it == counts.end() || total == 0 ? 0.0 : static_cast<double>(it->second) / static_cast<double>(total);
  return std::max(value, k_floor);
}

std::string percent(double value)
{
  return fmt::format("{:.1f} %", value <= k_floor ? 0.0 : 100.0 * value);
}

} // namespace

std::vector<CheckResult> measure_score_bands(const CheckDefinition& def, mysql::Client& db)
{
  auto min_rows = static_cast<long long>(param_number(def, "min_rows", 100, 1));
  // Last month = the month before today (today is partial); the month
  // before that is the reference. Run on the 1st, these are calendar months.
  auto rows = db.query("SELECT produto, faixaScore, "
                       "SUM(dataProcessamento >= CURDATE() - INTERVAL 1 MONTH), "
                       "SUM(dataProcessamento < CURDATE() - INTERVAL 1 MONTH) "
                       "FROM customer_scores "
                       "WHERE dataProcessamento >= CURDATE() - INTERVAL 2 MONTH AND dataProcessamento < CURDATE() "
                       "GROUP BY produto, faixaScore");
  std::map<std::string, Product> products;
  for (const auto& row : rows.rows) {
    auto& product = products[row[0].value_or("(none)")];
    auto band = row[1].value_or("(none)");
    auto current = row[2] ? parse_int(*row[2]).value_or(0) : 0;
    auto previous = row[3] ? parse_int(*row[3]).value_or(0) : 0;
    product.current[band] += current;
    product.previous[band] += previous;
    product.current_total += current;
    product.previous_total += previous;
  }
  if (products.empty()) {
    throw Error(ErrorKind::data,
                fmt::format("MySQL {}: no customer_scores processed in the last two months", db.endpoint()));
  }

  std::optional<double> worst;
  std::vector<std::string> compared;
  std::vector<std::string> skipped;
  nlohmann::json data = nlohmann::json::object();
  for (const auto& [name, product] : products) {
    nlohmann::json item = {{"rows_current", product.current_total}, {"rows_previous", product.previous_total}};
    if (product.current_total < min_rows || product.previous_total < min_rows) {
      skipped.push_back(fmt::format("{} ({} rows last month, {} the month before)", name, product.current_total,
                                    product.previous_total));
      data[name] = item;
      continue;
    }
    std::set<std::string> bands;
    for (const auto& [band, count] : product.current) {
      bands.insert(band);
    }
    for (const auto& [band, count] : product.previous) {
      bands.insert(band);
    }
    double psi = 0;
    double biggest_move = -1;
    std::string moved;
    nlohmann::json shares = nlohmann::json::object();
    for (const auto& band : bands) {
      double before = share(product.previous, band, product.previous_total);
      double after = share(product.current, band, product.current_total);
      psi += (after - before) * std::log(after / before);
      shares[band] = {{"previous", before <= k_floor ? 0.0 : before}, {"current", after <= k_floor ? 0.0 : after}};
      if (std::fabs(after - before) > biggest_move) {
        biggest_move = std::fabs(after - before);
        moved = fmt::format("band {} {} -> {}", band, percent(before), percent(after));
      }
    }
    item["psi"] = psi;
    item["bands"] = shares;
    data[name] = item;
    compared.push_back(fmt::format("{} PSI {:.3f} ({})", name, psi, moved));
    worst = worst ? std::max(*worst, psi) : psi;
  }
  if (!worst) {
    throw Error(ErrorKind::data, fmt::format("no product has {} scored rows in each of the last two months: {}",
                                             min_rows, join(skipped, "; ")));
  }
  auto detail = join(compared, "; ");
  if (!skipped.empty()) {
    detail += "; too few rows to compare: " + join(skipped, "; ");
  }
  auto result = measured(def, *worst, detail);
  result.data = {{"products", data}, {"min_rows", min_rows}};
  return {result};
}

} // namespace credguard::checks
