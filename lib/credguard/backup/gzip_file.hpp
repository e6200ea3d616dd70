#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace credguard::backup {

// What a finished GzipFileWriter wrote.
struct WrittenFile {
  std::filesystem::path path;
  std::uint64_t bytes = 0;     // compressed, on disk
  std::uint64_t raw_bytes = 0; // before compression
  std::string sha256;          // hex, of the compressed file
};

// Streams data through gzip (zlib) into `<dir>/.<name>.partial`, hashing
// the compressed bytes as they are written. Only commit() makes the file
// appear under its name: it writes `<name>.sha256` (sha256sum format), then
// renames the temporary file. Destroyed without commit() (an error, an
// exception), it removes the temporary file; a killed process leaves only a
// dot-file that no backup pattern matches.
class GzipFileWriter {
public:
  // Creates the temporary file (mode 0600). Throws Error(io).
  explicit GzipFileWriter(std::filesystem::path final_path);
  ~GzipFileWriter();
  GzipFileWriter(const GzipFileWriter&) = delete;
  GzipFileWriter& operator=(const GzipFileWriter&) = delete;

  // Compresses and writes `data`. Throws Error(io) (disk full...).
  void write(std::string_view data);
  // The last bytes written (up to 256), uncompressed: to check an end marker.
  const std::string& tail() const { return m_tail; }
  // Ends the stream, fsyncs, writes the .sha256, renames. Throws Error(io).
  WrittenFile commit();

  const std::filesystem::path& temp_path() const { return m_temp; }

private:
  struct State;
  std::filesystem::path m_final;
  std::filesystem::path m_temp;
  std::unique_ptr<State> m_state;
  std::string m_tail;
  bool m_committed = false;
};

// Reads a gzip file back, decompressing. Multi-member files are read whole.
class GzipFileReader {
public:
  // Throws Error(io) when the file cannot be opened.
  explicit GzipFileReader(const std::filesystem::path& path);
  ~GzipFileReader();
  GzipFileReader(const GzipFileReader&) = delete;
  GzipFileReader& operator=(const GzipFileReader&) = delete;

  // Fills `buffer` with up to `capacity` decompressed bytes; 0 at the end.
  // Throws Error(data) naming the file when the stream is corrupt or ends
  // early (truncated), Error(io) on a read error.
  std::size_t read(char* buffer, std::size_t capacity);

private:
  struct State;
  std::unique_ptr<State> m_state;
};

// Hex SHA-256 of a file's content. Throws Error(io).
std::string sha256_file(const std::filesystem::path& path);

// The checksum recorded in `<path>.sha256`, or "" when that file is missing.
// Throws Error(data) when it is malformed.
std::string recorded_sha256(const std::filesystem::path& path);

// What check_integrity found.
struct Integrity {
  bool ok = false;
  std::string problem;         // one clause when not ok
  std::uint64_t raw_bytes = 0; // decompressed size
};

// Checks a backup: the recorded .sha256 exists and matches the file, the
// gzip stream decompresses to its end with valid CRCs, and (when
// `end_marker` is not empty) the decompressed text ends with a line that
// starts with it (mariadb-dump's "-- Dump completed"). Never throws for a
// damaged file: damage is the result. Throws Error(io) when unreadable.
Integrity check_integrity(const std::filesystem::path& path, std::string_view end_marker);

// The marker mariadb-dump writes last when a dump completed.
inline constexpr std::string_view k_dump_completed = "-- Dump completed";

} // namespace credguard::backup
