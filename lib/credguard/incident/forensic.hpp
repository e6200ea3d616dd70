#pragma once

#include <credguard/core/clock.hpp>
#include <credguard/incident/plan.hpp>
#include <credguard/s3/client.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace credguard::incident {

// Where forensic copies go: a bucket with Object Lock, and the lock every
// object gets.
struct ForensicStore {
  s3::Client* client = nullptr; // nullptr: S3 is not configured
  std::string bucket;           // s3.forensic_bucket
  s3::LockMode mode = s3::LockMode::compliance;
  Millis retention = std::chrono::hours(24 * 1825);
};

// What goes into one forensic copy.
struct ForensicRequest {
  std::string model;
  std::string version;
  std::string incident;
  std::string source; // the version's artifacts: s3://bucket/prefix
  // The release manifest (registry metadata, tags, aliases, the incident),
  // built when the step runs.
  std::function<nlohmann::json()> release_manifest;
  // The evidence logs (the incident's journal entries as JSON lines),
  // built when the step runs.
  std::function<std::string()> evidence_log;
  std::filesystem::path scratch; // a directory for downloads (each file removed once copied)
};

// One object of the copy, as MANIFEST.json lists it.
struct ForensicObject {
  std::string key; // full key in the forensic bucket
  std::string origin;
  std::uint64_t size = 0;
  std::string sha256;
  std::string version_id;
  bool verified = false; // read back with this hash and the lock

  nlohmann::json to_json() const;
};

// How a copy went. `objects` holds only what S3 acknowledged.
struct ForensicResult {
  bool ok = false;
  std::string prefix;
  std::string error; // the first failure, naming the object
  std::vector<ForensicObject> objects;
  std::string manifest_version_id;
  std::string manifest_sha256;
  SystemTime retain_until{};

  nlohmann::json to_json() const;
};

// quarantine/<model>/<version>/<incident>/
std::string forensic_prefix(const std::string& model, const std::string& version, const std::string& incident);

// Splits s3://bucket/prefix. Throws Error(data) naming `uri` otherwise.
std::pair<std::string, std::string> parse_s3_uri(const std::string& uri);

// Refuses a forensic bucket without Object Lock before writing anything.
// Then copies every artifact under request.source (listed as the folder
// `prefix/`; two source keys that map to one destination key are refused
// before anything is written), release_manifest.json and
// evidence/journal.jsonl under forensic_prefix(), each with the store's
// Object Lock until t0 + retention and its SHA-256 recorded; reads every
// object back and checks its hash and lock; only then writes MANIFEST.json
// listing them, and reads it back. An object already there (an earlier
// run) is reused only when its size and the SHA-256 of its bytes match and
// it is locked as asked. Never throws for an S3 failure: it is in the
// result, and nothing unacknowledged is listed.
ForensicResult copy_forensic(const ForensicStore& store, const ForensicRequest& request, SystemTime t0);

// The plan step around copy_forensic(): failed unless the copy verified.
// Skipped is never an option: without S3 or a forensic bucket it fails,
// naming the keys.
Step forensic_step(const ForensicStore& store, ForensicRequest request);

} // namespace credguard::incident
