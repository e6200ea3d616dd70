#include <credguard/core/error.hpp>
#include <credguard/drift/byte_source.hpp>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>
#include <zlib.h>

namespace credguard::drift {

namespace {

class FileSource final : public ByteSource {
public:
  FileSource(std::string name, int fd, bool regular)
    : ByteSource(std::move(name))
    , m_fd(fd)
    , m_regular(regular)
  {}
  ~FileSource() override
  {
    if (m_map != nullptr) {
      ::munmap(m_map, m_map_size);
    }
    ::close(m_fd);
  }
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;

  std::size_t read(char* buffer, std::size_t size) override
  {
    while (true) {
      ssize_t n = ::read(m_fd, buffer, size);
      if (n >= 0) {
        return static_cast<std::size_t>(n);
      }
      if (errno != EINTR) {
        throw Error(ErrorKind::io, fmt::format("cannot read {}: {}", name(), std::strerror(errno)));
      }
    }
  }

  bool rewindable() const override { return m_regular; }

  void rewind() override
  {
    if (!m_regular || ::lseek(m_fd, 0, SEEK_SET) != 0) {
      throw Error(ErrorKind::io, fmt::format("cannot read {} a second time", name()));
    }
  }

  std::string_view mapped() override
  {
    if (m_map == nullptr && m_regular && !m_map_failed) {
      struct stat info {};
      if (::fstat(m_fd, &info) == 0 && info.st_size > 0) {
        m_map_size = static_cast<std::size_t>(info.st_size);
        void* map = ::mmap(nullptr, m_map_size, PROT_READ, MAP_PRIVATE, m_fd, 0);
        if (map != MAP_FAILED) {
          m_map = map;
          ::madvise(m_map, m_map_size, MADV_SEQUENTIAL);
          ::madvise(m_map, m_map_size, MADV_WILLNEED);
        }
      }
      m_map_failed = m_map == nullptr; // read() then
    }
    return m_map == nullptr ? std::string_view() : std::string_view(static_cast<const char*>(m_map), m_map_size);
  }

private:
  int m_fd;
  bool m_regular;
  void* m_map = nullptr;
  std::size_t m_map_size = 0;
  bool m_map_failed = false;
};

class StreamSource final : public ByteSource {
public:
  explicit StreamSource(std::istream& in)
    : ByteSource("<stdin>")
    , m_in(in)
  {}

  std::size_t read(char* buffer, std::size_t size) override
  {
    m_in.read(buffer, static_cast<std::streamsize>(size));
    if (m_in.bad()) {
      throw Error(ErrorKind::io, "cannot read standard input");
    }
    return static_cast<std::size_t>(m_in.gcount());
  }

  bool rewindable() const override { return false; }
  void rewind() override { throw Error(ErrorKind::io, "cannot read standard input a second time"); }

private:
  std::istream& m_in;
};

// Replays bytes already read (to sniff the gzip magic), then the source.
class GzipSource final : public ByteSource {
public:
  GzipSource(std::unique_ptr<ByteSource> inner, std::string head)
    : ByteSource(inner->name())
    , m_inner(std::move(inner))
    , m_input(1 << 18)
  {
    std::memcpy(m_input.data(), head.data(), head.size());
    m_stream.avail_in = static_cast<uInt>(head.size());
    m_stream.next_in = reinterpret_cast<Bytef*>(m_input.data());
    init();
  }
  ~GzipSource() override { inflateEnd(&m_stream); }
  GzipSource(const GzipSource&) = delete;
  GzipSource& operator=(const GzipSource&) = delete;

  std::size_t read(char* buffer, std::size_t size) override
  {
    m_stream.next_out = reinterpret_cast<Bytef*>(buffer);
    m_stream.avail_out = static_cast<uInt>(std::min<std::size_t>(size, 1U << 30));
    while (m_stream.avail_out > 0 && !m_done) {
      if (m_stream.avail_in == 0 && !m_inner_done) {
        std::size_t n = m_inner->read(m_input.data(), m_input.size());
        m_inner_done = n == 0;
        m_stream.next_in = reinterpret_cast<Bytef*>(m_input.data());
        m_stream.avail_in = static_cast<uInt>(n);
      }
      if (m_stream.avail_in == 0 && m_inner_done) {
        if (m_in_member) {
          throw Error(ErrorKind::data, fmt::format("{}: compressed data ends too early (truncated gzip file)", name()));
        }
        m_done = true;
        break;
      }
      if (!m_in_member) {
        // Another gzip member follows the previous one (as `cat a.gz b.gz` makes).
        inflateReset(&m_stream);
        m_in_member = true;
      }
      int rc = inflate(&m_stream, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        m_in_member = false;
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        throw Error(ErrorKind::data, fmt::format("{}: corrupt gzip data: {}", name(),
                                                 m_stream.msg != nullptr ? m_stream.msg : "inflate failed"));
      }
    }
    return size - m_stream.avail_out;
  }

  bool rewindable() const override { return m_inner->rewindable(); }

  void rewind() override
  {
    m_inner->rewind();
    m_stream.avail_in = 0;
    m_inner_done = false;
    m_done = false;
    inflateReset(&m_stream);
    m_in_member = true;
  }

private:
  void init()
  {
    // 16 + MAX_WBITS: gzip wrapper only.
    if (inflateInit2(&m_stream, 16 + MAX_WBITS) != Z_OK) {
      throw Error(ErrorKind::internal, "zlib: cannot initialise the decompressor");
    }
  }

  std::unique_ptr<ByteSource> m_inner;
  std::vector<char> m_input;
  z_stream m_stream{};
  bool m_inner_done = false;
  bool m_in_member = true;
  bool m_done = false;
};

std::unique_ptr<ByteSource> open_plain(const std::string& path, std::istream& standard_input)
{
  if (path == "-") {
    return std::make_unique<StreamSource>(standard_input);
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw Error(ErrorKind::data, fmt::format("cannot open {}: {}", path, std::strerror(errno)));
  }
  struct stat info {};
  if (::fstat(fd, &info) != 0 || S_ISDIR(info.st_mode)) {
    ::close(fd);
    throw Error(ErrorKind::data, fmt::format("cannot read {}: {}", path, "is a directory"));
  }
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return std::make_unique<FileSource>(path, fd, S_ISREG(info.st_mode));
}

// A ByteSource that first returns bytes already consumed by sniffing.
class PrefixedSource final : public ByteSource {
public:
  PrefixedSource(std::unique_ptr<ByteSource> inner, std::string head)
    : ByteSource(inner->name())
    , m_inner(std::move(inner))
    , m_head(std::move(head))
  {}

  std::size_t read(char* buffer, std::size_t size) override
  {
    if (m_offset < m_head.size()) {
      std::size_t n = std::min(size, m_head.size() - m_offset);
      std::memcpy(buffer, m_head.data() + m_offset, n);
      m_offset += n;
      return n;
    }
    return m_inner->read(buffer, size);
  }

  bool rewindable() const override { return m_inner->rewindable(); }
  std::string_view mapped() override { return m_inner->mapped(); }

  void rewind() override
  {
    m_inner->rewind(); // the file itself gives the head again
    m_head.clear();
    m_offset = 0;
  }

private:
  std::unique_ptr<ByteSource> m_inner;
  std::string m_head;
  std::size_t m_offset = 0;
};

} // namespace

std::unique_ptr<ByteSource> open_bytes(const std::string& path, std::istream& standard_input)
{
  auto plain = open_plain(path, standard_input);
  std::string head(2, '\0');
  std::size_t got = 0;
  while (got < head.size()) {
    std::size_t n = plain->read(head.data() + got, head.size() - got);
    if (n == 0) {
      break;
    }
    got += n;
  }
  head.resize(got);
  if (head.size() == 2 && static_cast<unsigned char>(head[0]) == 0x1f && static_cast<unsigned char>(head[1]) == 0x8b) {
    return std::make_unique<GzipSource>(std::move(plain), std::move(head));
  }
  return std::make_unique<PrefixedSource>(std::move(plain), std::move(head));
}

} // namespace credguard::drift
