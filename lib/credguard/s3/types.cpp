#include <credguard/core/strings.hpp>
#include <credguard/s3/types.hpp>

namespace credguard::s3 {

std::string_view to_string(LockMode mode)
{
  return mode == LockMode::compliance ? "COMPLIANCE" : "GOVERNANCE";
}

std::optional<LockMode> parse_lock_mode(std::string_view text)
{
  if (iequals(text, "COMPLIANCE")) {
    return LockMode::compliance;
  }
  if (iequals(text, "GOVERNANCE")) {
    return LockMode::governance;
  }
  return std::nullopt;
}

bool retention_covers(const std::optional<Retention>& held, const Retention& wanted)
{
  return held && held->mode == wanted.mode &&
         held->retain_until >= std::chrono::floor<std::chrono::seconds>(wanted.retain_until);
}

} // namespace credguard::s3
