#include <credguard/core/error.hpp>
#include <credguard/journal/entry.hpp>

#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <memory>

namespace credguard::journal {

nlohmann::json Entry::to_json() const
{
  return nlohmann::json{
      {"seq", seq},
      {"time", time},
      {"actor", who.actor},
      {"os_user", who.os_user},
      {"sudo_user", who.sudo_user},
      {"host", who.host},
      {"command", what.command},
      {"incident", what.incident},
      {"action", what.action},
      {"target", what.target},
      {"outcome", what.outcome},
      {"reason", what.reason},
      {"evidence", what.evidence},
      {"prev_hash", prev_hash},
      {"hash", hash},
  };
}

namespace {

void append_json_string(std::string& out, std::string_view text)
{
  static constexpr char k_hex[] = "0123456789abcdef";
  out += '"';
  std::size_t i = 0;
  while (i < text.size()) {
    // Copy the run of characters that need no attention in one append.
    std::size_t run = i;
    while (run < text.size()) {
      auto c = static_cast<unsigned char>(text[run]);
      if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') {
        break;
      }
      ++run;
    }
    out.append(text.substr(i, run - i));
    i = run;
    if (i == text.size()) {
      break;
    }
    auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 0x80) {
      // Copied through, as nlohmann::json::dump() does, once validated.
      std::size_t length = (byte & 0xE0) == 0xC0 ? 2 : (byte & 0xF0) == 0xE0 ? 3 : (byte & 0xF8) == 0xF0 ? 4 : 0;
      bool valid = length > 0 && i + length <= text.size();
      for (std::size_t k = 1; valid && k < length; ++k) {
        valid = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
      }
      if (valid) {
        std::uint32_t code = byte & (0xFFU >> (length + 1));
        for (std::size_t k = 1; k < length; ++k) {
          code = (code << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3FU);
        }
        static constexpr std::uint32_t k_min[] = {0, 0, 0x80, 0x800, 0x10000};
        valid = code >= k_min[length] && code <= 0x10FFFF && (code < 0xD800 || code > 0xDFFF);
      }
      if (!valid) {
        throw Error(ErrorKind::data, "journal text is not valid UTF-8");
      }
      out.append(text.substr(i, length));
      i += length;
      continue;
    }
    switch (byte) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\b': out += "\\b"; break;
    case '\f': out += "\\f"; break;
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    case '\t': out += "\\t"; break;
    default:
      if (byte < 0x20) {
        out += "\\u00";
        out += k_hex[byte >> 4];
        out += k_hex[byte & 0x0F];
      } else {
        out += static_cast<char>(byte);
      }
    }
    ++i;
  }
  out += '"';
}

} // namespace

std::string canonical_form(const Entry& entry, const std::string& evidence_text)
{
  // Byte for byte what nlohmann::json::array({...}).dump() produced in format
  // 1, written directly: verification recomputes this for every entry.
  std::string out;
  out.reserve(256 + evidence_text.size() + entry.what.command.size());
  out += "[1,";
  out += std::to_string(entry.seq);
  for (const std::string* field :
       {&entry.time, &entry.who.actor, &entry.who.os_user, &entry.who.sudo_user, &entry.who.host, &entry.what.command,
        &entry.what.incident, &entry.what.action, &entry.what.target, &entry.what.outcome, &entry.what.reason,
        &evidence_text, &entry.prev_hash}) {
    out += ',';
    append_json_string(out, *field);
  }
  out += ']';
  return out;
}

std::string sha256_hex(std::string_view data)
{
  // Fetch the digest once: OpenSSL 3's implicit fetch per call costs more
  // than hashing a journal entry.
  static EVP_MD* const k_sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  thread_local std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_DigestInit_ex(context.get(), k_sha256, nullptr);
  EVP_DigestUpdate(context.get(), data.data(), data.size());
  EVP_DigestFinal_ex(context.get(), digest.data(), &length);
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string out(length * 2, '0');
  for (unsigned int i = 0; i < length; ++i) {
    out[2 * i] = k_hex[digest[i] >> 4];
    out[2 * i + 1] = k_hex[digest[i] & 0x0F];
  }
  return out;
}

} // namespace credguard::journal
