#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace credguard::drift {

// True for the cells that mean "no value": empty, NA, NaN, nan, null, NULL
// (exactly, case as written).
inline bool is_missing(std::string_view cell)
{
  switch (cell.size()) {
  case 0: return true;
  case 2: return cell == "NA";
  case 3: return cell == "NaN" || cell == "nan";
  case 4: return cell == "null" || cell == "NULL";
  default: return false;
  }
}

// parse_number for any cell, through std::from_chars.
std::optional<double> parse_general_number(std::string_view cell);

// 10^0 .. 10^22: the powers of ten a double holds exactly.
inline constexpr double k_exact_powers_of_ten[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                                   1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                                   1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

// Most cells are short plain decimals ("123", "-4.56"): when the digits
// make an integer up to 2^53 and at most 22 of them follow the point, one
// division of two exact doubles gives the correctly rounded value, the same
// as from_chars (Clinger's fast path). nullopt: take the general path.
inline std::optional<double> parse_plain_decimal(std::string_view cell)
{
  constexpr std::uint64_t k_exact_integer = 1ULL << 53;
  const char* p = cell.data();
  const char* end = p + cell.size();
  bool negative = false;
  if (p < end && (*p == '-' || *p == '+')) {
    negative = *p == '-';
    ++p;
  }
  // Digits, then optionally a point and more digits; a 20th digit could
  // overflow the mantissa, so such cells take the general path.
  std::uint64_t mantissa = 0;
  const char* digits_start = p;
  for (; p < end && static_cast<unsigned>(*p - '0') < 10; ++p) {
    mantissa = mantissa * 10 + static_cast<unsigned>(*p - '0');
  }
  auto digits = p - digits_start;
  std::ptrdiff_t decimals = 0;
  if (p < end && *p == '.') {
    const char* fraction = ++p;
    for (; p < end && static_cast<unsigned>(*p - '0') < 10; ++p) {
      mantissa = mantissa * 10 + static_cast<unsigned>(*p - '0');
    }
    decimals = p - fraction;
    digits += decimals;
  }
  if (p != end || digits == 0 || digits > 19 || mantissa > k_exact_integer || decimals > 22) {
    return std::nullopt;
  }
  double value = static_cast<double>(mantissa);
  if (decimals > 0) {
    value /= k_exact_powers_of_ten[decimals]; // a division is slow: integers skip it
  }
  return value == 0 ? 0.0 : (negative ? -value : value);
}

// The value of a cell that is a finite decimal number: an optional sign,
// digits with an optional decimal point, an optional exponent (1, -2.5,
// +.5, 3., 1e-3); nothing else around it. Returns nullopt for anything else
// (text, hexadecimal, inf, overflow). -0 reads as 0.
inline std::optional<double> parse_number(std::string_view cell)
{
  char first = cell.empty() ? ' ' : cell.front();
  if (!((first >= '0' && first <= '9') || first == '-' || first == '+' || first == '.')) {
    return std::nullopt; // most text
  }
  if (auto value = parse_plain_decimal(cell)) {
    return value;
  }
  return parse_general_number(cell);
}

} // namespace credguard::drift
