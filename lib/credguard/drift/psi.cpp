#include <credguard/core/error.hpp>
#include <credguard/drift/passes.hpp>
#include <credguard/drift/psi.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <thread>
#include <unordered_map>
#include <unordered_set>

namespace credguard::drift {

namespace {

std::vector<std::string> named_columns(const RowSource& source)
{
  std::vector<std::string> out;
  for (const auto& column : source.columns()) {
    if (!column.empty()) {
      out.push_back(column);
    }
  }
  return out;
}

// Column name -> position, built once per source: resolving 40k features
// by linear search was quadratic (seconds before the first row).
class ColumnIndex {
public:
  explicit ColumnIndex(const RowSource& source)
  {
    const auto& columns = source.columns();
    m_positions.reserve(columns.size());
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (!columns[i].empty()) {
        m_positions.emplace(columns[i], i); // the first of equal names, as a search would find
      }
    }
  }
  std::optional<std::size_t> find(const std::string& name) const
  {
    auto it = m_positions.find(name);
    return it == m_positions.end() ? std::nullopt : std::optional<std::size_t>(it->second);
  }

private:
  std::unordered_map<std::string_view, std::size_t> m_positions; // views of the source's columns
};

std::vector<FeatureSpec> resolve_features(const RowSource& baseline, const RowSource& current,
                                          const PsiOptions& options)
{
  const ColumnIndex baseline_columns(baseline);
  const ColumnIndex current_columns(current);
  std::vector<std::string> names = options.features;
  if (names.empty()) {
    names = named_columns(baseline);
    for (const auto& name : named_columns(current)) {
      if (!baseline_columns.find(name)) {
        throw Error(ErrorKind::data, fmt::format("{}: no column '{}' (it is in {}); choose columns with --features",
                                                 baseline.name(), name, current.name()));
      }
    }
  }
  const std::unordered_set<std::string> categorical(options.categorical.begin(), options.categorical.end());
  std::vector<FeatureSpec> features;
  std::unordered_set<std::string> seen;
  for (const auto& name : names) {
    if (!seen.insert(name).second) {
      continue;
    }
    auto in_baseline = baseline_columns.find(name);
    auto in_current = current_columns.find(name);
    if (!in_baseline || !in_current) {
      throw Error(ErrorKind::data,
                  fmt::format("{}: no column '{}'{}", !in_baseline ? baseline.name() : current.name(), name,
                              options.features.empty() ? fmt::format(" (it is in {})", baseline.name()) : ""));
    }
    bool declared = categorical.count(name) > 0;
    features.push_back(FeatureSpec{name, *in_baseline, *in_current, declared, declared});
  }
  for (const auto& name : options.categorical) {
    if (seen.count(name) == 0) {
      throw Error(ErrorKind::usage, fmt::format("--categorical {}: not one of the features", name));
    }
  }
  if (features.empty()) {
    throw Error(ErrorKind::data, fmt::format("{}: no named columns to compare", baseline.name()));
  }
  return features;
}

void check_options(const PsiOptions& options)
{
  if (options.bins < 2 || options.bins > 1000) {
    throw Error(ErrorKind::usage, fmt::format("--bins {}: expected 2 to 1000", options.bins));
  }
  if (!(options.epsilon > 0 && options.epsilon < 1)) {
    throw Error(ErrorKind::usage, fmt::format("--epsilon {}: expected a number above 0 and below 1", options.epsilon));
  }
}

std::string format_edge(double value)
{
  return fmt::format("{}", value);
}

std::vector<BinResult> numeric_bins(const std::vector<double>& edges, const std::vector<std::uint64_t>& baseline,
                                    const std::vector<std::uint64_t>& current)
{
  std::vector<BinResult> bins;
  for (std::size_t i = 0; i <= edges.size(); ++i) {
    std::string low = i == 0 ? "-inf" : format_edge(edges[i - 1]);
    std::string label =
        i == edges.size() ? fmt::format("({}, +inf)", low) : fmt::format("({}, {}]", low, format_edge(edges[i]));
    bins.push_back(BinResult{label, baseline[i], current[i]});
  }
  return bins;
}

std::vector<BinResult> categorical_bins(const TextCounts& baseline, const TextCounts& current)
{
  std::vector<std::string_view> labels = baseline.texts();
  for (auto text : current.texts()) {
    if (baseline.count(text) == 0) {
      labels.push_back(text);
    }
  }
  std::sort(labels.begin(), labels.end());
  std::vector<BinResult> bins;
  bins.reserve(labels.size() + 1);
  for (auto label : labels) {
    bins.push_back(BinResult{std::string(label), baseline.count(label), current.count(label)});
  }
  return bins;
}

void score(FeatureResult& feature, std::uint64_t baseline_rows, std::uint64_t current_rows, double epsilon)
{
  double psi = 0;
  for (auto& bin : feature.bins) {
    bin.baseline = static_cast<double>(bin.baseline_count) / static_cast<double>(baseline_rows);
    bin.current = static_cast<double>(bin.current_count) / static_cast<double>(current_rows);
    bin.contribution = psi_contribution(bin.baseline, bin.current, epsilon);
    psi += bin.contribution;
  }
  feature.psi = psi;
  feature.band = band_of(psi);
}

std::string text_note(const RowSource& source, const LineMap& lines, const TextCell& cell)
{
  return fmt::format("binned by value: {}:{} holds '{}', not a number", source.name(),
                     lines.absolute(cell.chunk, cell.line), cell.value);
}

// Numeric binning of one baseline column: edges and counts per bin.
struct NumericBins {
  std::vector<double> edges;
  std::vector<std::uint64_t> counts;
};

NumericBins bin_baseline(const ValueChunks& values, const PsiOptions& options)
{
  NumericBins out;
  if (options.binning == Binning::quantile) {
    out.edges = quantile_edges(values, options.bins);
  } else {
    double lo = values.front().front();
    double hi = lo;
    for (const auto& chunk : values) {
      for (double x : chunk) {
        lo = std::min(lo, x);
        hi = std::max(hi, x);
      }
    }
    out.edges = uniform_edges(lo, hi, options.bins);
  }
  out.counts.assign(out.edges.size() + 1, 0);
  for (const auto& chunk : values) {
    for (double x : chunk) {
      ++out.counts[bin_of(out.edges, x)];
    }
  }
  return out;
}

} // namespace

PsiReport compute_psi(RowSource& baseline, RowSource& current, const PsiOptions& options)
{
  check_options(options);
  auto features = resolve_features(baseline, current, options);
  unsigned threads = options.threads != 0 ? options.threads : std::max(1U, std::thread::hardware_concurrency());
  std::map<std::size_t, std::string> notes; // found by an earlier pass that had to be repeated
  for (bool first_pass = true;; first_pass = false) {
    if (!first_pass) {
      baseline.rewind();
    }
    auto base = read_baseline(baseline, features, threads);
    if (base.rows == 0) {
      throw Error(ErrorKind::data, fmt::format("{}: no data rows", baseline.name()));
    }
    bool again = false;
    for (std::size_t f = 0; f < features.size(); ++f) {
      auto& column = base.columns[f];
      bool mixed = column.numbers_seen && column.first_text && !features[f].declared_categorical;
      if (mixed && options.strict) {
        throw Error(ErrorKind::data,
                    fmt::format("{}:{}: column '{}': '{}' is not a number, and the column's other "
                                "cells are numbers (--strict)",
                                baseline.name(), base.lines.absolute(column.first_text->chunk, column.first_text->line),
                                features[f].name, column.first_text->value));
      }
      if (mixed) {
        notes[f] = text_note(baseline, base.lines, *column.first_text);
      }
      // Numbers stored before the column's first text cell: read it again, by value from the start.
      again = again || (column.text_mode && !column.values.empty());
    }
    for (std::size_t f = 0; again && f < features.size(); ++f) {
      features[f].text = features[f].text || base.columns[f].text_mode;
    }
    if (again) {
      if (!baseline.rewindable()) {
        throw Error(ErrorKind::data,
                    fmt::format("{}: a column of numbers holds text far down ({}); standard input cannot be "
                                "read a second time to bin it by value",
                                baseline.name(), notes.begin()->second),
                    "name the column in --categorical, or read the data from a file");
      }
      continue;
    }
    for (std::size_t f = 0; f < features.size(); ++f) {
      const auto& column = base.columns[f];
      features[f].text = column.text_mode;
      if (column.text.empty() && column.values.empty()) {
        throw Error(ErrorKind::data, fmt::format("{}: column '{}' has no values: every cell is missing",
                                                 baseline.name(), features[f].name));
      }
    }
    std::vector<NumericBins> numeric(features.size());
    parallel_for(features.size(), threads, [&](std::size_t f) {
      if (!features[f].text) {
        numeric[f] = bin_baseline(base.columns[f].values, options);
        base.columns[f].values = {};
      }
    });
    base.arena.reset(); // the values are counted: free them before reading the current dataset
    std::vector<std::vector<double>> edges(features.size());
    for (std::size_t f = 0; f < features.size(); ++f) {
      edges[f] = numeric[f].edges;
    }
    if (!first_pass) {
      current.rewind();
    }
    auto cur = read_current(current, features, edges, options.strict, threads);
    if (cur.rows == 0) {
      throw Error(ErrorKind::data, fmt::format("{}: no data rows", current.name()));
    }
    for (std::size_t f = 0; f < features.size(); ++f) {
      if (const auto& cell = cur.columns[f].first_text) {
        notes[f] = text_note(current, cur.lines, *cell);
        features[f].text = true;
        again = true;
      }
    }
    if (again) {
      if (!baseline.rewindable() || !current.rewindable()) {
        throw Error(ErrorKind::data,
                    fmt::format("{}: a column of numbers holds text; standard input cannot be read a second time "
                                "to bin it by value",
                                current.name()),
                    "name the column in --categorical, or read the data from a file");
      }
      continue;
    }
    PsiReport report;
    report.baseline_rows = base.rows;
    report.current_rows = cur.rows;
    for (std::size_t f = 0; f < features.size(); ++f) {
      const auto& b = base.columns[f];
      const auto& c = cur.columns[f];
      if (c.missing == cur.rows) {
        throw Error(ErrorKind::data, fmt::format("{}: column '{}' has no values: every cell is missing", current.name(),
                                                 features[f].name));
      }
      FeatureResult feature;
      feature.name = features[f].name;
      feature.kind = features[f].text ? FeatureKind::categorical : FeatureKind::numeric;
      feature.bins = features[f].text ? categorical_bins(b.text, c.text)
                                      : numeric_bins(numeric[f].edges, numeric[f].counts, c.bins);
      feature.bins.push_back(BinResult{std::nullopt, b.missing, c.missing});
      if (auto note = notes.find(f); note != notes.end() && features[f].text) {
        feature.note = note->second;
      }
      score(feature, base.rows, cur.rows, options.epsilon);
      report.features.push_back(std::move(feature));
    }
    for (const auto& feature : report.features) {
      report.max_psi = std::max(report.max_psi, feature.psi);
    }
    report.band = band_of(report.max_psi);
    return report;
  }
}

double psi_contribution(double baseline, double current, double epsilon)
{
  double b = baseline == 0 ? epsilon : baseline;
  double c = current == 0 ? epsilon : current;
  return (c - b) * std::log(c / b);
}

Band band_of(double psi)
{
  if (psi >= 0.25) {
    return Band::action;
  }
  return psi >= 0.1 ? Band::attention : Band::stable;
}

std::string_view to_string(Band band)
{
  switch (band) {
  case Band::stable: return "stable";
  case Band::attention: return "attention";
  case Band::action: return "action";
  }
  return "stable";
}

std::string_view to_string(FeatureKind kind)
{
  return kind == FeatureKind::numeric ? "numeric" : "categorical";
}

ExitCode exit_code(Band band)
{
  switch (band) {
  case Band::stable: return ExitCode::ok;
  case Band::attention: return ExitCode::warning;
  case Band::action: return ExitCode::critical;
  }
  return ExitCode::critical;
}

nlohmann::ordered_json to_json(const PsiReport& report)
{
  nlohmann::ordered_json features = nlohmann::ordered_json::array();
  for (const auto& feature : report.features) {
    nlohmann::ordered_json bins = nlohmann::ordered_json::array();
    for (const auto& bin : feature.bins) {
      bins.push_back({{"label", bin.label ? nlohmann::ordered_json(*bin.label) : nlohmann::ordered_json(nullptr)},
                      {"baseline", bin.baseline},
                      {"current", bin.current},
                      {"contribution", bin.contribution}});
    }
    features.push_back({{"name", feature.name},
                        {"kind", to_string(feature.kind)},
                        {"psi", feature.psi},
                        {"band", to_string(feature.band)},
                        {"bins", std::move(bins)}});
  }
  return nlohmann::ordered_json{{"schema_version", 1},
                                {"features", std::move(features)},
                                {"max_psi", report.max_psi},
                                {"band", to_string(report.band)}};
}

} // namespace credguard::drift
