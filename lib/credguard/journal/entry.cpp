#include <credguard/journal/entry.hpp>

#include <openssl/evp.h>

#include <array>

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

std::string canonical_form(const Entry& entry, const std::string& evidence_text)
{
  nlohmann::json fields = nlohmann::json::array({
      1,
      entry.seq,
      entry.time,
      entry.who.actor,
      entry.who.os_user,
      entry.who.sudo_user,
      entry.who.host,
      entry.what.command,
      entry.what.incident,
      entry.what.action,
      entry.what.target,
      entry.what.outcome,
      entry.what.reason,
      evidence_text,
      entry.prev_hash,
  });
  return fields.dump();
}

std::string sha256_hex(std::string_view data)
{
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr);
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out += k_hex[digest[i] >> 4];
    out += k_hex[digest[i] & 0x0F];
  }
  return out;
}

} // namespace credguard::journal
