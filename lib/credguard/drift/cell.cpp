#include <credguard/drift/cell.hpp>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace credguard::drift {

namespace {

bool starts_number(char c)
{
  return (c >= '0' && c <= '9') || c == '.';
}

} // namespace

std::optional<double> parse_general_number(std::string_view cell)
{
  const char* p = cell.data();
  const char* end = p + cell.size();
  if (p == end) {
    return std::nullopt;
  }
  if (*p == '+') {
    ++p; // from_chars takes no plus sign
    if (p == end || !starts_number(*p)) {
      return std::nullopt;
    }
  } else if (*p == '-') {
    if (p + 1 == end || !starts_number(p[1])) {
      return std::nullopt; // "-", "-inf", "-nan"
    }
  } else if (!starts_number(*p)) {
    return std::nullopt; // letters, including inf and nan
  }
  double value = 0;
  auto [next, ec] = std::from_chars(p, end, value, std::chars_format::general);
  if (next != end) {
    return std::nullopt;
  }
  if (ec == std::errc::result_out_of_range) {
    // Underflow reads as the nearest value (0 or a subnormal), as strtod
    // and Python's float() do; overflow gives inf, which is not a number here.
    std::string copy(p, end);
    value = std::strtod(copy.c_str(), nullptr);
  } else if (ec != std::errc()) {
    return std::nullopt;
  }
  if (!std::isfinite(value)) {
    return std::nullopt;
  }
  return value == 0 ? 0.0 : value;
}

} // namespace credguard::drift
