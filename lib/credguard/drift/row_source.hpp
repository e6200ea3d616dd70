#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace credguard::drift {

// Receives the rows of one chunk, in order.
class RowVisitor {
public:
  virtual ~RowVisitor() = default;
  // One data row: a cell per column of the source (missing cells are empty
  // views), valid only during the call. `line` counts the line breaks in
  // the chunk before the row (0 for its first row). May throw ChunkError.
  virtual void row(std::span<const std::string_view> cells, std::uint64_t line) = 0;
};

// A malformed row found while parsing a chunk. The line is relative to the
// chunk (as in RowVisitor::row); the pipeline turns it into an Error that
// names the source and its absolute line once the chunks before are known.
class ChunkError : public std::runtime_error {
public:
  ChunkError(std::uint64_t line, const std::string& message)
    : std::runtime_error(message)
    , m_line(line)
  {}
  std::uint64_t line() const { return m_line; }

private:
  std::uint64_t m_line;
};

// A run of whole rows that can be parsed independently of the others, on
// any thread.
class RowChunk {
public:
  virtual ~RowChunk() = default;
  // Calls visitor.row() for every row. Returns the number of line breaks
  // the chunk spans. Throws ChunkError for a malformed row; may be called
  // again to parse the same rows a second time.
  virtual std::uint64_t parse(RowVisitor& visitor) const = 0;
};

// Where rows come from: a CSV file today, an SQL query later. The source
// hands out chunks in order from one thread; chunks are parsed on many.
class RowSource {
public:
  virtual ~RowSource() = default;
  // The path or query, for messages.
  virtual const std::string& name() const = 0;
  // The column names, in the order cells come.
  virtual const std::vector<std::string>& columns() const = 0;
  // The line number of the first data row (2 after a one-line header).
  virtual std::uint64_t first_line() const = 0;
  // The next chunk, or nullptr after the last. Throws Error (io, data).
  virtual std::unique_ptr<RowChunk> next_chunk() = 0;
  // True when rewind() can read the rows again.
  virtual bool rewindable() const = 0;
  // Starts again at the first data row. Throws Error(io) when it cannot.
  virtual void rewind() = 0;
};

} // namespace credguard::drift
