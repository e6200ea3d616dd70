#include <credguard/core/error.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/s3/call.hpp>
#include <credguard/s3/client.hpp>
#include <credguard/s3/digest.hpp>
#include <credguard/s3/xml.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <unistd.h>

namespace credguard::s3 {

namespace {

// Bucket names usable as a DNS label (virtual-host addressing).
bool dns_compatible(const std::string& bucket)
{
  if (bucket.size() < 3 || bucket.size() > 63) {
    return false;
  }
  for (char c : bucket) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) {
      return false;
    }
  }
  return bucket.front() != '-' && bucket.back() != '-' && bucket.find("..") == std::string::npos;
}

void check_names(const Call& call, const std::string& endpoint)
{
  if (!call.bucket.empty() &&
      (call.bucket.size() < 3 || call.bucket.size() > 255 || call.bucket.find('/') != std::string::npos)) {
    throw make_client_error(Target{call.action, call.bucket, call.key, endpoint}, ErrorKind::usage,
                            "invalid bucket name: 3 to 63 characters, no '/'");
  }
  if (call.key.size() > 1024) {
    throw make_client_error(Target{call.action, call.bucket, call.key.substr(0, 64) + "...", endpoint},
                            ErrorKind::usage, "object key longer than 1024 bytes");
  }
}

// Keeps the head of an error body that a download wrote into its file.
std::string read_error_file(const std::filesystem::path& path)
{
  std::ifstream in(path, std::ios::binary);
  std::string text(64 * 1024, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

bool is_token_error(const http::Response& response)
{
  if (response.status != 400 && response.status != 403) {
    return false;
  }
  auto body = parse_error_body(response.body);
  return body && (body->code == "ExpiredToken" || body->code == "TokenRefreshRequired");
}

} // namespace

std::optional<Addressing> parse_addressing(std::string_view text)
{
  if (text == "auto" || text.empty()) {
    return Addressing::automatic;
  }
  if (text == "path") {
    return Addressing::path;
  }
  if (text == "virtual") {
    return Addressing::virtual_host;
  }
  return std::nullopt;
}

Client::Client(ClientOptions options, std::shared_ptr<CredentialProvider> credentials, http::Transport& transport,
               const Clock& clock, Log& log)
  : m_options(std::move(options))
  , m_credentials(std::move(credentials))
  , m_transport(transport)
  , m_clock(clock)
  , m_log(log)
{
  if (!m_credentials) {
    throw Error(ErrorKind::internal, "s3::Client needs a credential provider");
  }
  if (m_options.region.empty()) {
    m_options.region = "us-east-1";
  }
  std::string endpoint = m_options.endpoint;
  if (endpoint.empty()) {
    endpoint = fmt::format("https://s3.{}.amazonaws.com", m_options.region);
  }
  while (endpoint.ends_with('/')) {
    endpoint.pop_back();
  }
  auto scheme_end = endpoint.find("://");
  if (scheme_end == std::string::npos) {
    throw Error(ErrorKind::config, fmt::format("s3.endpoint '{}' is not a URL: write http(s)://host[:port]", endpoint));
  }
  m_scheme = to_lower(endpoint.substr(0, scheme_end));
  m_host = endpoint.substr(scheme_end + 3);
  if ((m_scheme != "http" && m_scheme != "https") || m_host.empty() ||
      m_host.find_first_of("/?#@") != std::string::npos) {
    throw Error(ErrorKind::config,
                fmt::format("s3.endpoint '{}' must be http(s)://host[:port] with no path", redact_url(endpoint)));
  }
  if ((m_scheme == "http" && m_host.ends_with(":80")) || (m_scheme == "https" && m_host.ends_with(":443"))) {
    m_host.erase(m_host.rfind(':'));
  }
  m_endpoint = m_scheme + "://" + m_host;
  std::string bare_host = m_host.substr(
      0, m_host.rfind(':') == std::string::npos || m_host.ends_with(']') ? m_host.size() : m_host.rfind(':'));
  m_aws = bare_host.ends_with(".amazonaws.com");
  if (m_options.part_size < 1) {
    m_options.part_size = 16ULL << 20;
  }
  if (m_options.copy_part_size < 1) {
    m_options.copy_part_size = 512ULL << 20;
  }
  m_options.max_concurrency = std::max<std::size_t>(1, m_options.max_concurrency);
}

Target Client::target(const Call& call) const
{
  return Target{call.action, call.bucket, call.key, m_endpoint};
}

http::Request Client::prepare(const Call& call)
{
  check_names(call, m_endpoint);
  bool virtual_host = false;
  if (!call.bucket.empty()) {
    switch (m_options.addressing) {
    case Addressing::path: virtual_host = false; break;
    case Addressing::virtual_host: virtual_host = true; break;
    case Addressing::automatic:
      virtual_host =
          m_aws && dns_compatible(call.bucket) && !(m_scheme == "https" && call.bucket.find('.') != std::string::npos);
      break;
    }
  }
  std::string host = virtual_host ? call.bucket + "." + m_host : m_host;
  std::string path = "/";
  if (!call.bucket.empty() && !virtual_host) {
    path += call.bucket;
    if (!call.key.empty()) {
      path += "/";
    }
  }
  path += call.key;

  SigningInput input;
  input.method = call.method;
  input.path = path;
  input.query = call.query;
  input.headers = call.headers;
  input.payload_sha256 = call.body_file ? call.body_file_sha256 : sha256_hex(call.body);
  input.headers.push_back({"Host", host});
  input.headers.push_back({"x-amz-date", amz_date(m_clock.now())});
  input.headers.push_back({"x-amz-content-sha256", input.payload_sha256});
  if (call.body_file) {
    input.headers.push_back({"Content-MD5", call.body_file_md5});
  } else if (!call.body.empty()) {
    input.headers.push_back({"Content-MD5", md5_base64(call.body)});
  }
  Credentials credentials = m_credentials->credentials();
  if (!credentials.session_token.empty()) {
    input.headers.push_back({"x-amz-security-token", credentials.session_token.reveal()});
  }
  Signature signature =
      sign_v4(input, credentials.access_key_id, credentials.secret_access_key, SigningScope{m_options.region, "s3"});

  http::Request request;
  request.method = call.method;
  std::string query = canonical_query(call.query);
  request.url = m_scheme + "://" + host + uri_encode(path, true) + (query.empty() ? "" : "?" + query);
  request.path_as_is = true;
  request.headers = std::move(input.headers);
  request.headers.push_back({"Authorization", signature.authorization});
  request.body = call.body;
  request.body_file = call.body_file;
  request.response_file = call.response_file;
  bool moves_data = call.body_file || call.response_file ||
                    std::any_of(call.headers.begin(), call.headers.end(),
                                [](const http::Header& header) { return header.name == "x-amz-copy-source"; });
  if (moves_data) {
    request.timeout = m_options.transfer_timeout;
  }
  return request;
}

http::Response Client::send(const Call& call)
{
  http::Response response;
  for (int attempt = 1; attempt <= 2; ++attempt) {
    response = m_transport.perform(prepare(call));
    if (call.response_file && response.transport_ok() && !response.ok()) {
      response.body = read_error_file(*call.response_file);
      std::error_code ec;
      std::filesystem::remove(*call.response_file, ec);
    }
    if (attempt == 1 && is_token_error(response)) {
      m_log.debug("s3: the session token expired; fetching new credentials");
      m_credentials->invalidate();
      continue;
    }
    break;
  }
  return response;
}

http::Response Client::execute(const Call& call)
{
  http::Response response = send(call);
  if (!response.ok()) {
    throw make_error(target(call), response);
  }
  if (call.error_in_200 && parse_error_body(response.body)) {
    throw make_error(target(call), response);
  }
  return response;
}

void Client::create_bucket(const std::string& bucket, const CreateBucketOptions& options)
{
  Call call("CreateBucket", "PUT", bucket);
  if (options.object_lock) {
    call.headers.push_back({"x-amz-bucket-object-lock-enabled", "true"});
  }
  std::string constraint =
      options.location_constraint.value_or(m_aws && m_options.region != "us-east-1" ? m_options.region : std::string());
  if (!constraint.empty()) {
    call.headers.push_back({"Content-Type", "application/xml"});
    call.body = fmt::format("<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                            "<LocationConstraint>{}</LocationConstraint></CreateBucketConfiguration>",
                            xml_escape(constraint));
  }
  http::Response response = send(call);
  if (response.ok()) {
    m_log.debug(fmt::format("s3: created bucket {}{}", bucket, options.object_lock ? " with Object Lock" : ""));
    return;
  }
  auto body = parse_error_body(response.body);
  if (body && body->code == "BucketAlreadyOwnedByYou") {
    return;
  }
  throw make_error(target(call), response);
}

bool Client::bucket_exists(const std::string& bucket)
{
  Call call("HeadBucket", "HEAD", bucket);
  http::Response response = send(call);
  if (response.ok()) {
    return true;
  }
  if (response.transport_ok() && response.status == 404) {
    return false;
  }
  throw make_error(target(call), response);
}

std::optional<ObjectInfo> Client::head_object(const std::string& bucket, const std::string& key,
                                              const std::string& version_id)
{
  Call call("HeadObject", "HEAD", bucket, key);
  if (!version_id.empty()) {
    call.query.push_back({"versionId", version_id});
  }
  http::Response response = send(call);
  if (response.transport_ok() && response.status == 404) {
    return std::nullopt;
  }
  if (!response.ok()) {
    throw make_error(target(call), response);
  }
  return object_info_from_headers(bucket, key, response.headers);
}

std::string Client::get_object(const std::string& bucket, const std::string& key, const std::string& version_id)
{
  Call call("GetObject", "GET", bucket, key);
  if (!version_id.empty()) {
    call.query.push_back({"versionId", version_id});
  }
  return execute(call).body;
}

GetResult Client::get_object_to_file(const std::string& bucket, const std::string& key,
                                     const std::filesystem::path& file, const std::string& version_id)
{
  Call call("GetObject", "GET", bucket, key);
  if (!version_id.empty()) {
    call.query.push_back({"versionId", version_id});
  }
  std::filesystem::path directory = file.parent_path().empty() ? std::filesystem::path(".") : file.parent_path();
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  std::string pattern = (directory / ("." + file.filename().string() + ".download-XXXXXX")).string();
  int fd = mkstemp(pattern.data());
  if (fd < 0) {
    throw Error(ErrorKind::io, fmt::format("cannot create a temporary file in {}", directory.string()));
  }
  close(fd);
  std::filesystem::path temporary = pattern;
  struct Remove {
    std::filesystem::path path;
    bool keep = false;
    ~Remove()
    {
      std::error_code ignored;
      if (!keep) {
        std::filesystem::remove(path, ignored);
      }
    }
  } cleanup{temporary};
  call.response_file = temporary;

  http::Response response = execute(call);
  GetResult result;
  result.info = object_info_from_headers(bucket, key, response.headers);
  FileDigests digests = digest_file(temporary);
  result.sha256 = digests.sha256_hex;
  if (response.header("Content-Length") && digests.size != result.info.size) {
    throw make_client_error(target(call), ErrorKind::unavailable,
                            fmt::format("received {} bytes of {}", digests.size, result.info.size),
                            "the transfer was cut short; run again");
  }
  result.info.size = digests.size;
  auto recorded = result.info.metadata.find("sha256");
  if (recorded != result.info.metadata.end() && recorded->second != digests.sha256_hex) {
    throw make_client_error(target(call), ErrorKind::data,
                            fmt::format("content SHA-256 {} does not match the recorded x-amz-meta-sha256 {}",
                                        digests.sha256_hex, recorded->second),
                            "the stored object is not what was uploaded");
  }
  std::filesystem::rename(temporary, file, ec);
  if (ec) {
    throw Error(ErrorKind::io,
                fmt::format("cannot rename {} to {}: {}", temporary.string(), file.string(), ec.message()));
  }
  cleanup.keep = true;
  return result;
}

ObjectInfo Client::confirm_write(const std::string& action, const std::string& bucket, const std::string& key,
                                 const std::string& version_id, std::uint64_t size,
                                 const std::optional<Retention>& retention, bool legal_hold)
{
  Call call(action, "HEAD", bucket, key);
  std::optional<ObjectInfo> written = head_object(bucket, key, version_id);
  if (!written) {
    throw make_client_error(target(call), ErrorKind::unavailable,
                            fmt::format("the object is missing after the server acknowledged it{}",
                                        version_id.empty() ? "" : " (version " + version_id + ")"),
                            "run again");
  }
  if (written->size != size) {
    throw make_client_error(target(call), ErrorKind::data,
                            fmt::format("the object has {} bytes after writing {}", written->size, size));
  }
  if (retention && (!written->retention || written->retention->mode != retention->mode ||
                    written->retention->retain_until < retention->retain_until)) {
    m_log.debug(fmt::format("s3: {} s3://{}/{}: setting the retention on the version", action, bucket, key));
    // The object is complete and stored: if the lock cannot be set (a bucket
    // without Object Lock answers 400 InvalidRequest) or does not read back,
    // say exactly which version is left unlocked.
    auto unlocked = [&](const std::string& why, const std::string& code, long status) {
      return S3Error(ErrorKind::data,
                     fmt::format("s3://{}/{} version {} was written but is NOT under {} retention: {}", bucket, key,
                                 written->version_id.empty() ? "(unversioned)" : written->version_id,
                                 to_string(retention->mode), why),
                     "lock or delete that version by hand; the bucket needs Object Lock", code, status);
    };
    try {
      put_object_retention(bucket, key, *retention, written->version_id);
      written->retention = get_object_retention(bucket, key, written->version_id);
    } catch (const S3Error& error) {
      throw unlocked(error.what(), error.code(), error.status());
    }
    if (!retention_covers(written->retention, *retention)) {
      throw unlocked("the retention read back is not the one set", "", 0);
    }
  }
  if (legal_hold && !written->legal_hold) {
    put_object_legal_hold(bucket, key, true, written->version_id);
    written->legal_hold = true;
  }
  return *written;
}

DeleteResult Client::delete_object(const std::string& bucket, const std::string& key, const std::string& version_id,
                                   bool bypass_governance)
{
  Call call("DeleteObject", "DELETE", bucket, key);
  if (!version_id.empty()) {
    call.query.push_back({"versionId", version_id});
  }
  if (bypass_governance) {
    call.headers.push_back({"x-amz-bypass-governance-retention", "true"});
  }
  http::Response response = execute(call);
  DeleteResult result;
  result.delete_marker = iequals(response.header("x-amz-delete-marker").value_or(""), "true");
  result.version_id = response.header("x-amz-version-id").value_or(version_id);
  return result;
}

} // namespace credguard::s3
