#pragma once

// What the libFuzzer targets of tests/fuzz share: the input as text, split
// into parts, and a scratch file for parsers that read a path.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

namespace credguard::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size)
{
  return {reinterpret_cast<const char*>(data), size};
}

// Splits at each "\n---8<---\n": several documents in one input (a
// kubeconfig and a second file, YAML and environment overrides, ...).
inline std::vector<std::string_view> parts(std::string_view text)
{
  static constexpr std::string_view k_separator = "\n---8<---\n";
  std::vector<std::string_view> out;
  for (;;) {
    auto at = text.find(k_separator);
    out.push_back(text.substr(0, at));
    if (at == std::string_view::npos) {
      return out;
    }
    text.remove_prefix(at + k_separator.size());
  }
}

// Calls `visit` with each line (without '\n') of `text`.
template <typename Visit> void each_line(std::string_view text, Visit visit)
{
  std::size_t line = 0;
  while (!text.empty()) {
    auto end = text.find('\n');
    visit(text.substr(0, end), ++line);
    if (end == std::string_view::npos) {
      return;
    }
    text.remove_prefix(end + 1);
  }
}

// A file rewritten for every input, alone in a directory of this process
// ($TMPDIR/credguard-fuzz-PID-NAME/NAME): relative paths in it name nothing.
class ScratchFile {
public:
  explicit ScratchFile(std::string_view name)
    : m_dir(std::filesystem::temp_directory_path() /
            ("credguard-fuzz-" + std::to_string(::getpid()) + "-" + std::string(name)))
    , m_path(m_dir / name)
  {
    std::filesystem::create_directories(m_dir);
  }
  ~ScratchFile()
  {
    std::error_code ignored;
    std::filesystem::remove_all(m_dir, ignored);
  }
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;

  const std::filesystem::path& write(std::string_view content) const
  {
    std::ofstream out(m_path, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    return m_path;
  }
  const std::filesystem::path& path() const { return m_path; }

private:
  std::filesystem::path m_dir;
  std::filesystem::path m_path;
};

} // namespace credguard::fuzz
