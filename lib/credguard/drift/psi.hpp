#pragma once

#include <credguard/core/exit_code.hpp>
#include <credguard/drift/row_source.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace credguard::drift {

enum class Binning { quantile, uniform };
enum class FeatureKind { numeric, categorical };
// stable: PSI < 0.1; attention: 0.1 <= PSI < 0.25; action: PSI >= 0.25.
enum class Band { stable, attention, action };

struct PsiOptions {
  std::vector<std::string> features;    // empty: every named column (both files must have the same)
  std::vector<std::string> categorical; // columns binned by value; each must be a feature
  std::size_t bins = 10;                // 2 or more
  Binning binning = Binning::quantile;
  double epsilon = 1e-4; // replaces a zero proportion; > 0
  bool strict = false;   // a text cell in a column of numbers is an error, not a reason to bin by value
  unsigned threads = 0;  // 0: one per CPU
};

// One bin of a feature.
struct BinResult {
  std::optional<std::string> label; // "(1.5, 3]", a category, or nullopt for the missing bin
  std::uint64_t baseline_count = 0;
  std::uint64_t current_count = 0;
  double baseline = 0; // proportion of the dataset's rows, missing included
  double current = 0;
  double contribution = 0; // (c - b) * ln(c / b), zero proportions replaced by epsilon
};

struct FeatureResult {
  std::string name;
  FeatureKind kind = FeatureKind::numeric;
  double psi = 0;
  Band band = Band::stable;
  std::vector<BinResult> bins; // numeric: by edge; categorical: by label; the missing bin last
  // Set when a column of numbers is binned by value because of a text
  // cell: names the cell ("base.csv:12 holds 'abc'").
  std::string note;
};

struct PsiReport {
  std::vector<FeatureResult> features; // in the order requested (or of the baseline's header)
  std::uint64_t baseline_rows = 0;
  std::uint64_t current_rows = 0;
  double max_psi = 0;
  Band band = Band::stable; // the worst feature's
};

// Computes the Population Stability Index of every feature between the two
// datasets, as credguard(1) defines it: bin edges from the baseline
// (numpy-linear quantiles or equal widths), right-closed bins, one bin for
// missing cells, one bin per value for categorical columns.
// Throws Error(usage) for invalid options, Error(data) naming the file (and
// line) for bad input: a missing column, a malformed row, no data rows, a
// column with no values, a text cell among numbers with `strict`.
PsiReport compute_psi(RowSource& baseline, RowSource& current, const PsiOptions& options);

// One bin's term of the PSI: (current - baseline) * ln(current / baseline),
// where each is a proportion of its dataset's rows and a zero proportion is
// replaced by `epsilon` (> 0). The PSI is the sum of these over the bins;
// every PSI credguard reports goes through this function.
double psi_contribution(double baseline, double current, double epsilon);

// The band of a PSI value: see Band.
Band band_of(double psi);
std::string_view to_string(Band band);
std::string_view to_string(FeatureKind kind);
// 0 stable, 1 attention, 2 action: the exit status of a gate.
ExitCode exit_code(Band band);

// The report as the `psi --output json` document (schema_version 1), keys
// in the documented order.
nlohmann::ordered_json to_json(const PsiReport& report);

} // namespace credguard::drift
