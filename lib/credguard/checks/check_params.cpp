#include <credguard/checks/check_params.hpp>
#include <credguard/core/error.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/core/time_format.hpp>

#include <fmt/format.h>

namespace credguard::checks::params {

void fail(const CheckDefinition& def, std::string_view key, std::string_view problem)
{
  throw Error(ErrorKind::config, fmt::format("{}: {}.params.{}: {}", def.location, def.id, key, problem));
}

std::string text(const CheckDefinition& def, const char* key, bool required)
{
  auto node = def.params[key];
  if (!node || node.IsNull()) {
    if (required) {
      fail(def, key, "is required");
    }
    return "";
  }
  if (!node.IsScalar()) {
    fail(def, key, "expected a text value");
  }
  return node.Scalar();
}

std::optional<long long> integer(const CheckDefinition& def, const char* key, long long low, long long high)
{
  auto value_text = text(def, key);
  if (value_text.empty()) {
    return std::nullopt;
  }
  auto value = parse_int(value_text);
  if (!value || *value < low || *value > high) {
    fail(def, key, fmt::format("expected a whole number from {} to {}, got \"{}\"", low, high, value_text));
  }
  return value;
}

std::optional<Millis> duration(const CheckDefinition& def, const char* key, bool zero_allowed)
{
  auto value_text = text(def, key);
  if (value_text.empty()) {
    return std::nullopt;
  }
  auto value = parse_duration(value_text);
  if (!value || (value->count() == 0 && !zero_allowed)) {
    fail(def, key, fmt::format("expected a duration such as 15m, got \"{}\"", value_text));
  }
  return value;
}

bool boolean(const CheckDefinition& def, const char* key, bool fallback)
{
  auto value_text = text(def, key);
  if (value_text.empty()) {
    return fallback;
  }
  if (value_text != "true" && value_text != "false") {
    fail(def, key, fmt::format("expected true or false, got \"{}\"", value_text));
  }
  return value_text == "true";
}

std::vector<std::string> list(const CheckDefinition& def, const char* key)
{
  std::vector<std::string> out;
  auto node = def.params[key];
  if (!node || node.IsNull()) {
    return out;
  }
  if (node.IsScalar()) {
    return split_list(node.Scalar());
  }
  if (!node.IsSequence()) {
    fail(def, key, "expected a list");
  }
  for (const auto& item : node) {
    if (!item.IsScalar()) {
      fail(def, key, "expected a list of text values");
    }
    out.push_back(item.Scalar());
  }
  return out;
}

} // namespace credguard::checks::params
