#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace credguard {

// Splits on every `separator`; keeps empty fields.
std::vector<std::string> split(std::string_view text, char separator);
// Splits on `separator`, trims each field, drops empty ones.
std::vector<std::string> split_list(std::string_view text, char separator = ',');
std::string join(const std::vector<std::string>& parts, std::string_view separator);
std::string_view trim(std::string_view text);
std::string to_lower(std::string_view text);
std::string to_upper(std::string_view text);
bool iequals(std::string_view a, std::string_view b);

// Strict number parsing: the whole text must be the number.
std::optional<long long> parse_int(std::string_view text);
std::optional<double> parse_double(std::string_view text);

// Shell-style quoting for display: a b -> 'a b'.
std::string shell_quote(std::string_view word);

// The one way a command is printed for a person to run: each word
// shell-quoted, joined by spaces. Pasted into sh, it runs `words` as given.
std::string shell_command(const std::vector<std::string>& words);

// Percent-encodes everything but RFC 3986 unreserved characters.
std::string percent_encode(std::string_view text);

// Text from outside (event fields, CSV cells, log lines, journal entries)
// made safe for a terminal or Markdown: control characters (C0, DEL, and
// C1 such as U+009B CSI) and bytes that are not UTF-8 become visible
// escapes (\x1b, \u009b, \n), so no ESC/OSC sequence reaches the
// terminal. Newlines and tabs are kept when `keep_newlines` (multi-line
// text); other valid UTF-8 is kept as it is.
std::string escape_controls(std::string_view text, bool keep_newlines = false);

} // namespace credguard

namespace credguard {

// Human-readable size in binary units: 1536 -> "1.5 KiB".
std::string format_bytes(std::uint64_t bytes);

} // namespace credguard
