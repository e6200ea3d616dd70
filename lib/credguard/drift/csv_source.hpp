#pragma once

#include <credguard/drift/byte_source.hpp>
#include <credguard/drift/row_source.hpp>

#include <memory>
#include <string>
#include <vector>

namespace credguard::drift {

// A CSV file (RFC 4180, UTF-8, optional byte-order mark, LF or CRLF) as a
// RowSource: the first record is the header; data rows come in chunks of
// about `chunk_bytes`, split at record boundaries by quote parity so that
// every chunk parses on its own. Rows with another number of fields than
// the header are errors naming the file and line.
class CsvSource final : public RowSource {
public:
  // Reads the header. Throws Error(data) naming the file (and line) when it
  // is empty, not UTF-8, malformed, longer than k_max_header, or names a
  // column twice.
  explicit CsvSource(std::unique_ptr<ByteSource> bytes, std::size_t chunk_bytes = 4U << 20);

  const std::string& name() const override { return m_bytes->name(); }
  const std::vector<std::string>& columns() const override { return m_columns; }
  std::uint64_t first_line() const override { return m_first_line; }
  std::unique_ptr<RowChunk> next_chunk() override;
  bool rewindable() const override { return m_bytes->rewindable(); }
  void rewind() override;

  // A record may span many lines, but not more than this many bytes: past
  // it the rest of the file is handed over as one chunk, where an unclosed
  // quote is reported.
  static constexpr std::size_t k_max_record = 256U << 20;
  // The header record may not be longer than this (about 500k columns):
  // past it the source is refused as "header too long", so a pipe that
  // never ends its first line is not buffered without bound.
  static constexpr std::size_t k_max_header = 16U << 20;

  class BufferPool;

private:
  // Appends up to `size` bytes to m_pending; returns false at the end.
  bool fill(std::size_t size);
  void read_header();
  // Reads the header record at the start of `data`; sets m_offset past it.
  void parse_header(std::string_view data);
  std::unique_ptr<RowChunk> next_mapped_chunk();
  // Reads into `buffer` after its first `used` bytes until it is full or
  // the data ends; returns the bytes now in it.
  std::size_t read_into(char* buffer, std::size_t used, std::size_t capacity);

  std::unique_ptr<ByteSource> m_bytes;
  std::size_t m_chunk_bytes;
  std::shared_ptr<BufferPool> m_pool; // chunk buffers, reused
  std::vector<std::string> m_columns;
  std::uint64_t m_first_line = 1;
  std::string m_pending; // read but not yet handed out: the header's block, then a partial record
  bool m_eof = false;
  std::string_view m_map;   // the whole file when it is mapped: chunks are views of it
  std::size_t m_offset = 0; // in m_map: where the next chunk starts
};

// Opens `path` ("-" = `standard_input`, .gz transparently) as a CsvSource.
std::unique_ptr<CsvSource> open_csv(const std::string& path, std::istream& standard_input);

} // namespace credguard::drift
