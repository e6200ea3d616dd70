#pragma once

#include <cstddef>
#include <istream>
#include <memory>
#include <string>
#include <string_view>

namespace credguard::drift {

// A stream of bytes read in large blocks: a file, standard input, or either
// of them gzip-compressed (recognised by its magic bytes, not its name).
class ByteSource {
public:
  virtual ~ByteSource() = default;
  // Fills up to `size` bytes of `buffer`; returns how many, 0 at the end.
  // Throws Error(io) when the file cannot be read and Error(data) naming
  // the file when compressed data is corrupt or truncated.
  virtual std::size_t read(char* buffer, std::size_t size) = 0;
  // True when rewind() can start the stream again (a regular file).
  virtual bool rewindable() const = 0;
  // Starts again from the first byte. Throws Error(io) when not rewindable.
  virtual void rewind() = 0;
  // The whole content mapped into memory (a regular, uncompressed, non-empty
  // file), valid while the source lives; empty when it cannot be mapped and
  // must be read().
  virtual std::string_view mapped() { return {}; }
  // The path as the user wrote it, or "<stdin>", for messages.
  const std::string& name() const { return m_name; }

protected:
  explicit ByteSource(std::string name)
    : m_name(std::move(name))
  {}

private:
  std::string m_name;
};

// Opens `path` for reading; "-" reads `standard_input` instead. A gzip
// stream (also concatenated members) is decompressed transparently.
// Throws Error(data) naming the path when it is missing, unreadable or a
// directory: the command's input is bad.
std::unique_ptr<ByteSource> open_bytes(const std::string& path, std::istream& standard_input);

} // namespace credguard::drift
