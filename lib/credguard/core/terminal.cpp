#include <credguard/core/terminal.hpp>

namespace credguard {

std::string colorize(std::string_view text, Color color, bool enabled)
{
  if (!enabled || color == Color::none) {
    return std::string(text);
  }
  std::string_view code;
  switch (color) {
  case Color::red: code = "\033[31m"; break;
  case Color::yellow: code = "\033[33m"; break;
  case Color::green: code = "\033[32m"; break;
  case Color::blue: code = "\033[34m"; break;
  case Color::grey: code = "\033[90m"; break;
  case Color::bold: code = "\033[1m"; break;
  case Color::none: break;
  }
  return std::string(code) + std::string(text) + "\033[0m";
}

std::size_t display_width(std::string_view text)
{
  std::size_t width = 0;
  bool in_escape = false;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (in_escape) {
      in_escape = byte != 'm';
      continue;
    }
    if (byte == 0x1B) {
      in_escape = true;
      continue;
    }
    if ((byte & 0xC0) != 0x80) {
      ++width;
    }
  }
  return width;
}

} // namespace credguard
