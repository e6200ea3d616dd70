#include <credguard/core/strings.hpp>
#include <credguard/core/time_format.hpp>

#include <fmt/format.h>

#include <cctype>
#include <ctime>

namespace credguard {

namespace {

std::tm utc_tm(SystemTime time)
{
  std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return tm;
}

int days_in_month(int year, int month)
{
  static constexpr int k_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : k_days[month - 1];
}

std::string format_date_time(const std::tm& tm)
{
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec);
}

} // namespace

std::string format_rfc3339(SystemTime time)
{
  auto since_epoch = std::chrono::duration_cast<Millis>(time.time_since_epoch()).count();
  auto millis = ((since_epoch % 1000) + 1000) % 1000;
  auto whole = time - Millis(millis);
  return fmt::format("{}.{:03}Z", format_date_time(utc_tm(whole)), millis);
}

std::string format_rfc3339_seconds(SystemTime time)
{
  return format_date_time(utc_tm(time)) + "Z";
}

std::optional<SystemTime> parse_rfc3339(std::string_view text)
{
  text = trim(text);
  int year = 0;
  int month = 0;
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  auto digits = [&](std::size_t pos, std::size_t count, int& out) {
    if (pos + count > text.size()) {
      return false;
    }
    auto value = parse_int(text.substr(pos, count));
    if (!value || !std::isdigit(static_cast<unsigned char>(text[pos]))) {
      return false;
    }
    out = static_cast<int>(*value);
    return true;
  };
  if (!digits(0, 4, year) || text.size() < 10 || text[4] != '-' || !digits(5, 2, month) || text[7] != '-' ||
      !digits(8, 2, day)) {
    return std::nullopt;
  }
  std::size_t pos = 10;
  long long offset_seconds = 0;
  long long millis = 0;
  if (pos < text.size()) {
    if ((text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ') || !digits(pos + 1, 2, hour) ||
        text.size() < pos + 9 || text[pos + 3] != ':' || !digits(pos + 4, 2, minute) || text[pos + 6] != ':' ||
        !digits(pos + 7, 2, second)) {
      return std::nullopt;
    }
    pos += 9;
    if (pos < text.size() && text[pos] == '.') {
      std::size_t start = ++pos;
      while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos])) != 0) {
        ++pos;
      }
      std::string fraction(text.substr(start, pos - start));
      if (fraction.empty()) {
        return std::nullopt;
      }
      fraction.resize(3, '0');
      millis = *parse_int(fraction);
    }
    if (pos >= text.size()) {
      return std::nullopt;
    }
    if (text[pos] == 'Z' || text[pos] == 'z') {
      ++pos;
    } else if (text[pos] == '+' || text[pos] == '-') {
      int off_h = 0;
      int off_m = 0;
      if (!digits(pos + 1, 2, off_h) || text.size() < pos + 6 || text[pos + 3] != ':' || !digits(pos + 4, 2, off_m) ||
          off_h > 23 || off_m > 59) {
        return std::nullopt;
      }
      offset_seconds = (text[pos] == '+' ? 1 : -1) * (off_h * 3600LL + off_m * 60LL);
      pos += 6;
    } else {
      return std::nullopt;
    }
    if (pos != text.size()) {
      return std::nullopt;
    }
  }
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 || minute > 59 ||
      second > 60) {
    return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  std::time_t seconds = timegm(&tm) - offset_seconds;
  if (seconds < 0 ||
      seconds > std::chrono::duration_cast<std::chrono::seconds>(k_max_time.time_since_epoch()).count()) {
    return std::nullopt;
  }
  return std::chrono::system_clock::from_time_t(seconds) + Millis(millis);
}

std::optional<SystemTime> add_duration(SystemTime time, Millis duration)
{
  // Compared in milliseconds, which cannot overflow here (±292 million years).
  auto at = std::chrono::duration_cast<Millis>(time.time_since_epoch()).count();
  auto max = std::chrono::duration_cast<Millis>(k_max_time.time_since_epoch()).count();
  if (duration.count() > 0 ? duration.count() > max - at : duration.count() < -at) {
    return std::nullopt;
  }
  return time + duration;
}

std::optional<Millis> parse_duration(std::string_view text)
{
  text = trim(text);
  std::size_t unit_start = 0;
  while (unit_start < text.size() &&
         (std::isdigit(static_cast<unsigned char>(text[unit_start])) != 0 || text[unit_start] == '.')) {
    ++unit_start;
  }
  auto number = parse_double(text.substr(0, unit_start));
  if (!number || *number < 0) {
    return std::nullopt;
  }
  std::string unit = to_lower(trim(text.substr(unit_start)));
  double factor = 0;
  if (unit.empty() || unit == "s") {
    factor = 1000;
  } else if (unit == "ms") {
    factor = 1;
  } else if (unit == "m" || unit == "min") {
    factor = 60'000;
  } else if (unit == "h") {
    factor = 3'600'000;
  } else if (unit == "d") {
    factor = 86'400'000;
  } else if (unit == "w") {
    factor = 7 * 86'400'000.0;
  } else {
    return std::nullopt;
  }
  // Checked before the conversion: a double beyond the integer's range is UB.
  double millis = *number * factor;
  if (!(millis <= static_cast<double>(k_max_duration.count()))) {
    return std::nullopt;
  }
  return Millis(static_cast<Millis::rep>(millis + 0.5));
}

std::string format_duration(Millis duration)
{
  auto ms = duration.count();
  if (ms < 1000) {
    return fmt::format("{}ms", ms);
  }
  if (ms < 60'000) {
    return ms % 1000 == 0 ? fmt::format("{}s", ms / 1000) : fmt::format("{:.1f}s", static_cast<double>(ms) / 1000.0);
  }
  auto total_seconds = ms / 1000;
  auto days = total_seconds / 86'400;
  auto hours = (total_seconds % 86'400) / 3600;
  auto minutes = (total_seconds % 3600) / 60;
  auto seconds = total_seconds % 60;
  std::string out;
  if (days > 0) {
    out += fmt::format("{}d", days);
  }
  if (hours > 0) {
    out += fmt::format("{}h", hours);
  }
  if (minutes > 0) {
    out += fmt::format("{}m", minutes);
  }
  if (seconds > 0) {
    out += fmt::format("{}s", seconds);
  }
  return out;
}

} // namespace credguard
