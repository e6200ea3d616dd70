#pragma once

#include <credguard/drift/row_source.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace credguard::drift {

// Where each chunk of a pass started, to turn a (chunk, line in chunk)
// position into the source's line number.
class LineMap {
public:
  LineMap()
    : LineMap(1, {})
  {}
  LineMap(std::uint64_t first_line, std::vector<std::uint64_t> chunk_lines);
  // The absolute line of `line` (line breaks before it) in chunk `chunk`.
  std::uint64_t absolute(std::size_t chunk, std::uint64_t line) const;

private:
  std::vector<std::uint64_t> m_starts;
};

// What to do with each chunk. Called concurrently for different chunks.
class ChunkWork {
public:
  virtual ~ChunkWork() = default;
  // Parses chunk `index` and keeps what it needs. Returns the number of
  // line breaks in the chunk (RowChunk::parse's result). Throws ChunkError
  // for malformed rows.
  virtual std::uint64_t run(const RowChunk& chunk, std::size_t index) = 0;
};

// Reads every chunk of `source` on this thread and runs `work` on them on
// `threads` worker threads; the first chunk runs alone first, so that what
// it teaches (which columns hold text) applies to all others. Memory stays
// bounded: at most 2 x threads chunks wait. Throws Error(data) naming the
// source and line of the earliest malformed row, or the source's own
// Error; once a row is malformed no later chunk is parsed.
LineMap for_each_chunk(RowSource& source, ChunkWork& work, unsigned threads);

// Runs task(i) for i in [0, count) on up to `threads` threads; rethrows
// the first exception.
void parallel_for(std::size_t count, unsigned threads, const std::function<void(std::size_t)>& task);

} // namespace credguard::drift
