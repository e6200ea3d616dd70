#include <credguard/checks/threshold.hpp>

#include <fmt/format.h>

#include <cmath>

namespace credguard::checks {

std::string format_number(double value)
{
  if (std::isnan(value)) {
    return "NaN";
  }
  if (std::fabs(value - std::round(value)) < 1e-9 && std::fabs(value) < 1e15) {
    return fmt::format("{}", static_cast<long long>(std::round(value)));
  }
  if (std::fabs(value) >= 1) {
    return fmt::format("{:.1f}", value);
  }
  return fmt::format("{:.3g}", value);
}

Status Threshold::evaluate(double value) const
{
  auto beyond = [&](double limit) { return direction == Direction::above ? value >= limit : value < limit; };
  if (std::isnan(value)) {
    return Status::unknown;
  }
  if (crit && beyond(*crit)) {
    return Status::fail;
  }
  if (warn && beyond(*warn)) {
    return Status::warn;
  }
  return Status::pass;
}

std::string Threshold::format_value(double value) const
{
  if (unit.empty()) {
    return format_number(value);
  }
  return unit == "%" ? format_number(value) + " %" : format_number(value) + " " + unit;
}

std::string Threshold::describe() const
{
  if (empty()) {
    return "";
  }
  const char* ok_op = direction == Direction::above ? "<" : ">=";
  const char* bad_op = direction == Direction::above ? ">=" : "<";
  if (warn && crit && *warn != *crit) {
    return fmt::format("{} {} (crit {} {})", ok_op, format_value(*warn), bad_op, format_value(*crit));
  }
  return fmt::format("{} {}", ok_op, format_value(warn ? *warn : *crit));
}

} // namespace credguard::checks
