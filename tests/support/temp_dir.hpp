#pragma once

#include <filesystem>
#include <string>

namespace credguard::test {

// A fresh directory under $TMPDIR (or /tmp), removed with its contents when
// the object goes away. Each test works in its own.
class TempDir {
public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return m_path; }
  std::filesystem::path operator/(const std::string& name) const { return m_path / name; }
  // Writes `content` to a file in the directory and returns its path.
  std::filesystem::path write(const std::string& name, const std::string& content) const;

private:
  std::filesystem::path m_path;
};

// Reads a whole file (test helper: throws std::runtime_error).
std::string slurp(const std::filesystem::path& path);

} // namespace credguard::test
