#include <credguard/core/error.hpp>
#include <credguard/drift/csv_cursor.hpp>
#include <credguard/drift/csv_source.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <set>
#include <sys/mman.h>
#include <unistd.h>
#include <utility>

namespace credguard::drift {

// Chunk buffers, handed back by the chunks when they are parsed so that the
// next chunks reuse their memory instead of faulting in fresh pages.
class CsvSource::BufferPool {
public:
  struct Buffer {
    std::unique_ptr<char[]> data;
    std::size_t capacity = 0;
  };

  Buffer take(std::size_t capacity)
  {
    {
      std::lock_guard lock(m_mutex);
      while (!m_free.empty()) {
        Buffer buffer = std::move(m_free.back());
        m_free.pop_back();
        if (buffer.capacity >= capacity) {
          return buffer;
        }
      }
    }
    // Not value-initialised: the bytes are overwritten by the reads.
    return Buffer{std::unique_ptr<char[]>(new char[capacity]), capacity};
  }

  void give(Buffer buffer)
  {
    std::lock_guard lock(m_mutex);
    if (m_free.size() < k_kept) {
      m_free.push_back(std::move(buffer));
    }
  }

private:
  static constexpr std::size_t k_kept = 16;
  std::mutex m_mutex;
  std::vector<Buffer> m_free;
};

namespace {

// Drops the whole pages of `text`, part of a mapped file, from this
// process's memory once parsed (the page cache keeps them): the resident
// size then stays near the chunks in flight instead of the file's size.
void release_mapped_pages(std::string_view text)
{
  static const auto k_page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  auto begin = (reinterpret_cast<std::uintptr_t>(text.data()) + k_page - 1) / k_page * k_page;
  auto end = (reinterpret_cast<std::uintptr_t>(text.data()) + text.size()) / k_page * k_page;
  if (end > begin) {
    ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED);
  }
}

class CsvChunk final : public RowChunk {
public:
  // Rows in a buffer of the pool. `cut`: the text ends inside a record
  // longer than CsvSource::k_max_record.
  CsvChunk(CsvSource::BufferPool::Buffer buffer, std::size_t size, std::shared_ptr<CsvSource::BufferPool> pool,
           std::size_t columns, bool cut = false)
    : m_text(buffer.data.get(), size)
    , m_buffer(std::move(buffer))
    , m_pool(std::move(pool))
    , m_columns(columns)
    , m_cut(cut)
  {}
  // Rows in a mapped file, which outlives the chunk.
  CsvChunk(std::string_view text, std::size_t columns, bool cut = false)
    : m_text(text)
    , m_columns(columns)
    , m_cut(cut)
  {}
  ~CsvChunk() override
  {
    if (m_pool) {
      m_pool->give(std::move(m_buffer));
    } else {
      release_mapped_pages(m_text);
    }
  }
  CsvChunk(const CsvChunk&) = delete;
  CsvChunk& operator=(const CsvChunk&) = delete;

  std::uint64_t parse(RowVisitor& visitor) const override
  {
    std::string_view text = m_text;
    CsvCursor cursor(text);
    std::vector<std::string_view> fields;
    fields.reserve(m_columns + 1);
    std::uint64_t line = 0;
    while (cursor.next(fields, line)) {
      if (m_cut && cursor.position() == text.data() + text.size()) {
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
  std::string_view m_text;
  CsvSource::BufferPool::Buffer m_buffer;
  std::shared_ptr<CsvSource::BufferPool> m_pool;
  std::size_t m_columns;
  bool m_cut;
};

} // namespace

CsvSource::CsvSource(std::unique_ptr<ByteSource> bytes, std::size_t chunk_bytes)
  : m_bytes(std::move(bytes))
  , m_chunk_bytes(std::max<std::size_t>(1, chunk_bytes))
  , m_pool(std::make_shared<BufferPool>())
  , m_map(m_bytes->mapped())
{
  read_header();
}

std::size_t CsvSource::read_into(char* buffer, std::size_t used, std::size_t capacity)
{
  while (used < capacity && !m_eof) {
    std::size_t n = m_bytes->read(buffer + used, capacity - used);
    m_eof = n == 0;
    used += n;
  }
  return used;
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
  m_offset = 0;
  if (!m_map.empty()) {
    parse_header(m_map);
    return;
  }
  std::size_t header_end = 0;
  std::size_t block = std::min<std::size_t>(1U << 16, m_chunk_bytes);
  while (true) {
    bool more = fill(block);
    header_end = last_record_end(m_pending);
    // Past k_max_header, parse_header says "header too long".
    if (header_end != 0 || !more || m_pending.size() > k_max_header) {
      break;
    }
    block = m_pending.size();
  }
  parse_header(std::string_view(m_pending).substr(0, header_end == 0 ? m_pending.size() : header_end));
  m_pending.erase(0, m_offset);
  m_offset = 0;
}

void CsvSource::parse_header(std::string_view data)
{
  if (data.size() > k_max_header) {
    std::size_t end = last_record_end(data.substr(0, k_max_header));
    if (end == 0) {
      throw Error(ErrorKind::data, fmt::format("{}: header too long: the first record does not end within {} MiB{}",
                                               name(), k_max_header >> 20,
                                               data.find('\n') < k_max_header ? " (is a double quote missing?)" : ""));
    }
    data = data.substr(0, end);
  }
  std::string_view text = strip_bom(data);
  CsvCursor cursor(text);
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
  m_offset = static_cast<std::size_t>(cursor.position() - data.data());
  m_first_line = cursor.lines() + 1;
}

std::unique_ptr<RowChunk> CsvSource::next_mapped_chunk()
{
  std::string_view rest = m_map.substr(std::min(m_offset, m_map.size()));
  if (rest.empty()) {
    return nullptr;
  }
  std::size_t window = m_chunk_bytes;
  std::size_t end = 0;
  while (end == 0) {
    if (window >= rest.size()) {
      end = rest.size(); // the last chunk: its last record may lack a line break
      break;
    }
    end = last_record_end(rest.substr(0, window));
    if (end == 0 && window > k_max_record) {
      m_offset = m_map.size(); // stop here: the chunk's parser reports the overlong record
      return std::make_unique<CsvChunk>(rest.substr(0, window), m_columns.size(), true);
    }
    window *= 2;
  }
  m_offset += end;
  return std::make_unique<CsvChunk>(rest.substr(0, end), m_columns.size());
}

std::unique_ptr<RowChunk> CsvSource::next_chunk()
{
  if (!m_map.empty()) {
    return next_mapped_chunk();
  }
  std::size_t capacity = m_chunk_bytes;
  while (true) {
    auto buffer = m_pool->take(std::max(capacity, m_pending.size()));
    std::size_t used = 0;
    if (m_pending.size() > capacity) {
      // More is pending than a chunk holds (the header's first block): cut
      // it into chunks before reading on.
      std::size_t end = last_record_end(std::string_view(m_pending).substr(0, capacity));
      if (end != 0) {
        std::memcpy(buffer.data.get(), m_pending.data(), end);
        m_pending.erase(0, end);
        return std::make_unique<CsvChunk>(std::move(buffer), end, m_pool, m_columns.size());
      }
      capacity = m_pending.size();
    }
    std::memcpy(buffer.data.get(), m_pending.data(), m_pending.size());
    used = read_into(buffer.data.get(), m_pending.size(), buffer.capacity);
    m_pending.clear();
    if (used == 0) {
      m_pool->give(std::move(buffer));
      return nullptr;
    }
    std::size_t end = m_eof ? used : last_record_end(std::string_view(buffer.data.get(), used));
    if (end == 0) {
      // One record fills the buffer: read it again into a larger one.
      m_pending.assign(buffer.data.get(), used);
      m_pool->give(std::move(buffer));
      if (used > k_max_record) {
        m_eof = true; // stop here: the chunk's parser reports the overlong record
        auto whole = m_pool->take(used);
        std::memcpy(whole.data.get(), m_pending.data(), used);
        m_pending.clear();
        return std::make_unique<CsvChunk>(std::move(whole), used, m_pool, m_columns.size(), true);
      }
      capacity = 2 * used;
      continue;
    }
    m_pending.assign(buffer.data.get() + end, used - end);
    return std::make_unique<CsvChunk>(std::move(buffer), end, m_pool, m_columns.size());
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
