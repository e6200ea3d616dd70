#include <credguard/checks/params.hpp>
#include <credguard/core/error.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/core/time_format.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace credguard::checks {

void param_error(const CheckDefinition& def, std::string_view key, std::string_view problem)
{
  throw Error(ErrorKind::config, fmt::format("{}: {}.params.{}: {}", def.location, def.id, key, problem));
}

std::optional<std::string> param_text(const CheckDefinition& def, const char* key)
{
  auto node = def.params[key];
  if (!node || node.IsNull()) {
    return std::nullopt;
  }
  if (!node.IsScalar()) {
    param_error(def, key, "expected a single value");
  }
  return node.Scalar();
}

std::string required_text(const CheckDefinition& def, const char* key)
{
  auto text = param_text(def, key);
  if (!text || trim(*text).empty()) {
    param_error(def, key, "is required");
  }
  return *text;
}

Millis param_duration(const CheckDefinition& def, const char* key, Millis fallback)
{
  auto text = param_text(def, key);
  if (!text) {
    return fallback;
  }
  auto value = parse_duration(*text);
  if (!value) {
    param_error(def, key, fmt::format("expected a duration such as 1h or 90d, got \"{}\"", *text));
  }
  return *value;
}

double param_number(const CheckDefinition& def, const char* key, double fallback, double minimum)
{
  auto text = param_text(def, key);
  if (!text) {
    return fallback;
  }
  auto value = parse_double(*text);
  if (!value || *value < minimum) {
    param_error(def, key, fmt::format("expected a number >= {}, got \"{}\"", minimum, *text));
  }
  return *value;
}

std::vector<std::string> param_list(const CheckDefinition& def, const char* key)
{
  std::vector<std::string> out;
  auto node = def.params[key];
  if (!node || node.IsNull()) {
    return out;
  }
  if (node.IsScalar()) {
    return {node.Scalar()};
  }
  if (!node.IsSequence()) {
    param_error(def, key, "expected a list");
  }
  for (const auto& item : node) {
    if (!item.IsScalar()) {
      param_error(def, key, "expected a list of values");
    }
    out.push_back(item.Scalar());
  }
  return out;
}

std::string param_choice(const CheckDefinition& def, const char* key, const std::vector<std::string>& choices)
{
  auto text = required_text(def, key);
  if (std::find(choices.begin(), choices.end(), text) == choices.end()) {
    param_error(def, key, fmt::format("expected one of {}, got \"{}\"", join(choices, ", "), text));
  }
  return text;
}

} // namespace credguard::checks
