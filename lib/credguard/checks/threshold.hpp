#pragma once

#include <credguard/checks/result.hpp>

#include <optional>
#include <string>

namespace credguard::checks {

// A measured value's limits. With direction `above` (the default) higher is
// worse: value >= crit is FAIL, value >= warn is WARN. With `below` lower is
// worse (days before a certificate expires).
struct Threshold {
  enum class Direction { above, below };

  std::optional<double> warn;
  std::optional<double> crit;
  Direction direction = Direction::above;
  std::string unit; // "%", "ms", "days", ...

  bool empty() const { return !warn && !crit; }
  Status evaluate(double value) const;
  // The passing range as the runbook writes it: "< 70 %", ">= 30 days",
  // plus the critical limit: "< 70 % (crit >= 90 %)".
  std::string describe() const;
  // "72.5 %" with the unit, numbers without needless decimals.
  std::string format_value(double value) const;
};

// Formats a number compactly: 70 -> "70", 72.456 -> "72.5", 0.0123 -> "0.0123".
std::string format_number(double value);

} // namespace credguard::checks
