#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace credguard::drift {

// The numeric values of one column, in pieces (one per chunk), unordered;
// the pieces are views of memory owned elsewhere (a ValueArena).
using ValueChunks = std::vector<std::span<const double>>;

// The number of values in all pieces.
std::uint64_t value_count(const ValueChunks& values);

// The values at 0-based positions `ranks` (ascending, each < value_count) of the
// values in ascending order, without sorting them: a radix selection on the
// bits of the doubles, a few passes over the data. Returns one value per rank.
// Groups of at most `gather_limit` values are selected from directly
// (tests lower it to exercise every pass).
std::vector<double> order_statistics(const ValueChunks& values, const std::vector<std::uint64_t>& ranks,
                                     std::uint64_t gather_limit = 1U << 16);

// The bin edges of --binning quantile: numpy.quantile(values, k / bins) for
// k = 1 .. bins-1 with numpy's default (linear) method, sorted, duplicates
// dropped. `values` must not be empty.
std::vector<double> quantile_edges(const ValueChunks& values, std::size_t bins);

// The bin edges of --binning uniform: numpy.linspace(min, max, bins + 1)
// without its two ends, sorted, duplicates dropped.
std::vector<double> uniform_edges(double min, double max, std::size_t bins);

// The bin of `x` among right-closed bins (-inf, e0], (e0, e1], ...,
// (e_last, +inf): the number of edges below x.
inline std::size_t bin_of(const std::vector<double>& edges, double x)
{
  std::size_t n = edges.size();
  const double* e = edges.data();
  if (n <= 16) {
    std::size_t bin = 0;
    for (std::size_t i = 0; i < n; ++i) {
      bin += e[i] < x ? 1U : 0U;
    }
    return bin;
  }
  // Branch-free binary search for the first edge >= x.
  std::size_t base = 0;
  while (n > 1) {
    std::size_t half = n / 2;
    base = e[base + half] < x ? base + half : base;
    n -= half;
  }
  return base + (e[base] < x ? 1U : 0U);
}

} // namespace credguard::drift
