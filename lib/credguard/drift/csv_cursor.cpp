#include <credguard/drift/csv_cursor.hpp>
#include <credguard/drift/row_source.hpp>

#include <fmt/format.h>

#include <array>
#include <bit>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace credguard::drift {

namespace {

enum : std::uint8_t { plain = 0, comma, lf, cr, quote, high };

// What stops the scan of an unquoted field.
constexpr std::array<std::uint8_t, 256> make_unquoted_classes()
{
  std::array<std::uint8_t, 256> classes{};
  classes[','] = comma;
  classes['\n'] = lf;
  classes['\r'] = cr;
  classes['"'] = quote;
  for (std::size_t b = 0x80; b < 256; ++b) {
    classes[b] = high;
  }
  return classes;
}

// What stops the scan of a quoted field: commas and CR are plain there.
constexpr std::array<std::uint8_t, 256> make_quoted_classes()
{
  auto classes = make_unquoted_classes();
  classes[','] = plain;
  classes['\r'] = plain;
  return classes;
}

constexpr auto k_unquoted = make_unquoted_classes();
constexpr auto k_quoted = make_quoted_classes();

std::uint8_t byte_at(const char* p)
{
  return static_cast<std::uint8_t>(*p);
}

// The length of the valid UTF-8 sequence at p (its first byte >= 0x80), or 0.
std::size_t utf8_length(const char* p, const char* end)
{
  auto b0 = byte_at(p);
  std::size_t length = 0;
  std::uint8_t low = 0x80;
  std::uint8_t high_limit = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    length = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    length = 3;
    low = b0 == 0xE0 ? 0xA0 : 0x80;        // no overlong forms
    high_limit = b0 == 0xED ? 0x9F : 0xBF; // no UTF-16 surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    length = 4;
    low = b0 == 0xF0 ? 0x90 : 0x80;
    high_limit = b0 == 0xF4 ? 0x8F : 0xBF; // nothing above U+10FFFF
  } else {
    return 0;
  }
  if (end - p < static_cast<std::ptrdiff_t>(length)) {
    return 0;
  }
  auto b1 = byte_at(p + 1);
  if (b1 < low || b1 > high_limit) {
    return 0;
  }
  for (std::size_t i = 2; i < length; ++i) {
    auto b = byte_at(p + i);
    if (b < 0x80 || b > 0xBF) {
      return 0;
    }
  }
  return length;
}

} // namespace

void CsvCursor::fail(const std::string& message) const
{
  throw ChunkError(m_lines, message);
}

void CsvCursor::check_utf8()
{
  std::size_t length = utf8_length(m_pos, m_end);
  if (length == 0) {
    fail(fmt::format("invalid UTF-8 (byte 0x{:02X}); convert the file to UTF-8", byte_at(m_pos)));
  }
  m_pos += length;
}

std::string_view CsvCursor::unquoted()
{
  const char* start = m_pos;
  while (true) {
    skip_plain_block();
    while (m_pos < m_end && k_unquoted[byte_at(m_pos)] == plain) {
      ++m_pos;
    }
    if (m_pos == m_end) {
      m_record_done = true;
      return {start, static_cast<std::size_t>(m_pos - start)};
    }
    switch (k_unquoted[byte_at(m_pos)]) {
    case comma: {
      std::string_view field(start, static_cast<std::size_t>(m_pos - start));
      ++m_pos;
      return field;
    }
    case lf: {
      std::string_view field(start, static_cast<std::size_t>(m_pos - start));
      ++m_pos;
      ++m_lines;
      m_record_done = true;
      return field;
    }
    case cr:
      if (m_pos + 1 < m_end && m_pos[1] == '\n') {
        std::string_view field(start, static_cast<std::size_t>(m_pos - start));
        m_pos += 2;
        ++m_lines;
        m_record_done = true;
        return field;
      }
      ++m_pos; // a lone CR is data
      break;
    case quote: fail("a double quote inside an unquoted field; quote the whole field and double the quote (RFC 4180)");
    default: check_utf8(); break;
    }
  }
}

void CsvCursor::skip_plain_block()
{
#if defined(__SSE2__)
  // Sixteen bytes at a time to the first comma, line break, quote or
  // non-ASCII byte; the byte loop then looks at what stopped it.
  const __m128i comma_bytes = _mm_set1_epi8(',');
  const __m128i lf_bytes = _mm_set1_epi8('\n');
  const __m128i cr_bytes = _mm_set1_epi8('\r');
  const __m128i quote_bytes = _mm_set1_epi8('"');
  while (m_end - m_pos >= 16) {
    __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(m_pos));
    __m128i special = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(bytes, comma_bytes), _mm_cmpeq_epi8(bytes, lf_bytes)),
                                   _mm_or_si128(_mm_cmpeq_epi8(bytes, cr_bytes), _mm_cmpeq_epi8(bytes, quote_bytes)));
    auto mask = static_cast<unsigned>(_mm_movemask_epi8(special) | _mm_movemask_epi8(bytes));
    if (mask != 0) {
      m_pos += std::countr_zero(mask);
      return;
    }
    m_pos += 16;
  }
#endif
}

std::string_view CsvCursor::quoted(std::size_t field_index)
{
  std::uint64_t opened = m_lines;
  ++m_pos; // the opening quote
  const char* start = m_pos;
  bool escaped = false;
  std::size_t offset = m_unescaped.size();
  while (true) {
    while (m_pos < m_end && k_quoted[byte_at(m_pos)] == plain) {
      ++m_pos;
    }
    if (m_pos == m_end) {
      throw ChunkError(opened, "a quoted field is not closed before the end of the file");
    }
    switch (k_quoted[byte_at(m_pos)]) {
    case quote:
      if (m_pos + 1 < m_end && m_pos[1] == '"') {
        escaped = true;
        m_unescaped.append(start, static_cast<std::size_t>(m_pos - start) + 1);
        m_pos += 2;
        start = m_pos;
        break;
      }
      {
        std::string_view field(start, static_cast<std::size_t>(m_pos - start));
        if (escaped) {
          m_unescaped.append(start, static_cast<std::size_t>(m_pos - start));
          m_unescaped_fields.push_back({field_index, offset, m_unescaped.size() - offset});
        }
        ++m_pos; // the closing quote
        if (m_pos == m_end) {
          m_record_done = true;
        } else if (*m_pos == ',') {
          ++m_pos;
        } else if (*m_pos == '\n') {
          ++m_pos;
          ++m_lines;
          m_record_done = true;
        } else if (*m_pos == '\r' && m_pos + 1 < m_end && m_pos[1] == '\n') {
          m_pos += 2;
          ++m_lines;
          m_record_done = true;
        } else {
          fail("unexpected text after a closing double quote; a quote inside a quoted field is written \"\"");
        }
        return field;
      }
    case lf:
      ++m_lines;
      ++m_pos;
      break;
    default: check_utf8(); break;
    }
  }
}

bool CsvCursor::next(std::vector<std::string_view>& fields, std::uint64_t& line)
{
  fields.clear();
  // Blank lines separate nothing: skip them.
  while (m_pos < m_end && (*m_pos == '\n' || (*m_pos == '\r' && m_pos + 1 < m_end && m_pos[1] == '\n'))) {
    m_pos += *m_pos == '\n' ? 1 : 2;
    ++m_lines;
  }
  if (m_pos == m_end) {
    return false;
  }
  line = m_lines;
  m_unescaped.clear();
  m_unescaped_fields.clear();
  m_record_done = false;
  while (!m_record_done) {
    if (m_pos < m_end && *m_pos == '"') {
      fields.push_back(quoted(fields.size()));
    } else {
      fields.push_back(unquoted());
    }
  }
  for (const auto& u : m_unescaped_fields) {
    fields[u.field] = std::string_view(m_unescaped).substr(u.offset, u.size);
  }
  return true;
}

namespace {

// The number of double quotes in `text`.
std::size_t count_quotes(std::string_view text)
{
  std::size_t count = 0;
  std::size_t i = 0;
#if defined(__SSE2__)
  // Sixteen byte counters, each decremented by the compare's -1 on a quote,
  // summed before they can wrap (255 rounds).
  const __m128i quote_bytes = _mm_set1_epi8('"');
  while (text.size() - i >= 16) {
    __m128i counters = _mm_setzero_si128();
    for (int round = 0; round < 255 && text.size() - i >= 16; ++round, i += 16) {
      __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + i));
      counters = _mm_sub_epi8(counters, _mm_cmpeq_epi8(bytes, quote_bytes));
    }
    __m128i sums = _mm_sad_epu8(counters, _mm_setzero_si128());
    count += static_cast<std::size_t>(_mm_cvtsi128_si32(sums)) +
             static_cast<std::size_t>(_mm_cvtsi128_si32(_mm_srli_si128(sums, 8)));
  }
#endif
  for (; i < text.size(); ++i) {
    count += text[i] == '"' ? 1U : 0U;
  }
  return count;
}

} // namespace

std::size_t last_record_end(std::string_view text)
{
  // A line break ends a record when an even number of quotes comes before
  // it: count them all, then walk back from the end to such a line break.
  std::size_t quotes = count_quotes(text);
  for (std::size_t i = text.size(); i-- > 0;) {
    if (text[i] == '"') {
      --quotes;
    } else if (text[i] == '\n' && quotes % 2 == 0) {
      return i + 1;
    }
  }
  return 0;
}

std::string_view strip_bom(std::string_view text)
{
  constexpr std::string_view k_bom = "\xEF\xBB\xBF";
  if (text.substr(0, k_bom.size()) == k_bom) {
    text.remove_prefix(k_bom.size());
  }
  return text;
}

} // namespace credguard::drift
