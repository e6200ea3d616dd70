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

} // namespace credguard

namespace credguard {

// Human-readable size in binary units: 1536 -> "1.5 KiB".
std::string format_bytes(std::uint64_t bytes);

} // namespace credguard
