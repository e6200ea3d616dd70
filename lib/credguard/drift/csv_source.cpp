#include <credguard/core/error.hpp>
#include <credguard/drift/csv_cursor.hpp>
#include <credguard/drift/csv_source.hpp>

#include <fmt/format.h>

#include <set>
#include <utility>

namespace credguard::drift {

namespace {

class CsvChunk final : public RowChunk {
public:
  // `cut`: the text ends inside a record longer than CsvSource::k_max_record.
  CsvChunk(std::string text, std::size_t columns, bool cut = false)
    : m_text(std::move(text))
    , m_columns(columns)
    , m_cut(cut)
  {}

  std::uint64_t parse(RowVisitor& visitor) const override
  {
    CsvCursor cursor(m_text);
    std::vector<std::string_view> fields;
    fields.reserve(m_columns + 1);
    std::uint64_t line = 0;
    while (cursor.next(fields, line)) {
      if (m_cut && cursor.position() == m_text.data() + m_text.size()) {
        throw ChunkError(line, fmt::format("a record longer than {} MiB; is a double quote missing?",
                                           CsvSource::k_max_record >> 20));
      }
      if (fields.size() != m_columns) {
        throw ChunkError(line, fmt::format("the row has {} field{}, the header has {}", fields.size(),
                                           fields.size() == 1 ? "" : "s", m_columns));
      }
      visitor.row(fields, line);
    }
    return cursor.lines();
  }

private:
  std::string m_text;
  std::size_t m_columns;
  bool m_cut;
};

} // namespace

CsvSource::CsvSource(std::unique_ptr<ByteSource> bytes, std::size_t chunk_bytes)
  : m_bytes(std::move(bytes))
  , m_chunk_bytes(chunk_bytes)
{
  read_header();
}

bool CsvSource::fill(std::size_t size)
{
  std::size_t old = m_pending.size();
  m_pending.resize(old + size);
  std::size_t got = 0;
  while (got < size) {
    std::size_t n = m_bytes->read(m_pending.data() + old + got, size - got);
    if (n == 0) {
      m_eof = true;
      break;
    }
    got += n;
  }
  m_pending.resize(old + got);
  return !m_eof;
}

void CsvSource::read_header()
{
  m_pending.clear();
  m_eof = false;
  std::size_t header_end = 0;
  std::size_t block = 1U << 16;
  while (true) {
    bool more = fill(block);
    header_end = last_record_end(m_pending);
    if (header_end != 0 || !more || m_pending.size() > k_max_record) {
      break;
    }
    block = m_pending.size();
  }
  std::string_view text = strip_bom(m_pending);
  std::size_t bom = m_pending.size() - text.size();
  if (header_end == 0) {
    header_end = m_pending.size();
  }
  CsvCursor cursor(text.substr(0, header_end - bom));
  std::vector<std::string_view> fields;
  std::uint64_t line = 0;
  bool found = false;
  try {
    found = cursor.next(fields, line);
  } catch (const ChunkError& e) {
    throw Error(ErrorKind::data, fmt::format("{}:{}: {}", name(), e.line() + 1, e.what()));
  }
  if (!found) {
    throw Error(ErrorKind::data, fmt::format("{}: empty file: no header row", name()));
  }
  m_columns.assign(fields.begin(), fields.end());
  std::set<std::string_view> seen;
  for (const auto& column : m_columns) {
    if (!column.empty() && !seen.insert(column).second) {
      throw Error(ErrorKind::data, fmt::format("{}:{}: the header names column '{}' twice", name(), line + 1, column));
    }
  }
  std::size_t consumed = static_cast<std::size_t>(cursor.position() - m_pending.data());
  m_first_line = cursor.lines() + 1;
  m_pending.erase(0, consumed);
}

std::unique_ptr<RowChunk> CsvSource::next_chunk()
{
  while (true) {
    if (!m_eof && m_pending.size() < m_chunk_bytes) {
      fill(m_chunk_bytes - m_pending.size() + (m_chunk_bytes >> 3));
      continue;
    }
    if (m_pending.empty()) {
      return nullptr;
    }
    // Cut within the first chunk_bytes when a record ends there, so that
    // chunks stay near their size however much is pending.
    std::size_t end = last_record_end(std::string_view(m_pending).substr(0, m_chunk_bytes));
    if (end == 0) {
      end = last_record_end(m_pending);
    }
    if (m_eof && (end == 0 || m_pending.size() <= m_chunk_bytes)) {
      return std::make_unique<CsvChunk>(std::exchange(m_pending, {}), m_columns.size());
    }
    if (end == 0) {
      if (m_pending.size() > k_max_record) {
        m_eof = true; // stop here: the chunk's parser reports the overlong record
        return std::make_unique<CsvChunk>(std::exchange(m_pending, {}), m_columns.size(), true);
      }
      fill(m_pending.size());
      continue;
    }
    std::string rest(m_pending, end);
    m_pending.resize(end);
    return std::make_unique<CsvChunk>(std::exchange(m_pending, std::move(rest)), m_columns.size());
  }
}

void CsvSource::rewind()
{
  m_bytes->rewind();
  read_header();
}

std::unique_ptr<CsvSource> open_csv(const std::string& path, std::istream& standard_input)
{
  return std::make_unique<CsvSource>(open_bytes(path, standard_input));
}

} // namespace credguard::drift
