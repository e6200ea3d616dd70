#include <credguard/checks/access_log.hpp>
#include <credguard/checks/log_time.hpp>
#include <credguard/core/time_format.hpp>

#include <algorithm>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace credguard::checks {

namespace {

bool is_digit(char c)
{
  return c >= '0' && c <= '9';
}

int three_digits(const char* p)
{
  return (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
}

// The position of the first '"' in [from, to) not escaped by a backslash.
const char* next_quote(const char* from, const char* to)
{
  while (from < to) {
    const auto* quote = static_cast<const char*>(std::memchr(from, '"', static_cast<std::size_t>(to - from)));
    if (quote == nullptr) {
      return nullptr;
    }
    if (quote == from || quote[-1] != '\\') {
      return quote;
    }
    from = quote + 1;
  }
  return nullptr;
}

// The value after "key": in a JSON line, as text (quotes removed), or
// empty when the key is absent.
std::string_view json_value(std::string_view line, std::string_view key)
{
  std::size_t from = 0;
  while (true) {
    auto at = line.find(key, from);
    if (at == std::string_view::npos) {
      return {};
    }
    std::size_t pos = at + key.size();
    from = pos;
    if (at == 0 || line[at - 1] != '"' || pos >= line.size() || line[pos] != '"') {
      continue; // part of a longer key or of a value
    }
    ++pos;
    while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) {
      ++pos;
    }
    if (pos >= line.size() || line[pos] != ':') {
      continue;
    }
    ++pos;
    while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) {
      ++pos;
    }
    if (pos < line.size() && line[pos] == '"') {
      auto end = line.find('"', pos + 1);
      return end == std::string_view::npos ? std::string_view{} : line.substr(pos + 1, end - pos - 1);
    }
    auto end = line.find_first_of(",} \t", pos);
    return line.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
  }
}

std::optional<std::int64_t> json_time(std::string_view value)
{
  if (value.empty()) {
    return std::nullopt;
  }
  if (is_digit(value[0]) && value.find_first_not_of("0123456789.") == std::string_view::npos) {
    // Epoch seconds or milliseconds; more than 15 digits would overflow (and
    // is no time of ours: milliseconds reach 15 digits in the year 33658).
    if (value.substr(0, value.find('.')).size() > 15) {
      return std::nullopt;
    }
    std::int64_t seconds = 0;
    for (char c : value.substr(0, value.find('.'))) {
      seconds = seconds * 10 + (c - '0');
    }
    return seconds > 100'000'000'000 ? seconds / 1000 : seconds; // milliseconds
  }
  if (auto iso = parse_rfc3339(value)) {
    return std::chrono::duration_cast<std::chrono::seconds>(iso->time_since_epoch()).count();
  }
  return parse_clf_time(value);
}

} // namespace

BurstScanner::BurstScanner(BurstOptions options)
  : m_options(std::move(options))
{
  for (int status : m_options.statuses) {
    if (status >= 100 && status < 600) {
      m_wanted[static_cast<std::size_t>(status)] = true;
    }
  }
}

void BurstScanner::feed(std::string_view text)
{
  m_last_clf_time = {};
  auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) {
    return;
  }
  if (text[first] == '{') {
    scan_json(text);
  } else {
    scan_combined(text);
  }
}

void BurstScanner::scan_combined(std::string_view text)
{
  const char* base = text.data();
  const std::size_t size = text.size();
  std::size_t floor = 0; // no line start before this is needed again
  bool first_digit[10] = {};
  for (int status : m_options.statuses) {
    if (status >= 100 && status < 600) {
      first_digit[status / 100] = true;
    }
  }

  auto candidate = [&](std::size_t p) {
    // p is a '"' followed by ' ' and the first digit of a wanted status.
    if (p + 5 > size || !is_digit(base[p + 3]) || !is_digit(base[p + 4]) ||
        (p + 5 < size && base[p + 5] != ' ' && base[p + 5] != '\n')) {
      return;
    }
    if (!wanted(three_digits(base + p + 2))) {
      return;
    }
    const auto* newline = static_cast<const char*>(memrchr(base + floor, '\n', p - floor));
    std::size_t line_start = newline == nullptr ? floor : static_cast<std::size_t>(newline - base) + 1;
    floor = line_start;
    const char* line = base + line_start;
    // The status must follow the request: the line's first quoted field.
    const char* open = next_quote(line, base + p);
    if (open == nullptr || next_quote(open + 1, base + p + 1) != base + p) {
      return;
    }
    ++m_report.matched;
    const auto* space = static_cast<const char*>(std::memchr(line, ' ', static_cast<std::size_t>(open - line)));
    const auto* bracket = static_cast<const char*>(std::memchr(line, '[', static_cast<std::size_t>(open - line)));
    if (space == nullptr || bracket == nullptr || bracket + 27 > open) {
      ++m_report.undated;
      return;
    }
    std::string_view stamp(bracket + 1, 26);
    if (stamp != m_last_clf_time) {
      auto seconds = parse_clf_time(stamp);
      if (!seconds) {
        ++m_report.undated;
        return;
      }
      m_last_clf_time = stamp;
      m_last_clf_seconds = *seconds;
    }
    record(std::string_view(line, static_cast<std::size_t>(space - line)), m_last_clf_seconds);
  };

  std::size_t i = 0;
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i blank = _mm_set1_epi8(' ');
  __m128i digits[10];
  int digit_count = 0;
  for (int d = 1; d <= 5; ++d) {
    if (first_digit[d]) {
      digits[digit_count++] = _mm_set1_epi8(static_cast<char>('0' + d));
    }
  }
  for (; i + 18 <= size; i += 16) {
    const char* at = base + i;
    __m128i q = _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(at)), quote);
    __m128i s = _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(at + 1)), blank);
    __m128i third = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at + 2));
    __m128i d = _mm_setzero_si128();
    for (int k = 0; k < digit_count; ++k) {
      d = _mm_or_si128(d, _mm_cmpeq_epi8(third, digits[k]));
    }
    auto mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_and_si128(_mm_and_si128(q, s), d)));
    while (mask != 0) {
      candidate(i + static_cast<std::size_t>(__builtin_ctz(mask)));
      mask &= mask - 1;
    }
  }
#endif
  for (; i + 2 < size; ++i) {
    if (base[i] == '"' && base[i + 1] == ' ' && is_digit(base[i + 2]) && first_digit[base[i + 2] - '0']) {
      candidate(i);
    }
  }
}

void BurstScanner::scan_json(std::string_view text)
{
  while (!text.empty()) {
    auto newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
    std::string_view status;
    for (const auto& key : m_options.json_status_keys) {
      if (status.empty()) {
        status = json_value(line, key);
      }
    }
    if (status.size() != 3 || !is_digit(status[0]) || !is_digit(status[1]) || !is_digit(status[2]) ||
        !wanted(three_digits(status.data()))) {
      continue;
    }
    ++m_report.matched;
    std::string_view ip;
    for (const auto& key : m_options.json_ip_keys) {
      if (ip.empty()) {
        ip = json_value(line, key);
      }
    }
    std::optional<std::int64_t> when;
    for (const auto& key : m_options.json_time_keys) {
      if (!when) {
        when = json_time(json_value(line, key));
      }
    }
    if (ip.empty() || !when) {
      ++m_report.undated;
      continue;
    }
    record(ip, *when);
  }
}

void BurstScanner::record(std::string_view ip, std::int64_t when)
{
  if (m_options.since && when < *m_options.since) {
    return;
  }
  m_key.assign(ip);
  auto it = m_hits.find(m_key);
  if (it == m_hits.end()) {
    it = m_hits.emplace(m_key, std::vector<std::int64_t>{}).first;
  }
  it->second.push_back(when);
}

BurstReport BurstScanner::finish()
{
  const std::int64_t window = m_options.window.count();
  for (auto& [ip, times] : m_hits) {
    if (times.size() <= m_options.limit) {
      continue; // cannot exceed the limit in any window
    }
    if (!std::is_sorted(times.begin(), times.end())) {
      std::sort(times.begin(), times.end());
    }
    BurstOffender offender{ip, 0, 0, times.size()};
    std::size_t begin = 0;
    for (std::size_t end = 0; end < times.size(); ++end) {
      while (times[end] - times[begin] >= window) {
        ++begin;
      }
      if (end - begin + 1 > offender.peak) {
        offender.peak = end - begin + 1;
        offender.peak_start = times[begin];
      }
    }
    if (offender.peak > m_options.limit) {
      m_report.offenders.push_back(std::move(offender));
    }
  }
  std::sort(m_report.offenders.begin(), m_report.offenders.end(),
            [](const auto& a, const auto& b) { return a.peak != b.peak ? a.peak > b.peak : a.ip < b.ip; });
  m_hits.clear();
  return std::move(m_report);
}

} // namespace credguard::checks
