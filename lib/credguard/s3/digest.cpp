#include <credguard/core/error.hpp>
#include <credguard/s3/digest.hpp>

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdio>
#include <vector>

namespace credguard::s3 {

namespace {

constexpr std::size_t k_block = 64 * 1024;

std::string raw_digest(std::string_view data, const EVP_MD* md)
{
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &length, md, nullptr) != 1) {
    throw Error(ErrorKind::internal, "digest computation failed");
  }
  return std::string(reinterpret_cast<const char*>(out.data()), length);
}

} // namespace

std::string to_hex(std::string_view bytes)
{
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char byte : bytes) {
    auto c = static_cast<unsigned char>(byte);
    out += k_digits[c >> 4];
    out += k_digits[c & 0x0f];
  }
  return out;
}

std::string to_base64(std::string_view bytes)
{
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(written));
  return out;
}

std::optional<std::string> from_base64(std::string_view text)
{
  if (text.size() % 4 != 0) {
    return std::nullopt;
  }
  std::string out(3 * text.size() / 4, '\0');
  int written = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (written < 0) {
    return std::nullopt;
  }
  // EVP_DecodeBlock counts the padding as zero bytes.
  std::size_t padding = 0;
  for (auto it = text.rbegin(); it != text.rend() && *it == '='; ++it) {
    ++padding;
  }
  out.resize(static_cast<std::size_t>(written) - padding);
  return out;
}

std::string sha256_hex(std::string_view data)
{
  return to_hex(raw_digest(data, EVP_sha256()));
}

std::string md5_base64(std::string_view data)
{
  return to_base64(raw_digest(data, EVP_md5()));
}

std::string hmac_sha256(std::string_view key, std::string_view data)
{
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
           data.size(), out.data(), &length) == nullptr) {
    throw Error(ErrorKind::internal, "HMAC computation failed");
  }
  return std::string(reinterpret_cast<const char*>(out.data()), length);
}

struct Digest::Impl {
  EVP_MD_CTX* context = nullptr;
  ~Impl() { EVP_MD_CTX_free(context); }
};

Digest::Digest(Algorithm algorithm)
  : m_impl(std::make_unique<Impl>())
{
  m_impl->context = EVP_MD_CTX_new();
  const EVP_MD* md = algorithm == Algorithm::sha256 ? EVP_sha256() : EVP_md5();
  if (m_impl->context == nullptr || EVP_DigestInit_ex(m_impl->context, md, nullptr) != 1) {
    throw Error(ErrorKind::internal, "digest initialisation failed");
  }
}

Digest::~Digest() = default;
Digest::Digest(Digest&&) noexcept = default;
Digest& Digest::operator=(Digest&&) noexcept = default;

void Digest::update(std::string_view data)
{
  EVP_DigestUpdate(m_impl->context, data.data(), data.size());
}

std::string Digest::finish()
{
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int length = 0;
  EVP_DigestFinal_ex(m_impl->context, out.data(), &length);
  return std::string(reinterpret_cast<const char*>(out.data()), length);
}

FileDigests digest_file(const std::filesystem::path& path, std::uint64_t offset, std::optional<std::uint64_t> length,
                        Digest* also)
{
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    throw Error(ErrorKind::io, fmt::format("cannot read {}", path.string()));
  }
  struct Closer {
    std::FILE* file;
    ~Closer() { std::fclose(file); }
  } closer{file};
  if (fseeko(file, static_cast<off_t>(offset), SEEK_SET) != 0) {
    throw Error(ErrorKind::io, fmt::format("cannot seek to byte {} of {}", offset, path.string()));
  }
  Digest sha(Digest::Algorithm::sha256);
  Digest md5(Digest::Algorithm::md5);
  std::vector<char> buffer(k_block);
  std::uint64_t total = 0;
  while (!length || total < *length) {
    std::size_t want = length ? static_cast<std::size_t>(std::min<std::uint64_t>(k_block, *length - total)) : k_block;
    std::size_t got = std::fread(buffer.data(), 1, want, file);
    if (got > 0) {
      std::string_view block(buffer.data(), got);
      sha.update(block);
      md5.update(block);
      if (also != nullptr) {
        also->update(block);
      }
      total += got;
    }
    if (got < want) {
      if (std::ferror(file) != 0) {
        throw Error(ErrorKind::io, fmt::format("cannot read {}", path.string()));
      }
      break;
    }
  }
  if (length && total < *length) {
    throw Error(ErrorKind::io, fmt::format("{} is shorter than expected: {} bytes from offset {}, wanted {}",
                                           path.string(), total, offset, *length));
  }
  return FileDigests{total, to_hex(sha.finish()), to_base64(md5.finish())};
}

} // namespace credguard::s3
