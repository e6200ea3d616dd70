#pragma once

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

// The value of a cell that is a finite decimal number: an optional sign,
// digits with an optional decimal point, an optional exponent (1, -2.5,
// +.5, 3., 1e-3); nothing else around it. Returns nullopt for anything else
// (text, hexadecimal, inf, overflow). -0 reads as 0.
std::optional<double> parse_number(std::string_view cell);

} // namespace credguard::drift
