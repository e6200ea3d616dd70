#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace credguard::drift {

// Reads RFC 4180 records from text that holds whole records: fields
// separated by commas, records by LF or CRLF, a field in double quotes may
// hold commas, line breaks and doubled quotes (""). Blank lines are
// skipped. Every byte is checked to be UTF-8. Errors are ChunkError with
// the line relative to the start of the text.
class CsvCursor {
public:
  explicit CsvCursor(std::string_view text)
    : m_pos(text.data())
    , m_end(text.data() + text.size())
  {}

  // Parses the next record into `fields` (views into the text, or into
  // `m_unescaped` for fields with doubled quotes: valid until the next
  // call). Returns false at the end of the text. `line` receives the
  // record's first line (line breaks before it). Throws ChunkError.
  bool next(std::vector<std::string_view>& fields, std::uint64_t& line);
  // Line breaks passed so far.
  std::uint64_t lines() const { return m_lines; }
  // Bytes consumed so far from the start of the text.
  const char* position() const { return m_pos; }

private:
  // Returns the unquoted field at m_pos and moves past its terminator;
  // sets m_record_done at the end of the record.
  std::string_view unquoted();
  // Moves m_pos over plain bytes in large steps where the CPU allows.
  void skip_plain_block();
  std::string_view quoted(std::size_t field_index);
  void check_utf8();
  [[noreturn]] void fail(const std::string& message) const;

  const char* m_pos;
  const char* m_end;
  std::uint64_t m_lines = 0;
  bool m_record_done = false;
  std::string m_unescaped;
  struct Unescaped {
    std::size_t field;
    std::size_t offset;
    std::size_t size;
  };
  std::vector<Unescaped> m_unescaped_fields;
};

// The end of the last whole record in `text` (just after its line break),
// judged by quote parity from the start of the text, which must be the
// start of a record; 0 when the text holds no line break outside quotes.
std::size_t last_record_end(std::string_view text);

// Returns `text` without a leading UTF-8 byte-order mark.
std::string_view strip_bom(std::string_view text);

} // namespace credguard::drift
