#include <credguard/drift/quantile.hpp>

#include <algorithm>
#include <bit>
#include <cmath>

namespace credguard::drift {

namespace {

constexpr std::uint64_t k_sign = 1ULL << 63;
constexpr std::size_t k_digits = 1U << 16;

// Maps doubles to unsigned integers in the same order.
std::uint64_t order_key(double x)
{
  auto u = std::bit_cast<std::uint64_t>(x);
  std::uint64_t negative = 0 - (u >> 63); // all ones for a negative number
  return u ^ (negative | k_sign);         // negative: ~u; positive: u | sign
}

double from_order_key(std::uint64_t key)
{
  return std::bit_cast<double>((key & k_sign) != 0 ? key & ~k_sign : ~key);
}

struct Target {
  std::uint64_t rank;       // within the values that share `prefix`
  std::uint64_t prefix = 0; // the known top bits of the target's key
  std::uint64_t count = 0;  // how many values share `prefix`
  double value = 0;
  bool done = false;
};

// The values sharing one key prefix that some targets fall into.
struct Group {
  std::uint64_t prefix = 0;
  std::uint64_t count = 0;
  std::vector<std::size_t> targets;
  bool gather = false;
  std::vector<std::uint64_t> keys;
  std::vector<std::uint64_t> histogram;
  std::uint64_t min_key = ~0ULL; // of the values histogrammed: equal ends mean one repeated value
  std::uint64_t max_key = 0;
};

std::vector<Group> group_targets(const std::vector<Target>& targets)
{
  std::vector<Group> groups;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    if (targets[i].done) {
      continue;
    }
    auto it = std::find_if(groups.begin(), groups.end(), [&](const Group& g) { return g.prefix == targets[i].prefix; });
    if (it == groups.end()) {
      groups.push_back(Group{targets[i].prefix, targets[i].count, {}, false, {}, {}, ~0ULL, 0});
      it = groups.end() - 1;
    }
    it->targets.push_back(i);
  }
  return groups;
}

// One pass over the values: collects or histograms those of each group.
void scan(const ValueChunks& values, std::vector<Group>& groups, unsigned bits)
{
  std::vector<std::uint8_t> candidate(bits == 0 ? 0 : k_digits, 0);
  for (auto& g : groups) {
    if (bits > 0) {
      candidate[g.prefix >> (bits - 16)] = 1;
    }
  }
  unsigned digit_shift = 48 - bits;
  for (const auto& chunk : values) {
    for (double x : chunk) {
      std::uint64_t key = order_key(x);
      Group* group = &groups[0];
      if (bits > 0) {
        if (candidate[key >> 48] == 0) {
          continue;
        }
        std::uint64_t prefix = key >> (64 - bits);
        group = nullptr;
        for (auto& g : groups) {
          if (g.prefix == prefix) {
            group = &g;
            break;
          }
        }
        if (group == nullptr) {
          continue;
        }
      }
      if (group->gather) {
        group->keys.push_back(key);
      } else {
        ++group->histogram[(key >> digit_shift) & (k_digits - 1)];
        group->min_key = std::min(group->min_key, key);
        group->max_key = std::max(group->max_key, key);
      }
    }
  }
}

} // namespace

std::uint64_t value_count(const ValueChunks& values)
{
  std::uint64_t n = 0;
  for (const auto& chunk : values) {
    n += chunk.size();
  }
  return n;
}

std::vector<double> order_statistics(const ValueChunks& values, const std::vector<std::uint64_t>& ranks,
                                     std::uint64_t gather_limit)
{
  std::uint64_t total = value_count(values);
  std::vector<Target> targets;
  for (auto rank : ranks) {
    targets.push_back(Target{rank, 0, total});
  }
  for (unsigned bits = 0; bits < 64; bits += 16) {
    auto groups = group_targets(targets);
    if (groups.empty()) {
      break;
    }
    for (auto& g : groups) {
      // A small group is collected and selected from instead of narrowed by another pass.
      g.gather = g.count <= gather_limit;
      if (g.gather) {
        g.keys.reserve(g.count);
      } else {
        g.histogram.assign(k_digits, 0);
      }
    }
    scan(values, groups, bits);
    for (auto& g : groups) {
      if (g.gather) {
        // Targets come in ascending rank: each selection leaves the larger keys after it.
        auto from = g.keys.begin();
        for (auto i : g.targets) {
          auto nth = g.keys.begin() + static_cast<std::ptrdiff_t>(targets[i].rank);
          std::nth_element(from, nth, g.keys.end());
          targets[i].value = from_order_key(*nth);
          targets[i].done = true;
          from = nth;
        }
        continue;
      }
      if (g.min_key == g.max_key) {
        for (auto i : g.targets) {
          targets[i].value = from_order_key(g.min_key);
          targets[i].done = true;
        }
        continue;
      }
      for (auto i : g.targets) {
        auto& t = targets[i];
        std::uint64_t below = 0;
        std::size_t digit = 0;
        while (below + g.histogram[digit] <= t.rank) {
          below += g.histogram[digit++];
        }
        t.rank -= below;
        t.prefix = (t.prefix << 16) | digit;
        t.count = g.histogram[digit];
        if (bits + 16 == 64) {
          t.value = from_order_key(t.prefix); // every bit known: all these values are equal
          t.done = true;
        }
      }
    }
  }
  std::vector<double> out;
  out.reserve(targets.size());
  for (const auto& t : targets) {
    out.push_back(t.value);
  }
  return out;
}

std::vector<double> quantile_edges(const ValueChunks& values, std::size_t bins)
{
  std::uint64_t n = value_count(values);
  struct Point {
    std::uint64_t previous;
    std::uint64_t next;
    double gamma;
  };
  std::vector<Point> points;
  std::vector<std::uint64_t> ranks;
  for (std::size_t k = 1; k < bins; ++k) {
    // As numpy: virtual index (n - 1) * q, neighbours floor() and floor() + 1.
    double q = static_cast<double>(k) / static_cast<double>(bins);
    double index = static_cast<double>(n - 1) * q;
    double previous = std::floor(index);
    Point p{};
    if (index >= static_cast<double>(n - 1)) {
      p = Point{n - 1, n - 1, 0.0};
    } else {
      auto lower = static_cast<std::uint64_t>(previous);
      p = Point{lower, lower + 1, index - previous};
    }
    points.push_back(p);
    ranks.push_back(p.previous);
    ranks.push_back(p.next);
  }
  std::sort(ranks.begin(), ranks.end());
  ranks.erase(std::unique(ranks.begin(), ranks.end()), ranks.end());
  auto stats = order_statistics(values, ranks);
  auto at = [&](std::uint64_t rank) {
    return stats[static_cast<std::size_t>(std::lower_bound(ranks.begin(), ranks.end(), rank) - ranks.begin())];
  };
  std::vector<double> edges;
  for (const auto& p : points) {
    // numpy's _lerp, including its switch of formula at gamma 0.5.
    double a = at(p.previous);
    double b = at(p.next);
    double diff = b - a;
    double value = p.gamma >= 0.5 ? b - diff * (1 - p.gamma) : a + diff * p.gamma;
    edges.push_back(value == 0 ? 0.0 : value);
  }
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  return edges;
}

std::vector<double> uniform_edges(double min, double max, std::size_t bins)
{
  // As numpy.linspace: k * step + start, or (k / div) * delta + start when
  // the step underflows to 0.
  double delta = max - min;
  double div = static_cast<double>(bins);
  double step = delta / div;
  std::vector<double> edges;
  for (std::size_t k = 1; k < bins; ++k) {
    double y = static_cast<double>(k);
    double value = step == 0 ? (y / div) * delta + min : y * step + min;
    edges.push_back(value == 0 ? 0.0 : value);
  }
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  return edges;
}

} // namespace credguard::drift
