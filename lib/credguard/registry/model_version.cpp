#include <credguard/core/error.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/registry/model_version.hpp>

#include <fmt/format.h>

namespace credguard::registry {

namespace {

bool safe_label(const std::string& text, std::size_t max_length)
{
  if (text.empty() || text.size() > max_length || text.front() == '.' || text.front() == '-' ||
      text.find("..") != std::string::npos) {
    return false;
  }
  for (char c : text) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) {
      return false;
    }
  }
  return true;
}

} // namespace

std::optional<std::string> ModelVersion::tag(const std::string& key) const
{
  auto it = tags.find(key);
  return it == tags.end() ? std::nullopt : std::optional<std::string>(it->second);
}

std::string ModelVersion::state() const
{
  return tag(k_state_tag).value_or("");
}

std::optional<long long> ModelVersion::number() const
{
  return parse_int(version);
}

void validate_model_name(const std::string& name, const std::string& what)
{
  if (!safe_label(name, 200)) {
    throw Error(ErrorKind::data, fmt::format("{} \"{}\" is not allowed", what, escape_controls(name)),
                "use letters, digits, '.', '_' and '-' only (no '/', no '..')");
  }
}

void validate_version_label(const std::string& version, const std::string& what)
{
  if (!safe_label(version, 64)) {
    throw Error(ErrorKind::data, fmt::format("{} \"{}\" is not allowed", what, escape_controls(version)),
                "use letters, digits, '.', '_' and '-' only (no '/', no '..')");
  }
}

} // namespace credguard::registry
