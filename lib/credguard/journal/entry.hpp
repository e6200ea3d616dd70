#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace credguard::journal {

// What a caller records: the rest of an entry is filled in by the journal.
struct EntryDraft {
  std::string command;  // the command line, secrets redacted
  std::string incident; // incident or change ID; empty when none
  std::string action;   // e.g. "checklist.daily", "revoke.mark", "revoke.purge"
  std::string target;   // e.g. "credit-score@7", "host"
  std::string outcome;  // started, ok, failed, skipped, pass, warning, critical, unknown...
  std::string reason;   // --reason
  nlohmann::json evidence = nlohmann::json::object();
};

// Who acts, resolved once per process.
struct Identity {
  std::string actor;     // --actor, else SUDO_USER, else the OS user
  std::string os_user;   // effective user
  std::string sudo_user; // $SUDO_USER, when run through sudo
  std::string host;
};

// A stored entry: the draft plus when, who, where and the hash chain.
struct Entry {
  std::int64_t seq = 0;
  std::string time; // RFC 3339 UTC, milliseconds
  Identity who;
  EntryDraft what;
  std::string prev_hash; // hash of entry seq-1; 64 zeros for the first
  std::string hash;      // SHA-256 of this entry's canonical form

  nlohmann::json to_json() const;
};

// The hash of the entry before the first one.
inline constexpr std::string_view k_genesis_hash = "0000000000000000000000000000000000000000000000000000000000000000";

// The canonical serialisation that is hashed: a JSON array of every field,
// in a fixed order, evidence as its stored text. Format version 1. Throws
// Error(data) when a field is not valid UTF-8.
std::string canonical_form(const Entry& entry, const std::string& evidence_text);

// Hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

} // namespace credguard::journal
