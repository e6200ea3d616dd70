// PutObject and the multipart upload API.
#include <credguard/core/error.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/s3/call.hpp>
#include <credguard/s3/client.hpp>
#include <credguard/s3/digest.hpp>
#include <credguard/s3/xml.hpp>

#include <fmt/format.h>

namespace credguard::s3 {

namespace {

constexpr std::uint64_t k_max_parts = 10'000;

std::string md5_hex_of(const std::string& md5_base64_value)
{
  return to_hex(from_base64(md5_base64_value).value_or(""));
}

// S3 returns the MD5 as the ETag of a single PUT, unless the object is
// encrypted with KMS: then the ETag is opaque.
bool etag_is_md5(const http::Response& response)
{
  auto encryption = response.header("x-amz-server-side-encryption");
  return !encryption || *encryption == "AES256";
}

} // namespace

PutResult Client::put_object(const std::string& bucket, const std::string& key, std::string_view body,
                             const PutOptions& options)
{
  std::string sha256 = sha256_hex(body);
  Call call("PutObject", "PUT", bucket, key);
  call.headers = write_headers(options, sha256);
  call.body = std::string(body);
  http::Response response = execute(call);
  PutResult result{bucket,
                   key,
                   unquote_etag(response.header("ETag").value_or("")),
                   response.header("x-amz-version-id").value_or(""),
                   body.size(),
                   sha256,
                   0};
  std::string md5 = md5_hex_of(md5_base64(body));
  if (etag_is_md5(response) && !result.etag.empty() && result.etag != md5) {
    throw make_client_error(target(call), ErrorKind::data,
                            fmt::format("the ETag {} does not match the body's MD5 {}", result.etag, md5));
  }
  return result;
}

PutResult Client::put_file(const std::string& bucket, const std::string& key, const std::filesystem::path& file,
                           const PutOptions& options)
{
  std::error_code ec;
  std::uint64_t size = std::filesystem::file_size(file, ec);
  if (ec) {
    throw Error(ErrorKind::io, fmt::format("cannot read {}: {}", file.string(), ec.message()));
  }
  if (size > m_options.multipart_threshold) {
    return put_multipart(bucket, key, file, size, options);
  }
  FileDigests digests = digest_file(file, 0, size);
  Call call("PutObject", "PUT", bucket, key);
  call.headers = write_headers(options, digests.sha256_hex);
  call.body_file = http::Request::FileRange{file, 0, size};
  call.body_file_sha256 = digests.sha256_hex;
  call.body_file_md5 = digests.md5_base64;
  m_log.debug(fmt::format("s3: PutObject s3://{}/{} from {} ({} bytes)", bucket, key, file.string(), size));
  http::Response response = execute(call);
  PutResult result{bucket,
                   key,
                   unquote_etag(response.header("ETag").value_or("")),
                   response.header("x-amz-version-id").value_or(""),
                   size,
                   digests.sha256_hex,
                   0};
  std::string md5 = md5_hex_of(digests.md5_base64);
  if (etag_is_md5(response) && !result.etag.empty() && result.etag != md5) {
    throw make_client_error(target(call), ErrorKind::data,
                            fmt::format("the ETag {} does not match the file's MD5 {}", result.etag, md5));
  }
  return result;
}

std::string Client::create_multipart_upload(const std::string& bucket, const std::string& key,
                                            const std::vector<http::Header>& headers)
{
  Call call("CreateMultipartUpload", "POST", bucket, key);
  call.query.push_back({"uploads", ""});
  call.headers = headers;
  http::Response response = execute(call);
  XmlElement root = parse_xml(response.body, "CreateMultipartUpload answer");
  auto upload_id = root.child_text("UploadId");
  if (!upload_id || upload_id->empty()) {
    throw make_client_error(target(call), ErrorKind::data, "the answer has no UploadId");
  }
  return *upload_id;
}

http::Response Client::complete_multipart_upload(const std::string& bucket, const std::string& key,
                                                 const std::string& upload_id, const std::vector<std::string>& etags)
{
  Call call("CompleteMultipartUpload", "POST", bucket, key);
  call.query.push_back({"uploadId", upload_id});
  call.headers.push_back({"Content-Type", "application/xml"});
  call.error_in_200 = true;
  call.body = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";
  for (std::size_t i = 0; i < etags.size(); ++i) {
    call.body +=
        fmt::format("<Part><PartNumber>{}</PartNumber><ETag>\"{}\"</ETag></Part>", i + 1, xml_escape(etags[i]));
  }
  call.body += "</CompleteMultipartUpload>";
  return execute(call);
}

void Client::abort_quietly(const std::string& bucket, const std::string& key, const std::string& upload_id)
{
  try {
    abort_multipart_upload(bucket, key, upload_id);
  } catch (const Error& error) {
    m_log.warn(fmt::format("{} (upload {} left for the bucket's lifecycle rules)", error.what(), upload_id));
  }
}

void Client::abort_multipart_upload(const std::string& bucket, const std::string& key, const std::string& upload_id)
{
  Call call("AbortMultipartUpload", "DELETE", bucket, key);
  call.query.push_back({"uploadId", upload_id});
  http::Response response = send(call);
  if (!response.ok() && !(response.transport_ok() && response.status == 404)) {
    throw make_error(target(call), response);
  }
}

PutResult Client::put_multipart(const std::string& bucket, const std::string& key, const std::filesystem::path& file,
                                std::uint64_t size, const PutOptions& options)
{
  std::uint64_t part_size = std::max(m_options.part_size, (size + k_max_parts - 1) / k_max_parts);
  std::size_t count = static_cast<std::size_t>((size + part_size - 1) / part_size);
  // First pass: the digests of each part and of the whole file. Only these
  // are kept; the parts themselves are streamed from the file when sent.
  Digest whole(Digest::Algorithm::sha256);
  std::vector<FileDigests> parts;
  parts.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    std::uint64_t offset = i * part_size;
    parts.push_back(digest_file(file, offset, std::min(part_size, size - offset), &whole));
  }
  std::string sha256 = to_hex(whole.finish());
  m_log.debug(fmt::format("s3: multipart upload of {} ({} bytes) to s3://{}/{} in {} parts", file.string(), size,
                          bucket, key, count));

  std::string upload_id = create_multipart_upload(bucket, key, write_headers(options, sha256));
  try {
    std::vector<std::string> etags(count);
    for (std::size_t first = 0; first < count; first += m_options.max_concurrency) {
      std::size_t last = std::min(count, first + m_options.max_concurrency);
      std::vector<Call> calls;
      std::vector<http::Request> requests;
      for (std::size_t i = first; i < last; ++i) {
        Call call(fmt::format("UploadPart {} of {}", i + 1, count), "PUT", bucket, key);
        call.query = {{"partNumber", std::to_string(i + 1)}, {"uploadId", upload_id}};
        call.body_file = http::Request::FileRange{file, i * part_size, parts[i].size};
        call.body_file_sha256 = parts[i].sha256_hex;
        call.body_file_md5 = parts[i].md5_base64;
        requests.push_back(prepare(call));
        calls.push_back(std::move(call));
      }
      auto responses = m_transport.perform_all(requests, http::FanOutOptions{m_options.max_concurrency});
      for (std::size_t j = 0; j < responses.size(); ++j) {
        if (!responses[j].ok()) {
          throw make_error(target(calls[j]), responses[j]);
        }
        std::string etag = unquote_etag(responses[j].header("ETag").value_or(""));
        std::string md5 = md5_hex_of(parts[first + j].md5_base64);
        if (etag_is_md5(responses[j]) && etag != md5) {
          throw make_client_error(target(calls[j]), ErrorKind::data,
                                  fmt::format("the part's ETag {} does not match its MD5 {}", etag, md5));
        }
        etags[first + j] = etag;
      }
    }
    http::Response response = complete_multipart_upload(bucket, key, upload_id, etags);
    XmlElement root = parse_xml(response.body, "CompleteMultipartUpload answer");
    PutResult result{bucket,
                     key,
                     unquote_etag(root.child_text("ETag").value_or("")),
                     response.header("x-amz-version-id").value_or(""),
                     size,
                     sha256,
                     count};
    ObjectInfo written = confirm_write("CompleteMultipartUpload", bucket, key, result.version_id, size,
                                       options.retention, options.legal_hold);
    if (result.etag.empty()) {
      result.etag = written.etag; // radosgw 16 answers an empty <ETag>
    }
    return result;
  } catch (...) {
    abort_quietly(bucket, key, upload_id);
    throw;
  }
}

std::vector<MultipartUpload> Client::list_multipart_uploads(const std::string& bucket, const std::string& prefix)
{
  std::vector<MultipartUpload> uploads;
  std::string key_marker;
  std::string upload_marker;
  for (;;) {
    Call call("ListMultipartUploads", "GET", bucket);
    call.query = {{"uploads", ""}, {"prefix", prefix}};
    if (!key_marker.empty()) {
      call.query.push_back({"key-marker", key_marker});
      call.query.push_back({"upload-id-marker", upload_marker});
    }
    XmlElement root = parse_xml(execute(call).body, "ListMultipartUploads answer");
    for (const XmlElement* upload : root.children_named("Upload")) {
      uploads.push_back({upload->child_text("Key").value_or(""), upload->child_text("UploadId").value_or("")});
    }
    if (root.child_text("IsTruncated").value_or("false") != "true") {
      return uploads;
    }
    key_marker = root.child_text("NextKeyMarker").value_or("");
    upload_marker = root.child_text("NextUploadIdMarker").value_or("");
    if (key_marker.empty()) {
      return uploads;
    }
  }
}

} // namespace credguard::s3
