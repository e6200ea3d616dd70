#pragma once

#include <credguard/core/clock.hpp>
#include <credguard/core/log.hpp>
#include <credguard/http/transport.hpp>
#include <credguard/s3/credentials.hpp>
#include <credguard/s3/error.hpp>
#include <credguard/s3/types.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace credguard::s3 {

// Path-style (https://host/bucket/key) or virtual-host
// (https://bucket.host/key) addressing. `automatic`: virtual-host on AWS
// for DNS-compatible bucket names, path-style on custom endpoints.
enum class Addressing { automatic, path, virtual_host };

// Parses "auto", "path" or "virtual"; nullopt otherwise.
std::optional<Addressing> parse_addressing(std::string_view text);

struct ClientOptions {
  std::string endpoint; // scheme://host[:port]; empty: https://s3.REGION.amazonaws.com
  std::string region = "us-east-1";
  Addressing addressing = Addressing::automatic;
  std::uint64_t part_size = 16ULL << 20;               // multipart upload parts (S3 minimum 5 MiB but the last)
  std::uint64_t multipart_threshold = 64ULL << 20;     // larger files are uploaded in parts
  std::uint64_t copy_part_size = 512ULL << 20;         // UploadPartCopy ranges
  std::uint64_t multipart_copy_threshold = 5ULL << 30; // S3's limit for one CopyObject
  std::size_t max_concurrency = 4;                     // parts in flight at once
  // Time allowed for one request that moves object data (an upload, a
  // download, a server-side copy), instead of the transport's timeout.
  Millis transfer_timeout = std::chrono::minutes(15);
};

struct Call;

// An S3 client: AWS Signature V4 over an http::Transport. Every method
// either returns what S3 confirmed or throws S3Error (a credguard::Error)
// naming the action, s3://bucket/key, the endpoint and S3's error code;
// nothing is reported as written that S3 did not acknowledge. Uploads
// send Content-MD5 and their payload SHA-256. Thread-safe if the transport
// and the credential provider are.
class Client {
public:
  // Throws Error(config) for a malformed endpoint. The transport, clock and
  // log must outlive the client.
  Client(ClientOptions options, std::shared_ptr<CredentialProvider> credentials, http::Transport& transport,
         const Clock& clock, Log& log);

  const ClientOptions& options() const { return m_options; }
  // scheme://host[:port] requests go to (before virtual-host addressing).
  const std::string& endpoint() const { return m_endpoint; }

  // --- buckets
  // Creates a bucket; with object_lock, versioning is on and Object Lock
  // can be used on its objects. Throws S3Error (BucketAlreadyExists... ->
  // conflict; an existing bucket of ours is not an error).
  void create_bucket(const std::string& bucket, const CreateBucketOptions& options = {});
  // True when the bucket exists and is reachable with these credentials.
  bool bucket_exists(const std::string& bucket);
  // The bucket's Object Lock configuration, or nullopt when it has none.
  std::optional<ObjectLockConfiguration> get_object_lock_configuration(const std::string& bucket);

  // --- objects
  // Writes `body` in one PUT.
  PutResult put_object(const std::string& bucket, const std::string& key, std::string_view body,
                       const PutOptions& options = {});
  // Uploads a file streamed from disk (memory stays bounded): one PUT up to
  // multipart_threshold, else a multipart upload of part_size parts, up to
  // max_concurrency at once, each with its Content-MD5 and SHA-256. A failed
  // multipart upload is aborted. A multipart object is locked (PutObjectRetention)
  // after CompleteMultipartUpload and its lock read back; when that fails the
  // S3Error names the version left unlocked. Throws Error(io) when the file
  // cannot be read.
  PutResult put_file(const std::string& bucket, const std::string& key, const std::filesystem::path& file,
                     const PutOptions& options = {});
  // Downloads to `file`, streamed, through a temporary file renamed into
  // place once complete: on failure `file` is untouched. Verifies the size
  // and, when the object records one (x-amz-meta-sha256), the SHA-256.
  GetResult get_object_to_file(const std::string& bucket, const std::string& key, const std::filesystem::path& file,
                               const std::string& version_id = {});
  // Reads a (small) object into memory.
  std::string get_object(const std::string& bucket, const std::string& key, const std::string& version_id = {});
  // The object's properties, or nullopt when it (or the bucket) does not exist.
  std::optional<ObjectInfo> head_object(const std::string& bucket, const std::string& key,
                                        const std::string& version_id = {});
  // Copies server-side; sources larger than multipart_copy_threshold are
  // copied in UploadPartCopy ranges (metadata carried over from the source).
  CopyResult copy_object(const std::string& source_bucket, const std::string& source_key, const std::string& bucket,
                         const std::string& key, const CopyOptions& options = {});
  // Deletes the current object (on a versioned bucket: adds a delete
  // marker) or, with `version_id`, that version for good. A version under
  // COMPLIANCE retention or legal hold cannot be deleted: S3Error
  // AccessDenied (403).
  DeleteResult delete_object(const std::string& bucket, const std::string& key, const std::string& version_id = {},
                             bool bypass_governance = false);

  // --- listing
  // One ListObjectsV2 page.
  ListPage list_objects(const std::string& bucket, const ListOptions& options = {});
  // Every object under `prefix`, following continuation tokens.
  std::vector<ObjectSummary> list_all_objects(const std::string& bucket, const std::string& prefix = {});
  // Every version and delete marker under `prefix`, newest first per key.
  std::vector<ObjectVersion> list_object_versions(const std::string& bucket, const std::string& prefix = {});
  // Multipart uploads under `prefix` that were neither completed nor aborted.
  std::vector<MultipartUpload> list_multipart_uploads(const std::string& bucket, const std::string& prefix = {});
  void abort_multipart_upload(const std::string& bucket, const std::string& key, const std::string& upload_id);

  // --- tags, retention, legal hold
  void put_object_tagging(const std::string& bucket, const std::string& key, const std::vector<Tag>& tags,
                          const std::string& version_id = {});
  std::vector<Tag> get_object_tagging(const std::string& bucket, const std::string& key,
                                      const std::string& version_id = {});
  // Sets or extends the retention; shortening COMPLIANCE is refused by S3.
  void put_object_retention(const std::string& bucket, const std::string& key, const Retention& retention,
                            const std::string& version_id = {}, bool bypass_governance = false);
  // The version's retention, or nullopt when it has none.
  std::optional<Retention> get_object_retention(const std::string& bucket, const std::string& key,
                                                const std::string& version_id = {});
  void put_object_legal_hold(const std::string& bucket, const std::string& key, bool on,
                             const std::string& version_id = {});
  // Whether the version is under legal hold (false when never set).
  bool get_object_legal_hold(const std::string& bucket, const std::string& key, const std::string& version_id = {});

private:
  friend struct ClientAccess;

  // Builds the URL, adds x-amz-date, x-amz-content-sha256, Content-MD5 and
  // the session token, and signs.
  http::Request prepare(const Call& call);
  // Sends, refreshing expired temporary credentials once.
  http::Response send(const Call& call);
  // Sends and throws S3Error unless 2xx (and, for 200-with-error actions,
  // unless the body is not an <Error>).
  http::Response execute(const Call& call);
  Target target(const Call& call) const;
  PutResult put_multipart(const std::string& bucket, const std::string& key, const std::filesystem::path& file,
                          std::uint64_t size, const PutOptions& options);
  CopyResult copy_multipart(const std::string& source_bucket, const std::string& source_key, const std::string& bucket,
                            const std::string& key, const CopyOptions& options, const ObjectInfo& source);
  std::string create_multipart_upload(const std::string& bucket, const std::string& key,
                                      const std::vector<http::Header>& headers);
  http::Response complete_multipart_upload(const std::string& bucket, const std::string& key,
                                           const std::string& upload_id, const std::vector<std::string>& etags);
  void abort_quietly(const std::string& bucket, const std::string& key, const std::string& upload_id);
  // Reads back a version just written by a multipart upload or a copy:
  // it must exist with `size` bytes, and carry the retention and legal
  // hold asked for; where the server dropped them (radosgw 16 ignores
  // Object Lock headers on CreateMultipartUpload and CopyObject) they are
  // set on the version explicitly and the retention read back. Throws
  // S3Error when the version is missing or has another size, or when it
  // cannot be locked (the message names the version left unlocked).
  ObjectInfo confirm_write(const std::string& action, const std::string& bucket, const std::string& key,
                           const std::string& version_id, std::uint64_t size, const std::optional<Retention>& retention,
                           bool legal_hold);
  ListPage list_page(const std::string& bucket, const ListOptions& options);

  ClientOptions m_options;
  std::shared_ptr<CredentialProvider> m_credentials;
  http::Transport& m_transport;
  const Clock& m_clock;
  Log& m_log;
  std::string m_endpoint; // scheme://host[:port]
  std::string m_scheme;
  std::string m_host; // host[:port] as in the Host header
  bool m_aws = false; // the endpoint is AWS's own
};

} // namespace credguard::s3
