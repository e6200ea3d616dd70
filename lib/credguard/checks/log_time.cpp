#include <credguard/checks/log_time.hpp>

#include <array>
#include <ctime>

namespace credguard::checks {

namespace {

constexpr std::array<std::string_view, 12> k_months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Reads `count` digits at `pos` (a leading space counts as 0 when
// `space_pad`); false when they are not there.
bool digits(std::string_view text, std::size_t pos, std::size_t count, int& out, bool space_pad = false)
{
  if (pos + count > text.size()) {
    return false;
  }
  int value = 0;
  for (std::size_t i = 0; i < count; ++i) {
    char c = text[pos + i];
    if (c == ' ' && space_pad && i == 0) {
      continue;
    }
    if (c < '0' || c > '9') {
      return false;
    }
    value = value * 10 + (c - '0');
  }
  out = value;
  return true;
}

int month_index(std::string_view name)
{
  for (std::size_t i = 0; i < k_months.size(); ++i) {
    if (name == k_months[i]) {
      return static_cast<int>(i) + 1;
    }
  }
  return 0;
}

struct Civil {
  int year = 0;
  int month = 0;
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
};

bool valid(const Civil& c)
{
  return c.month >= 1 && c.month <= 12 && c.day >= 1 && c.day <= 31 && c.hour <= 23 && c.minute <= 59 && c.second <= 60;
}

std::int64_t utc_seconds(const Civil& c)
{
  return days_from_civil(c.year, static_cast<unsigned>(c.month), static_cast<unsigned>(c.day)) * 86400 + c.hour * 3600 +
         c.minute * 60 + c.second;
}

SystemTime local_time(const Civil& c)
{
  std::tm tm{};
  tm.tm_year = c.year - 1900;
  tm.tm_mon = c.month - 1;
  tm.tm_mday = c.day;
  tm.tm_hour = c.hour;
  tm.tm_min = c.minute;
  tm.tm_sec = c.second;
  tm.tm_isdst = -1;
  return std::chrono::system_clock::from_time_t(std::mktime(&tm));
}

SystemTime from_seconds(std::int64_t seconds)
{
  return SystemTime(std::chrono::seconds(seconds));
}

// "2026-11-23T08:00:00[.fff][Z|+hh:mm]" or with ' ' and ',' variants; the
// hour may be space-padded (MariaDB: "2026-11-23  8:00:00").
std::optional<SystemTime> parse_iso(std::string_view text, char date_separator)
{
  Civil c;
  if (!digits(text, 0, 4, c.year) || text.size() < 10 || text[4] != date_separator || !digits(text, 5, 2, c.month) ||
      text[7] != date_separator || !digits(text, 8, 2, c.day) || text.size() < 19) {
    return std::nullopt;
  }
  std::size_t pos = 10;
  if (text[pos] != 'T' && text[pos] != ' ') {
    return std::nullopt;
  }
  ++pos;
  if (!digits(text, pos, 2, c.hour, true) || text.size() < pos + 8 || text[pos + 2] != ':' ||
      !digits(text, pos + 3, 2, c.minute) || text[pos + 5] != ':' || !digits(text, pos + 6, 2, c.second) || !valid(c)) {
    return std::nullopt;
  }
  // What a time point can hold (core/time_format's range): a year outside
  // it would overflow the nanosecond clock; the line counts as undated.
  if (c.year < 1970 || c.year > 2261) {
    return std::nullopt;
  }
  pos += 8;
  if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
    ++pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      ++pos;
    }
  }
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    return from_seconds(utc_seconds(c));
  }
  int offset_hours = 0;
  int offset_minutes = 0;
  if (pos < text.size() && (text[pos] == '+' || text[pos] == '-') && digits(text, pos + 1, 2, offset_hours)) {
    std::size_t minute_at = pos + 3 < text.size() && text[pos + 3] == ':' ? pos + 4 : pos + 3;
    if (digits(text, minute_at, 2, offset_minutes)) {
      int sign = text[pos] == '-' ? -1 : 1;
      return from_seconds(utc_seconds(c) - sign * (offset_hours * 3600 + offset_minutes * 60));
    }
  }
  return local_time(c);
}

std::optional<SystemTime> parse_syslog(std::string_view text, SystemTime now)
{
  Civil c;
  if (text.size() < 15 || text[3] != ' ' || text[6] != ' ' || text[9] != ':' || text[12] != ':') {
    return std::nullopt;
  }
  c.month = month_index(text.substr(0, 3));
  if (c.month == 0 || !digits(text, 4, 2, c.day, true) || !digits(text, 7, 2, c.hour) ||
      !digits(text, 10, 2, c.minute) || !digits(text, 13, 2, c.second) || !valid(c)) {
    return std::nullopt;
  }
  std::time_t now_t = std::chrono::system_clock::to_time_t(now);
  std::tm now_tm{};
  localtime_r(&now_t, &now_tm);
  c.year = now_tm.tm_year + 1900;
  auto when = local_time(c);
  // No year in the line: a time more than a day ahead is last year's (the
  // log of 31 December read on 1 January).
  if (when > now + std::chrono::hours(24)) {
    --c.year;
    when = local_time(c);
  }
  return when;
}

} // namespace

std::int64_t days_from_civil(int year, unsigned month, unsigned day)
{
  year -= month <= 2 ? 1 : 0;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto yoe = static_cast<unsigned>(year - era * 400);
  const unsigned doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::optional<std::int64_t> parse_clf_time(std::string_view text)
{
  // 23/Nov/2026:08:00:00 +0000
  Civil c;
  if (text.size() < 26 || text[2] != '/' || text[6] != '/' || text[11] != ':' || text[14] != ':' || text[17] != ':' ||
      text[20] != ' ') {
    return std::nullopt;
  }
  c.month = month_index(text.substr(3, 3));
  int offset_hours = 0;
  int offset_minutes = 0;
  if (c.month == 0 || !digits(text, 0, 2, c.day) || !digits(text, 7, 4, c.year) || !digits(text, 12, 2, c.hour) ||
      !digits(text, 15, 2, c.minute) || !digits(text, 18, 2, c.second) || !valid(c) ||
      (text[21] != '+' && text[21] != '-') || !digits(text, 22, 2, offset_hours) ||
      !digits(text, 24, 2, offset_minutes)) {
    return std::nullopt;
  }
  int sign = text[21] == '-' ? -1 : 1;
  return utc_seconds(c) - sign * (offset_hours * 3600 + offset_minutes * 60);
}

std::optional<SystemTime> parse_log_time(std::string_view line, SystemTime now)
{
  if (!line.empty() && line[0] == '[') {
    line.remove_prefix(1);
  }
  if (line.size() < 15) {
    return std::nullopt;
  }
  if (line[0] >= '0' && line[0] <= '9') {
    if (auto iso = parse_iso(line, '-')) {
      return iso;
    }
    return parse_iso(line, '/'); // nginx: 2026/11/23 08:00:00
  }
  return parse_syslog(line, now);
}

} // namespace credguard::checks
