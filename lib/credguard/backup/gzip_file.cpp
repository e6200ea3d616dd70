#include <credguard/backup/gzip_file.hpp>
#include <credguard/core/error.hpp>
#include <credguard/core/files.hpp>
#include <credguard/core/strings.hpp>

#include <fmt/format.h>
#include <openssl/evp.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

namespace credguard::backup {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t k_tail_keep = 256;

Error io_error(const fs::path& path, std::string_view what)
{
  return Error(ErrorKind::io, fmt::format("{}: {}: {}", path.string(), what, std::strerror(errno)));
}

class Sha256 {
public:
  Sha256()
    : m_ctx(EVP_MD_CTX_new())
  {
    EVP_DigestInit_ex(m_ctx, EVP_sha256(), nullptr);
  }
  ~Sha256() { EVP_MD_CTX_free(m_ctx); }
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(const void* data, std::size_t size) { EVP_DigestUpdate(m_ctx, data, size); }
  std::string hex()
  {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int size = 0;
    EVP_DigestFinal_ex(m_ctx, digest.data(), &size);
    std::string out;
    for (unsigned int i = 0; i < size; ++i) {
      out += fmt::format("{:02x}", digest[i]);
    }
    return out;
  }

private:
  EVP_MD_CTX* m_ctx;
};

} // namespace

struct GzipFileWriter::State {
  int fd = -1;
  z_stream zs{};
  Sha256 sha;
  std::uint64_t bytes = 0;
  std::uint64_t raw_bytes = 0;
  std::array<unsigned char, 65536> out{};
};

GzipFileWriter::GzipFileWriter(fs::path final_path)
  : m_final(std::move(final_path))
  , m_temp(m_final.parent_path() / ("." + m_final.filename().string() + ".partial"))
  , m_state(std::make_unique<State>())
{
  m_state->fd = ::open(m_temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (m_state->fd < 0) {
    throw io_error(m_temp, "cannot create");
  }
  // windowBits 15 + 16: a gzip header and trailer rather than raw zlib.
  if (deflateInit2(&m_state->zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    ::close(m_state->fd);
    ::unlink(m_temp.c_str());
    throw Error(ErrorKind::internal, "zlib: deflateInit2 failed");
  }
}

GzipFileWriter::~GzipFileWriter()
{
  deflateEnd(&m_state->zs);
  if (m_state->fd >= 0) {
    ::close(m_state->fd);
  }
  if (!m_committed) {
    ::unlink(m_temp.c_str());
  }
}

namespace {

void deflate_into(z_stream& zs, int flush, int fd, std::array<unsigned char, 65536>& out, Sha256& sha,
                  std::uint64_t& bytes, const fs::path& temp)
{
  do {
    zs.next_out = out.data();
    zs.avail_out = static_cast<uInt>(out.size());
    int rc = deflate(&zs, flush);
    if (rc == Z_STREAM_ERROR) {
      throw Error(ErrorKind::internal, "zlib: deflate failed");
    }
    auto have = out.size() - zs.avail_out;
    const unsigned char* p = out.data();
    auto left = have;
    while (left > 0) {
      auto n = ::write(fd, p, left);
      if (n < 0) {
        if (errno == EINTR) {
          continue;
        }
        throw io_error(temp, "write failed");
      }
      p += n;
      left -= static_cast<std::size_t>(n);
    }
    sha.update(out.data(), have);
    bytes += have;
  } while (zs.avail_out == 0);
}

} // namespace

void GzipFileWriter::write(std::string_view data)
{
  auto& s = *m_state;
  s.raw_bytes += data.size();
  m_tail.append(data.size() > k_tail_keep ? data.substr(data.size() - k_tail_keep) : data);
  if (m_tail.size() > k_tail_keep) {
    m_tail.erase(0, m_tail.size() - k_tail_keep);
  }
  while (!data.empty()) {
    auto chunk = std::min<std::size_t>(data.size(), 1u << 30);
    s.zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    s.zs.avail_in = static_cast<uInt>(chunk);
    deflate_into(s.zs, Z_NO_FLUSH, s.fd, s.out, s.sha, s.bytes, m_temp);
    data.remove_prefix(chunk);
  }
}

WrittenFile GzipFileWriter::commit()
{
  auto& s = *m_state;
  s.zs.next_in = nullptr;
  s.zs.avail_in = 0;
  deflate_into(s.zs, Z_FINISH, s.fd, s.out, s.sha, s.bytes, m_temp);
  if (::fsync(s.fd) != 0) {
    throw io_error(m_temp, "fsync failed");
  }
  if (::close(s.fd) != 0) {
    s.fd = -1;
    throw io_error(m_temp, "close failed");
  }
  s.fd = -1;
  WrittenFile written{m_final, s.bytes, s.raw_bytes, s.sha.hex()};
  // The checksum first: a crash between the two leaves a .sha256 without
  // its backup, which no check mistakes for a backup.
  write_file_atomic(m_final.string() + ".sha256", fmt::format("{}  {}\n", written.sha256, m_final.filename().string()),
                    fs::perms::owner_read | fs::perms::owner_write);
  if (::rename(m_temp.c_str(), m_final.c_str()) != 0) {
    throw io_error(m_final, "rename failed");
  }
  m_committed = true;
  int dir_fd = ::open(m_final.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return written;
}

struct GzipFileReader::State {
  fs::path path;
  int fd = -1;
  z_stream zs{};
  std::array<unsigned char, 65536> in{};
  bool stream_ended = false; // the last member's trailer was read
  bool eof = false;
};

GzipFileReader::GzipFileReader(const fs::path& path)
  : m_state(std::make_unique<State>())
{
  m_state->path = path;
  m_state->fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (m_state->fd < 0) {
    throw io_error(path, "cannot open");
  }
  if (inflateInit2(&m_state->zs, 15 + 16) != Z_OK) {
    ::close(m_state->fd);
    throw Error(ErrorKind::internal, "zlib: inflateInit2 failed");
  }
}

GzipFileReader::~GzipFileReader()
{
  inflateEnd(&m_state->zs);
  ::close(m_state->fd);
}

std::size_t GzipFileReader::read(char* buffer, std::size_t capacity)
{
  auto& s = *m_state;
  s.zs.next_out = reinterpret_cast<Bytef*>(buffer);
  s.zs.avail_out = static_cast<uInt>(std::min<std::size_t>(capacity, 1u << 30));
  while (s.zs.avail_out > 0) {
    if (s.zs.avail_in == 0 && !s.eof) {
      auto n = ::read(s.fd, s.in.data(), s.in.size());
      if (n < 0) {
        if (errno == EINTR) {
          continue;
        }
        throw io_error(s.path, "read failed");
      }
      s.eof = n == 0;
      s.zs.next_in = s.in.data();
      s.zs.avail_in = static_cast<uInt>(n);
    }
    if (s.zs.avail_in == 0 && s.eof) {
      if (!s.stream_ended) {
        throw Error(ErrorKind::data, fmt::format("{}: the gzip stream ends early (truncated)", s.path.string()));
      }
      break;
    }
    s.stream_ended = false;
    int rc = inflate(&s.zs, Z_NO_FLUSH);
    if (rc == Z_STREAM_END) {
      s.stream_ended = true;
      inflateReset(&s.zs); // another member may follow
    } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
      throw Error(ErrorKind::data, fmt::format("{}: corrupt gzip stream ({})", s.path.string(),
                                               s.zs.msg != nullptr ? s.zs.msg : "inflate failed"));
    }
  }
  return std::min<std::size_t>(capacity, 1u << 30) - s.zs.avail_out;
}

std::string sha256_file(const fs::path& path)
{
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw io_error(path, "cannot open");
  }
  Sha256 sha;
  std::array<char, 65536> buffer{};
  while (true) {
    auto n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      ::close(fd);
      throw io_error(path, "read failed");
    }
    if (n == 0) {
      break;
    }
    sha.update(buffer.data(), static_cast<std::size_t>(n));
  }
  ::close(fd);
  return sha.hex();
}

std::string recorded_sha256(const fs::path& path)
{
  auto file = fs::path(path.string() + ".sha256");
  std::error_code ec;
  if (!fs::exists(file, ec)) {
    return "";
  }
  auto text = read_file(file);
  auto hex = std::string(trim(text.substr(0, text.find(' '))));
  bool valid = hex.size() == 64 && hex.find_first_not_of("0123456789abcdef") == std::string::npos;
  if (!valid) {
    throw Error(ErrorKind::data, fmt::format("{}:1: not a SHA-256 checksum line", file.string()));
  }
  return hex;
}

Integrity check_integrity(const fs::path& path, std::string_view end_marker)
{
  Integrity result;
  std::string recorded;
  try {
    recorded = recorded_sha256(path);
  } catch (const Error& e) {
    result.problem = e.what();
    return result;
  }
  if (recorded.empty()) {
    result.problem = fmt::format("{}.sha256 is missing", path.filename().string());
    return result;
  }
  if (sha256_file(path) != recorded) {
    result.problem = fmt::format("{} does not match its recorded SHA-256", path.filename().string());
    return result;
  }
  std::string tail;
  try {
    GzipFileReader reader(path);
    std::array<char, 65536> buffer{};
    while (auto n = reader.read(buffer.data(), buffer.size())) {
      result.raw_bytes += n;
      tail.append(buffer.data(), n);
      if (tail.size() > 2 * k_tail_keep) {
        tail.erase(0, tail.size() - k_tail_keep);
      }
    }
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::data) {
      throw;
    }
    result.problem = e.what();
    return result;
  }
  if (!end_marker.empty()) {
    auto trimmed = std::string(trim(tail));
    auto line_start = trimmed.rfind('\n');
    auto last_line = line_start == std::string::npos ? trimmed : trimmed.substr(line_start + 1);
    if (last_line.rfind(end_marker, 0) != 0) {
      result.problem =
          fmt::format("{} does not end with \"{}\": the dump is incomplete", path.filename().string(), end_marker);
      return result;
    }
  }
  result.ok = true;
  return result;
}

} // namespace credguard::backup
