#include <credguard/drift/quantile.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>

using namespace credguard::drift;

namespace {

// Views of `values` in pieces of `piece` values, as the chunks of a pass give
// them; valid while `values` lives (a temporary: until the end of the statement).
ValueChunks pieces(const std::vector<double>& values, std::size_t piece = 3)
{
  ValueChunks out;
  for (std::size_t i = 0; i < values.size(); i += piece) {
    out.emplace_back(values.data() + i, std::min(piece, values.size() - i));
  }
  return out;
}

} // namespace

// Expected values: numpy 1.24, np.unique(np.quantile(x, np.arange(1, B) / B)),
// printed with repr() so that they are the exact doubles.
TEST_CASE("quantile edges: equal numpy's default (linear) quantiles bit for bit")
{
  CHECK(quantile_edges(pieces({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}), 4) == std::vector<double>{3.25, 5.5, 7.75});
  CHECK(quantile_edges(pieces({3.5, -1, 2, 2, 2, 7, 100, 0.1}), 10) ==
        std::vector<double>{-0.22999999999999995, 0.8600000000000002, 2.0, 2.3000000000000003, 3.349999999999999,
                            5.600000000000001, 34.899999999999984});
  CHECK(quantile_edges(pieces({0.1, 0.2, 0.30000000000000004, 0.4, 0.5, 0.6000000000000001, 0.7000000000000001}), 3) ==
        std::vector<double>{0.30000000000000004, 0.5});
}

TEST_CASE("quantile edges: duplicate edges are dropped")
{
  CHECK(quantile_edges(pieces({1, 1, 1, 1, 2}), 4) == std::vector<double>{1.0});
  CHECK(quantile_edges(pieces({5}), 10) == std::vector<double>{5.0});
}

TEST_CASE("uniform edges: equal numpy.linspace without its ends")
{
  CHECK(uniform_edges(0.0, 1.0, 10) ==
        std::vector<double>{0.1, 0.2, 0.30000000000000004, 0.4, 0.5, 0.6000000000000001, 0.7000000000000001, 0.8, 0.9});
  CHECK(uniform_edges(-3.3, 7.7, 6) ==
        std::vector<double>{-1.4666666666666666, 0.3666666666666667, 2.2, 4.033333333333333, 5.866666666666666});
  CHECK(uniform_edges(5.0, 5.0, 10) == std::vector<double>{5.0});
}

TEST_CASE("bins are right-closed: a value equal to an edge falls in the bin below it")
{
  std::vector<double> edges{1.0, 2.0, 3.0};
  CHECK(bin_of(edges, 0.5) == 0);
  CHECK(bin_of(edges, 1.0) == 0);
  CHECK(bin_of(edges, std::nextafter(1.0, 2.0)) == 1);
  CHECK(bin_of(edges, 2.0) == 1);
  CHECK(bin_of(edges, 3.0) == 2);
  CHECK(bin_of(edges, 3.5) == 3);
  CHECK(bin_of({}, 7.0) == 0);
}

TEST_CASE("bin_of agrees with std::lower_bound for many edges")
{
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> dist(-100, 100);
  for (std::size_t count : {1U, 2U, 15U, 16U, 17U, 31U, 100U, 999U}) {
    std::vector<double> edges(count);
    for (auto& e : edges) {
      e = std::round(dist(rng));
    }
    std::sort(edges.begin(), edges.end());
    edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
    for (int i = 0; i < 2000; ++i) {
      double x = i % 3 == 0 ? edges[static_cast<std::size_t>(i) % edges.size()] : dist(rng);
      auto expected = static_cast<std::size_t>(std::lower_bound(edges.begin(), edges.end(), x) - edges.begin());
      INFO("edges " << edges.size() << " x " << x);
      REQUIRE(bin_of(edges, x) == expected);
    }
  }
}

TEST_CASE("order statistics equal those of a sorted copy, with ties, negatives and skew")
{
  std::mt19937_64 rng(42);
  std::lognormal_distribution<double> skewed(0.0, 2.0);
  std::uniform_int_distribution<int> small(-3, 3);
  for (std::size_t n : {1U, 2U, 7U, 1000U, 200000U}) {
    std::vector<double> values(n);
    for (std::size_t i = 0; i < n; ++i) {
      switch (i % 4) {
      case 0: values[i] = skewed(rng); break;
      case 1: values[i] = -skewed(rng); break;
      case 2: values[i] = small(rng); break; // heavy ties
      default: values[i] = 1e300 * (i % 8 == 3 ? 1 : -1); break;
      }
    }
    std::vector<double> sorted = values;
    std::sort(sorted.begin(), sorted.end());
    std::vector<std::uint64_t> ranks{0, n / 3, n / 2, n - 1};
    std::sort(ranks.begin(), ranks.end());
    ranks.erase(std::unique(ranks.begin(), ranks.end()), ranks.end());
    for (std::uint64_t gather_limit : {std::uint64_t{4}, std::uint64_t{64}, std::uint64_t{1} << 20}) {
      auto got = order_statistics(pieces(values, 4096), ranks, gather_limit);
      for (std::size_t i = 0; i < ranks.size(); ++i) {
        INFO("n " << n << " rank " << ranks[i] << " gather limit " << gather_limit);
        CHECK(got[i] == sorted[ranks[i]]);
      }
    }
  }
}

TEST_CASE("order statistics: one value repeated a million times")
{
  std::vector<double> values(1'000'000, 2.5);
  values[10] = -1;
  for (std::uint64_t gather_limit : {std::uint64_t{0}, std::uint64_t{1000}, std::uint64_t{1} << 20}) {
    auto got = order_statistics(pieces(values, 65536), {0, 1, 999'999}, gather_limit);
    CHECK(got == std::vector<double>{-1, 2.5, 2.5});
  }
}
