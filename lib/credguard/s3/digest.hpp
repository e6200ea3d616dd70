#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace credguard::s3 {

// Lowercase hex of bytes.
std::string to_hex(std::string_view bytes);
// Standard base64 (with padding) of bytes.
std::string to_base64(std::string_view bytes);
// Decodes standard base64; nullopt when malformed.
std::optional<std::string> from_base64(std::string_view text);

// Lowercase hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);
// Raw HMAC-SHA256 of `data` under `key` (32 bytes).
std::string hmac_sha256(std::string_view key, std::string_view data);
// Base64 of the MD5 of `data`: the value of a Content-MD5 header.
std::string md5_base64(std::string_view data);

// An incremental digest (SHA-256 or MD5) over data fed in pieces.
class Digest {
public:
  enum class Algorithm { sha256, md5 };
  explicit Digest(Algorithm algorithm);
  ~Digest();
  Digest(Digest&&) noexcept;
  Digest& operator=(Digest&&) noexcept;
  Digest(const Digest&) = delete;
  Digest& operator=(const Digest&) = delete;

  void update(std::string_view data);
  // The raw digest. The object must not be used afterwards.
  std::string finish();

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// The digests of a stretch of a file.
struct FileDigests {
  std::uint64_t size = 0;
  std::string sha256_hex;
  std::string md5_base64;
};

// Reads `length` bytes (default: to the end) of `path` from `offset` in
// fixed-size blocks (memory stays bounded) and returns their SHA-256 and MD5.
// Each block is also fed to `also` when given (a whole-file digest built
// while hashing parts). Throws Error(io) naming the file when it cannot be
// read or is shorter than asked.
FileDigests digest_file(const std::filesystem::path& path, std::uint64_t offset = 0,
                        std::optional<std::uint64_t> length = std::nullopt, Digest* also = nullptr);

} // namespace credguard::s3
