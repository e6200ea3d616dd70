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

// Most cells are short plain decimals ("123", "-4.56"): when the digits
// make an integer up to 2^53 and at most 22 of them follow the point, one
// division of two exact doubles gives the correctly rounded value, the same
// as from_chars (Clinger's fast path). nullopt: take the general path.
inline std::optional<double> parse_plain_decimal(std::string_view cell)
{
  constexpr std::uint64_t k_exact_integer = 1ULL << 53;
  constexpr double k_powers_of_ten[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  const char* p = cell.data();
  const char* end = p + cell.size();
  bool negative = false;
  if (p < end && (*p == '-' || *p == '+')) {
    negative = *p == '-';
    ++p;
  }
  std::uint64_t mantissa = 0;
  int digits = 0;
  int decimals = 0;
  bool point = false;
  for (; p < end; ++p) {
    auto digit = static_cast<unsigned>(*p - '0');
    if (digit < 10) {
      if (digits == 19) {
        return std::nullopt;
      }
      mantissa = mantissa * 10 + digit;
      ++digits;
      decimals += point ? 1 : 0;
    } else if (*p == '.' && !point) {
      point = true;
    } else {
      return std::nullopt;
    }
  }
  if (digits == 0 || mantissa > k_exact_integer || decimals > 22) {
    return std::nullopt;
  }
  double value = static_cast<double>(mantissa) / k_powers_of_ten[decimals];
  return value == 0 ? 0.0 : (negative ? -value : value);
}

// The value of a cell that is a finite decimal number: an optional sign,
// digits with an optional decimal point, an optional exponent (1, -2.5,
// +.5, 3., 1e-3); nothing else around it. Returns nullopt for anything else
// (text, hexadecimal, inf, overflow). -0 reads as 0.
inline std::optional<double> parse_number(std::string_view cell)
{
  if (auto value = parse_plain_decimal(cell)) {
    return value;
  }
  return parse_general_number(cell);
}

} // namespace credguard::drift
