#include <credguard/drift/cell.hpp>
#include <credguard/drift/passes.hpp>

#include <fmt/format.h>

#include <atomic>
#include <memory>
#include <mutex>

namespace credguard::drift {

namespace {

std::string quote_cell(std::string_view value)
{
  constexpr std::size_t k_shown = 60;
  return value.size() <= k_shown ? std::string(value) : std::string(value.substr(0, k_shown)) + "...";
}

void keep_first(std::optional<TextCell>& first, std::optional<TextCell>&& candidate)
{
  if (candidate && (!first || candidate->before(*first))) {
    first = std::move(candidate);
  }
}

// Which features have shown a text cell, shared by the chunks of a pass.
class TextFlags {
public:
  explicit TextFlags(const std::vector<FeatureSpec>& features)
    : m_flags(std::make_unique<std::atomic<bool>[]>(features.size()))
  {
    for (std::size_t f = 0; f < features.size(); ++f) {
      m_flags[f] = features[f].text;
    }
  }
  bool get(std::size_t f) const { return m_flags[f].load(std::memory_order_relaxed); }
  void set(std::size_t f) { m_flags[f].store(true, std::memory_order_relaxed); }

private:
  std::unique_ptr<std::atomic<bool>[]> m_flags;
};

class BaselineVisitor final : public RowVisitor {
public:
  // `expected_rows`: about how many rows the chunk holds, to size the
  // value arrays once (growing them copies and faults in fresh pages).
  BaselineVisitor(const std::vector<FeatureSpec>& features, TextFlags& flags, std::size_t chunk, ValueArena& arena,
                  std::size_t expected_rows)
    : m_features(features)
    , m_flags(flags)
    , m_chunk(chunk)
    , m_columns(features.size())
    , m_values(features.size())
  {
    for (std::size_t f = 0; f < features.size(); ++f) {
      m_columns[f].text_mode = flags.get(f);
      if (!m_columns[f].text_mode) {
        m_values[f] = ValueBuffer(arena, expected_rows + expected_rows / 16);
      }
    }
  }

  std::uint64_t rows() const { return m_rows; }

  void row(std::span<const std::string_view> cells, std::uint64_t line) override
  {
    ++m_rows;
    for (std::size_t f = 0; f < m_columns.size(); ++f) {
      std::string_view cell = cells[m_features[f].baseline_column];
      auto& column = m_columns[f];
      if (is_missing(cell)) {
        ++column.missing;
        continue;
      }
      if (!column.text_mode) {
        if (auto value = parse_number(cell)) {
          m_values[f].push_back(*value);
          continue;
        }
        m_flipped = m_flipped || !m_values[f].empty();
        column.text_mode = true;
        m_flags.set(f);
      }
      column.text.add(cell);
      if (!m_features[f].declared_categorical && (!column.numbers_seen || !column.first_text)) {
        if (parse_number(cell)) {
          column.numbers_seen = true;
        } else if (!column.first_text) {
          column.first_text = TextCell{m_chunk, line, quote_cell(cell)};
        }
      }
    }
  }

  // True when a column turned to text after numbers of this chunk were
  // stored as values: the chunk must be read again.
  bool flipped() const { return m_flipped; }

  void merge_into(BaselinePass& pass)
  {
    pass.rows += m_rows;
    for (std::size_t f = 0; f < m_columns.size(); ++f) {
      auto& to = pass.columns[f];
      auto& from = m_columns[f];
      to.missing += from.missing;
      if (!m_values[f].empty()) {
        to.numbers_seen = true;
        to.values.push_back(m_values[f].values());
      }
      to.text.merge(std::move(from.text));
      to.text_mode = to.text_mode || from.text_mode;
      to.numbers_seen = to.numbers_seen || from.numbers_seen;
      keep_first(to.first_text, std::move(from.first_text));
    }
  }

private:
  const std::vector<FeatureSpec>& m_features;
  TextFlags& m_flags;
  std::size_t m_chunk;
  std::uint64_t m_rows = 0;
  std::vector<BaselineColumn> m_columns;
  std::vector<ValueBuffer> m_values;
  bool m_flipped = false;
};

class BaselineWork final : public ChunkWork {
public:
  BaselineWork(const std::vector<FeatureSpec>& features, BaselinePass& pass)
    : m_features(features)
    , m_flags(features)
    , m_pass(pass)
  {}

  std::uint64_t run(const RowChunk& chunk, std::size_t index) override
  {
    auto visitor = std::make_unique<BaselineVisitor>(m_features, m_flags, index, *m_pass.arena, m_rows_hint.load());
    std::uint64_t lines = chunk.parse(*visitor);
    if (visitor->flipped()) {
      visitor = std::make_unique<BaselineVisitor>(m_features, m_flags, index, *m_pass.arena, m_rows_hint.load());
      lines = chunk.parse(*visitor);
    }
    auto rows = static_cast<std::size_t>(visitor->rows());
    for (auto hint = m_rows_hint.load(); rows > hint && !m_rows_hint.compare_exchange_weak(hint, rows);) {
    }
    std::lock_guard lock(m_mutex);
    visitor->merge_into(m_pass);
    return lines;
  }

private:
  const std::vector<FeatureSpec>& m_features;
  TextFlags m_flags;
  BaselinePass& m_pass;
  std::mutex m_mutex;
  std::atomic<std::size_t> m_rows_hint{0}; // the most rows a chunk held so far
};

class CurrentVisitor final : public RowVisitor {
public:
  CurrentVisitor(const std::vector<FeatureSpec>& features, const std::vector<std::vector<double>>& edges, bool strict,
                 std::size_t chunk)
    : m_features(features)
    , m_edges(edges)
    , m_strict(strict)
    , m_chunk(chunk)
    , m_columns(features.size())
  {
    for (std::size_t f = 0; f < features.size(); ++f) {
      if (!features[f].text) {
        m_columns[f].bins.assign(edges[f].size() + 1, 0);
      }
    }
  }

  void row(std::span<const std::string_view> cells, std::uint64_t line) override
  {
    ++m_rows;
    for (std::size_t f = 0; f < m_columns.size(); ++f) {
      std::string_view cell = cells[m_features[f].current_column];
      auto& column = m_columns[f];
      if (is_missing(cell)) {
        ++column.missing;
      } else if (m_features[f].text) {
        column.text.add(cell);
      } else if (auto value = parse_number(cell)) {
        ++column.bins[bin_of(m_edges[f], *value)];
      } else if (m_strict) {
        throw ChunkError(line, fmt::format("column '{}': '{}' is not a number, and the column is numeric in the "
                                           "baseline (--strict)",
                                           m_features[f].name, quote_cell(cell)));
      } else if (!column.first_text) {
        column.first_text = TextCell{m_chunk, line, quote_cell(cell)};
      }
    }
  }

  void merge_into(CurrentPass& pass)
  {
    pass.rows += m_rows;
    for (std::size_t f = 0; f < m_columns.size(); ++f) {
      auto& to = pass.columns[f];
      auto& from = m_columns[f];
      to.missing += from.missing;
      if (to.bins.size() < from.bins.size()) {
        to.bins.resize(from.bins.size(), 0);
      }
      for (std::size_t b = 0; b < from.bins.size(); ++b) {
        to.bins[b] += from.bins[b];
      }
      to.text.merge(std::move(from.text));
      keep_first(to.first_text, std::move(from.first_text));
    }
  }

private:
  const std::vector<FeatureSpec>& m_features;
  const std::vector<std::vector<double>>& m_edges;
  bool m_strict;
  std::size_t m_chunk;
  std::uint64_t m_rows = 0;
  std::vector<CurrentColumn> m_columns;
};

class CurrentWork final : public ChunkWork {
public:
  CurrentWork(const std::vector<FeatureSpec>& features, const std::vector<std::vector<double>>& edges, bool strict,
              CurrentPass& pass)
    : m_features(features)
    , m_edges(edges)
    , m_strict(strict)
    , m_pass(pass)
  {}

  std::uint64_t run(const RowChunk& chunk, std::size_t index) override
  {
    CurrentVisitor visitor(m_features, m_edges, m_strict, index);
    std::uint64_t lines = chunk.parse(visitor);
    std::lock_guard lock(m_mutex);
    visitor.merge_into(m_pass);
    return lines;
  }

private:
  const std::vector<FeatureSpec>& m_features;
  const std::vector<std::vector<double>>& m_edges;
  bool m_strict;
  CurrentPass& m_pass;
  std::mutex m_mutex;
};

} // namespace

BaselinePass read_baseline(RowSource& source, const std::vector<FeatureSpec>& features, unsigned threads)
{
  BaselinePass pass;
  pass.columns.resize(features.size());
  for (std::size_t f = 0; f < features.size(); ++f) {
    pass.columns[f].text_mode = features[f].text;
  }
  BaselineWork work(features, pass);
  pass.lines = for_each_chunk(source, work, threads);
  return pass;
}

CurrentPass read_current(RowSource& source, const std::vector<FeatureSpec>& features,
                         const std::vector<std::vector<double>>& edges, bool strict, unsigned threads)
{
  CurrentPass pass;
  pass.columns.resize(features.size());
  CurrentWork work(features, edges, strict, pass);
  pass.lines = for_each_chunk(source, work, threads);
  return pass;
}

} // namespace credguard::drift
