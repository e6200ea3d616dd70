#pragma once

#include <iosfwd>
#include <string>
#include <string_view>

namespace credguard {

// The streams a command talks through, and what they are connected to.
struct Io {
  std::ostream& out; // results only
  std::ostream& err; // progress, warnings, errors
  std::istream& in;
  bool in_is_tty = false;
  bool out_is_tty = false;
  bool err_is_tty = false;
  bool color = false; // colour on stdout: a TTY, TERM not dumb, no NO_COLOR / --no-color
};

enum class Color { none, red, yellow, green, blue, grey, bold };

// Wraps `text` in the ANSI escape for `color` when `enabled`.
std::string colorize(std::string_view text, Color color, bool enabled);

// Number of terminal columns `text` takes (UTF-8 code points; escapes excluded).
std::size_t display_width(std::string_view text);

} // namespace credguard
