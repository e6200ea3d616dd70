#include "cmd/psi/psi.hpp"

#include <credguard/core/strings.hpp>
#include <credguard/core/table.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <sstream>

namespace credguard::cli {

namespace {

constexpr std::size_t k_top_bins = 3;

Color color_of(drift::Band band)
{
  switch (band) {
  case drift::Band::stable: return Color::green;
  case drift::Band::attention: return Color::yellow;
  case drift::Band::action: return Color::red;
  }
  return Color::none;
}

// A bin label on one table line: control characters escaped.
std::string printable_label(const std::optional<std::string>& label)
{
  if (!label) {
    return "(missing)";
  }
  std::string out = escape_controls(*label);
  return out.empty() ? "\"\"" : out;
}

std::string top_bins(const drift::FeatureResult& feature)
{
  std::vector<const drift::BinResult*> bins;
  for (const auto& bin : feature.bins) {
    if (bin.contribution > 0) {
      bins.push_back(&bin);
    }
  }
  std::size_t shown = std::min(k_top_bins, bins.size());
  std::partial_sort(
      bins.begin(), bins.begin() + static_cast<std::ptrdiff_t>(shown), bins.end(),
      [](const drift::BinResult* a, const drift::BinResult* b) { return a->contribution > b->contribution; });
  std::vector<std::string> parts;
  for (std::size_t i = 0; i < shown; ++i) {
    const auto& bin = *bins[i];
    parts.push_back(fmt::format("{} {:.1f}%->{:.1f}% (+{:.3g})", printable_label(bin.label), 100 * bin.baseline,
                                100 * bin.current, bin.contribution));
  }
  if (parts.empty()) {
    return "-";
  }
  std::string out = parts.front();
  for (std::size_t i = 1; i < parts.size(); ++i) {
    out += "; " + parts[i];
  }
  return out;
}

} // namespace

std::string render_psi_table(const drift::PsiReport& report, bool color)
{
  Table table({"FEATURE", "KIND", "PSI", "BAND", "TOP BINS (baseline->current, contribution)"});
  for (const auto& feature : report.features) {
    std::string kind(drift::to_string(feature.kind));
    table.add_row({feature.name, feature.note.empty() ? kind : kind + "*", fmt::format("{}", feature.psi),
                   Cell(std::string(drift::to_string(feature.band)), color_of(feature.band)), top_bins(feature)});
  }
  std::ostringstream out;
  table.render(out, color);
  auto worst = std::max_element(report.features.begin(), report.features.end(),
                                [](const auto& a, const auto& b) { return a.psi < b.psi; });
  out << fmt::format(
      "\nmax PSI {} ({}): {}; baseline {} rows, current {} rows\n", report.max_psi, escape_controls(worst->name),
      colorize(drift::to_string(report.band), color_of(report.band), color), report.baseline_rows, report.current_rows);
  for (const auto& feature : report.features) {
    if (!feature.note.empty()) {
      out << fmt::format("* {}: {}\n", escape_controls(feature.name), escape_controls(feature.note));
    }
  }
  return out.str();
}

} // namespace credguard::cli
