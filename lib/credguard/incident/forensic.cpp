#include <credguard/core/error.hpp>
#include <credguard/core/time_format.hpp>
#include <credguard/incident/forensic.hpp>
#include <credguard/s3/digest.hpp>

#include <fmt/format.h>

#include <map>
#include <system_error>

namespace credguard::incident {

namespace {

using nlohmann::json;

constexpr const char* k_manifest_name = "MANIFEST.json";

// Object Lock dates are kept to the second.
SystemTime lock_date(SystemTime t0, Millis retention)
{
  return std::chrono::time_point_cast<std::chrono::seconds>(t0 + retention);
}

bool locked_as_asked(const s3::ObjectInfo& info, const s3::Retention& wanted)
{
  return info.retention && info.retention->mode == wanted.mode && info.retention->retain_until >= wanted.retain_until;
}

// The current version of `key` when it already holds the bytes of `source`
// (size and SHA-256 of the content, read back: metadata alone can be
// planted) under the lock asked for, as an earlier run wrote it; else
// nullopt, and the caller writes a new version.
std::optional<s3::ObjectInfo> already_there(s3::Client& client, const std::string& bucket, const std::string& key,
                                            const std::filesystem::path& source, const std::string& sha256,
                                            const s3::Retention& retention, const std::filesystem::path& scratch)
{
  auto info = client.head_object(bucket, key);
  if (!info || info->size != std::filesystem::file_size(source)) {
    return std::nullopt;
  }
  auto stored = info->metadata.find("sha256");
  if (stored == info->metadata.end() || stored->second != sha256) {
    return std::nullopt;
  }
  if (!info->retention) {
    // HEAD does not always carry the lock: ask for it.
    info->retention = client.get_object_retention(bucket, key, info->version_id);
  }
  if (!locked_as_asked(*info, retention)) {
    return std::nullopt;
  }
  std::string content_sha256;
  try {
    content_sha256 = client.get_object_to_file(bucket, key, scratch, info->version_id).sha256;
  } catch (const s3::S3Error& error) {
    if (error.kind() != ErrorKind::data) {
      throw;
    }
    return std::nullopt; // its bytes do not hash to its recorded x-amz-meta-sha256
  }
  std::filesystem::remove(scratch);
  return content_sha256 == sha256 ? info : std::nullopt;
}

// Refuses a forensic bucket without Object Lock before anything is written:
// radosgw 16 would accept single PUTs with lock headers only to fail them,
// and keeps multipart objects unlocked (PROTOCOL-NOTES, S3).
void require_object_lock(s3::Client& client, const std::string& bucket)
{
  auto configuration = client.get_object_lock_configuration(bucket);
  if (!configuration || !configuration->enabled) {
    throw Error(ErrorKind::config,
                fmt::format("forensic bucket s3://{} has no Object Lock configuration (GET ?object-lock): evidence "
                            "there could be deleted, so nothing was written",
                            bucket),
                "set s3.forensic_bucket to a bucket created with Object Lock enabled");
  }
}

class Copier {
public:
  Copier(const ForensicStore& store, const ForensicRequest& request, ForensicResult& result)
    : m_store(store)
    , m_request(request)
    , m_result(result)
    , m_retention{store.mode, result.retain_until}
  {}

  // Writes the file at `path` as `key` unless it is there already.
  void put(const std::string& key, const std::filesystem::path& path, const std::string& sha256,
           const std::string& origin, const std::string& content_type)
  {
    auto& client = *m_store.client;
    ForensicObject object{key, origin, 0, sha256, "", false};
    if (auto existing = already_there(client, m_store.bucket, key, path, sha256, m_retention, scratch_file())) {
      object.size = existing->size;
      object.version_id = existing->version_id;
    } else {
      s3::PutOptions options;
      options.content_type = content_type;
      options.retention = m_retention;
      options.metadata = {{"credguard-incident", m_request.incident}, {"credguard-origin", origin}};
      auto put = client.put_file(m_store.bucket, key, path, options);
      if (put.sha256 != sha256) {
        throw Error(ErrorKind::data, fmt::format("s3://{}/{}: uploaded {} but the source hashed {}", m_store.bucket,
                                                 key, put.sha256, sha256));
      }
      object.size = put.size;
      object.version_id = put.version_id;
    }
    m_result.objects.push_back(object);
  }

  // Writes `body` through a scratch file.
  void put_text(const std::string& key, const std::string& body, const std::string& origin,
                const std::string& content_type)
  {
    auto path = scratch_file();
    write_scratch(path, body);
    put(key, path, s3::sha256_hex(body), origin, content_type);
    std::filesystem::remove(path);
  }

  // Lists the source as a folder (`prefix/`: a bare prefix also matches
  // version 20 when 2 is asked for, PROTOCOL-NOTES S3) and refuses two
  // sources that would land on one key, before anything is written.
  void copy_artifacts()
  {
    auto [bucket, prefix] = parse_s3_uri(m_request.source);
    if (!prefix.empty() && prefix.back() != '/') {
      prefix += '/';
    }
    auto& client = *m_store.client;
    std::map<std::string, std::string> sources; // destination key -> source key
    for (const auto& summary : client.list_all_objects(bucket, prefix)) {
      std::string relative = summary.key.substr(prefix.size());
      while (!relative.empty() && relative.front() == '/') {
        relative.erase(0, 1);
      }
      if (relative.empty()) {
        continue; // the folder's own marker object
      }
      auto [at, inserted] = sources.emplace(m_result.prefix + "artifacts/" + relative, summary.key);
      if (!inserted) {
        throw Error(ErrorKind::data, fmt::format("{}: s3://{}/{} and s3://{}/{} would both be copied to {}",
                                                 m_request.source, bucket, at->second, bucket, summary.key, at->first));
      }
    }
    if (sources.empty()) {
      throw Error(ErrorKind::data,
                  fmt::format("{}: no artifacts found under s3://{}/{}", m_request.source, bucket, prefix));
    }
    for (const auto& [key, source_key] : sources) {
      auto path = scratch_file();
      auto got = client.get_object_to_file(bucket, source_key, path);
      put(key, path, got.sha256, fmt::format("s3://{}/{}", bucket, source_key), "application/octet-stream");
      std::filesystem::remove(path);
    }
  }

  // Reads every object back (content and lock).
  void verify()
  {
    for (auto& object : m_result.objects) {
      verify(object);
    }
  }

  void verify(ForensicObject& object)
  {
    auto& client = *m_store.client;
    auto path = scratch_file();
    auto got = client.get_object_to_file(m_store.bucket, object.key, path, object.version_id);
    std::filesystem::remove(path);
    if (got.sha256 != object.sha256 || got.info.size != object.size) {
      throw Error(ErrorKind::data,
                  fmt::format("s3://{}/{}: read back {} bytes hashing {}, expected {} and {}", m_store.bucket,
                              object.key, got.info.size, got.sha256, object.size, object.sha256));
    }
    auto retention = client.get_object_retention(m_store.bucket, object.key, object.version_id);
    if (!retention || retention->mode != m_retention.mode || retention->retain_until < m_retention.retain_until) {
      throw Error(ErrorKind::data,
                  fmt::format("s3://{}/{}: version {} is not under {} retention until {}", m_store.bucket, object.key,
                              object.version_id, s3::to_string(m_retention.mode),
                              format_rfc3339_seconds(m_retention.retain_until)));
    }
    object.verified = true;
  }

private:
  std::filesystem::path scratch_file() { return m_request.scratch / fmt::format("forensic-{}.part", ++m_files); }

  static void write_scratch(const std::filesystem::path& path, const std::string& body)
  {
    std::FILE* file = std::fopen(path.c_str(), "wb");
    if (file == nullptr || std::fwrite(body.data(), 1, body.size(), file) != body.size() || std::fclose(file) != 0) {
      throw Error(ErrorKind::io, fmt::format("{}: cannot write the scratch copy", path.string()));
    }
  }

  const ForensicStore& m_store;
  const ForensicRequest& m_request;
  ForensicResult& m_result;
  s3::Retention m_retention;
  int m_files = 0;
};

json manifest_document(const ForensicRequest& request, const ForensicResult& result, const ForensicStore& store,
                       SystemTime t0)
{
  json objects = json::array();
  for (const auto& object : result.objects) {
    objects.push_back(json{{"key", object.key},
                           {"origin", object.origin},
                           {"size", object.size},
                           {"sha256", object.sha256},
                           {"version_id", object.version_id}});
  }
  return json{{"schema_version", 1},
              {"model", request.model},
              {"version", request.version},
              {"incident", request.incident},
              {"source", request.source},
              {"t0", format_rfc3339(t0)},
              {"object_lock",
               {{"mode", s3::to_string(store.mode)}, {"retain_until", format_rfc3339_seconds(result.retain_until)}}},
              {"objects", objects}};
}

} // namespace

json ForensicObject::to_json() const
{
  return json{{"key", key},       {"origin", origin},         {"size", size},
              {"sha256", sha256}, {"version_id", version_id}, {"verified", verified}};
}

json ForensicResult::to_json() const
{
  json list = json::array();
  for (const auto& object : objects) {
    list.push_back(object.to_json());
  }
  json out{{"ok", ok},
           {"prefix", prefix},
           {"objects", list},
           {"retain_until", format_rfc3339_seconds(retain_until)},
           {"manifest_version_id", manifest_version_id},
           {"manifest_sha256", manifest_sha256}};
  if (!error.empty()) {
    out["error"] = error;
  }
  return out;
}

std::string forensic_prefix(const std::string& model, const std::string& version, const std::string& incident)
{
  return fmt::format("quarantine/{}/{}/{}/", model, version, incident);
}

std::pair<std::string, std::string> parse_s3_uri(const std::string& uri)
{
  constexpr std::string_view scheme = "s3://";
  if (uri.rfind(scheme, 0) != 0 || uri.size() <= scheme.size()) {
    throw Error(ErrorKind::data, fmt::format("artifact source \"{}\" is not an s3://bucket/prefix URI", uri),
                "the forensic copy reads artifacts from S3 (the version's source in the registry)");
  }
  auto rest = uri.substr(scheme.size());
  auto slash = rest.find('/');
  if (slash == 0) {
    throw Error(ErrorKind::data, fmt::format("artifact source \"{}\" names no bucket", uri));
  }
  if (slash == std::string::npos) {
    return {rest, ""};
  }
  return {rest.substr(0, slash), rest.substr(slash + 1)};
}

ForensicResult copy_forensic(const ForensicStore& store, const ForensicRequest& request, SystemTime t0)
{
  ForensicResult result;
  result.prefix = forensic_prefix(request.model, request.version, request.incident);
  result.retain_until = lock_date(t0, store.retention);
  Copier copier(store, request, result);
  try {
    std::filesystem::create_directories(request.scratch);
    require_object_lock(*store.client, store.bucket);
    copier.copy_artifacts();
    copier.put_text(result.prefix + "release_manifest.json", request.release_manifest().dump(2) + "\n",
                    "registry:" + request.model + "/" + request.version, "application/json");
    copier.put_text(result.prefix + "evidence/journal.jsonl", request.evidence_log(), "journal:" + request.incident,
                    "application/x-ndjson");
    // The manifest last, once everything it lists was read back: a locked
    // manifest must never list what is not there.
    copier.verify();
    std::string manifest = manifest_document(request, result, store, t0).dump(2) + "\n";
    result.manifest_sha256 = s3::sha256_hex(manifest);
    copier.put_text(result.prefix + k_manifest_name, manifest, "generated", "application/json");
    result.manifest_version_id = result.objects.back().version_id;
    copier.verify(result.objects.back());
    result.ok = true;
  } catch (const Error& error) {
    result.error = error.what();
  } catch (const std::filesystem::filesystem_error& error) {
    result.error = fmt::format("scratch directory {}: {}", request.scratch.string(), error.what());
  }
  return result;
}

Step forensic_step(const ForensicStore& store, ForensicRequest request)
{
  std::string prefix = forensic_prefix(request.model, request.version, request.incident);
  bool configured = store.client != nullptr && !store.bucket.empty();
  Step step{"forensic",
            configured ? fmt::format("copy artifacts, release manifest and evidence to s3://{}/{} under {} Object Lock",
                                     store.bucket, prefix, s3::to_string(store.mode))
                       : "forensic copy: S3 or s3.forensic_bucket is not configured (will fail)"};
  step.intent = json{{"bucket", store.bucket}, {"prefix", prefix}, {"source", request.source}};
  step.run = [&store, request, configured](const StepContext& context) {
    if (!configured) {
      return StepResult{Outcome::failed,
                        "no forensic store: set s3.forensic_bucket (a bucket with Object Lock) and s3.endpoint or AWS "
                        "credentials",
                        json::object()};
    }
    auto result = copy_forensic(store, request, context.t0);
    auto evidence = result.to_json();
    evidence["bucket"] = store.bucket;
    if (!result.ok) {
      return StepResult{
          Outcome::failed,
          fmt::format("forensic copy incomplete ({} object(s) written): {}", result.objects.size(), result.error),
          evidence};
    }
    return StepResult{Outcome::ok,
                      fmt::format("{} object(s) copied to s3://{}/{}, locked until {}, read back and verified",
                                  result.objects.size(), store.bucket, result.prefix,
                                  format_rfc3339_seconds(result.retain_until)),
                      evidence};
  };
  return step;
}

} // namespace credguard::incident
