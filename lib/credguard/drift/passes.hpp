#pragma once

#include <credguard/drift/pipeline.hpp>
#include <credguard/drift/quantile.hpp>
#include <credguard/drift/row_source.hpp>
#include <credguard/drift/text_counts.hpp>
#include <credguard/drift/value_arena.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace credguard::drift {

// A feature as the passes see it.
struct FeatureSpec {
  std::string name;
  std::size_t baseline_column = 0;
  std::size_t current_column = 0;
  bool declared_categorical = false; // --categorical: never checked for numbers
  bool text = false;                 // binned by value from the first row on
};

// A cell that is not a number, located by chunk until the pass's LineMap is known.
struct TextCell {
  std::size_t chunk = 0;
  std::uint64_t line = 0; // within the chunk
  std::string value;

  bool before(const TextCell& other) const { return chunk != other.chunk ? chunk < other.chunk : line < other.line; }
};

// What the baseline pass learnt about one feature.
struct BaselineColumn {
  std::uint64_t missing = 0;
  ValueChunks values;        // numbers, while the column was read as numeric
  TextCounts text;           // cells counted by value
  bool text_mode = false;    // some cell was text (or the spec said so)
  bool numbers_seen = false; // some non-missing cell is a number
  std::optional<TextCell> first_text;
};

struct BaselinePass {
  std::unique_ptr<ValueArena> arena = std::make_unique<ValueArena>(); // holds every column's values
  std::uint64_t rows = 0;
  std::vector<BaselineColumn> columns; // one per feature
  LineMap lines;
};

// Reads the baseline once. A feature whose spec says `text` is counted by
// value; the others are read as numbers until a text cell shows up, from
// then on by value (so a column may end with both values and text counts:
// the caller decides). Throws Error(data) for malformed rows.
BaselinePass read_baseline(RowSource& source, const std::vector<FeatureSpec>& features, unsigned threads);

// What the current pass learnt about one feature.
struct CurrentColumn {
  std::uint64_t missing = 0;
  std::vector<std::uint64_t> bins;    // numeric: counts per bin of `edges`
  TextCounts text;                    // categorical: counts per value
  std::optional<TextCell> first_text; // numeric: a cell that is not a number
};

struct CurrentPass {
  std::uint64_t rows = 0;
  std::vector<CurrentColumn> columns;
  LineMap lines;
};

// Reads the current dataset once, binning numeric features (spec.text
// false) on `edges[f]` and counting the others by value. A text cell in a
// numeric feature is remembered in first_text, or with `strict` is an
// error. Throws Error(data) naming the file and line.
CurrentPass read_current(RowSource& source, const std::vector<FeatureSpec>& features,
                         const std::vector<std::vector<double>>& edges, bool strict, unsigned threads);

} // namespace credguard::drift
