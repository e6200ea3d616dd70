// CopyObject and multipart copy (UploadPartCopy).
#include <credguard/core/error.hpp>
#include <credguard/s3/call.hpp>
#include <credguard/s3/client.hpp>
#include <credguard/s3/xml.hpp>

#include <fmt/format.h>

namespace credguard::s3 {

namespace {

std::string copy_source(const std::string& bucket, const std::string& key, const std::string& version_id)
{
  std::string source = "/" + bucket + "/" + uri_encode(key, true);
  if (!version_id.empty()) {
    source += "?versionId=" + uri_encode(version_id, false);
  }
  return source;
}

std::vector<http::Header> destination_headers(const CopyOptions& options, const ObjectInfo& source)
{
  PutOptions put;
  put.content_type = source.content_type;
  put.metadata = options.metadata.value_or(source.metadata);
  put.tags = options.tags;
  put.retention = options.retention;
  put.legal_hold = options.legal_hold;
  put.store_sha256 = false; // carried in the metadata, when the source has it
  return write_headers(put, {});
}

} // namespace

CopyResult Client::copy_object(const std::string& source_bucket, const std::string& source_key,
                               const std::string& bucket, const std::string& key, const CopyOptions& options)
{
  std::optional<ObjectInfo> source = head_object(source_bucket, source_key, options.source_version_id);
  if (!source) {
    Call call("CopyObject (source)", "HEAD", source_bucket, source_key);
    throw make_client_error(target(call), ErrorKind::data,
                            options.source_version_id.empty()
                                ? "NoSuchKey: the source object does not exist"
                                : fmt::format("NoSuchVersion: no version {} of the source", options.source_version_id));
  }
  if (source->size > m_options.multipart_copy_threshold) {
    return copy_multipart(source_bucket, source_key, bucket, key, options, *source);
  }
  Call call("CopyObject", "PUT", bucket, key);
  call.error_in_200 = true;
  call.headers.push_back({"x-amz-copy-source", copy_source(source_bucket, source_key, options.source_version_id)});
  call.headers.push_back({"x-amz-copy-source-if-match", "\"" + source->etag + "\""});
  if (options.metadata) {
    call.headers.push_back({"x-amz-metadata-directive", "REPLACE"});
    for (auto& header : destination_headers(options, *source)) {
      if (header.name == "Content-Type" || header.name.starts_with("x-amz-meta-")) {
        call.headers.push_back(std::move(header));
      }
    }
  }
  if (!options.tags.empty()) {
    call.headers.push_back({"x-amz-tagging-directive", "REPLACE"});
    call.headers.push_back({"x-amz-tagging", tagging_header(options.tags)});
  }
  add_lock_headers(call.headers, options.retention, options.legal_hold);
  http::Response response = execute(call);
  XmlElement root = parse_xml(response.body, "CopyObject answer");
  CopyResult result{unquote_etag(root.child_text("ETag").value_or("")),
                    response.header("x-amz-version-id").value_or(""), source->size, 0};
  confirm_write("CopyObject", bucket, key, result.version_id, source->size, options.retention, options.legal_hold);
  return result;
}

CopyResult Client::copy_multipart(const std::string& source_bucket, const std::string& source_key,
                                  const std::string& bucket, const std::string& key, const CopyOptions& options,
                                  const ObjectInfo& source)
{
  std::uint64_t part_size = std::max(m_options.copy_part_size, (source.size + 9'999) / 10'000);
  std::size_t count = static_cast<std::size_t>((source.size + part_size - 1) / part_size);
  m_log.debug(fmt::format("s3: multipart copy of s3://{}/{} ({} bytes) to s3://{}/{} in {} parts", source_bucket,
                          source_key, source.size, bucket, key, count));
  std::string upload_id = create_multipart_upload(bucket, key, destination_headers(options, source));
  try {
    std::vector<std::string> etags(count);
    std::string from = copy_source(source_bucket, source_key, options.source_version_id);
    for (std::size_t first = 0; first < count; first += m_options.max_concurrency) {
      std::size_t last = std::min(count, first + m_options.max_concurrency);
      std::vector<Call> calls;
      std::vector<http::Request> requests;
      for (std::size_t i = first; i < last; ++i) {
        std::uint64_t begin = i * part_size;
        std::uint64_t end = std::min(source.size, begin + part_size) - 1;
        Call call(fmt::format("UploadPartCopy {} of {}", i + 1, count), "PUT", bucket, key);
        call.query = {{"partNumber", std::to_string(i + 1)}, {"uploadId", upload_id}};
        call.headers = {{"x-amz-copy-source", from},
                        {"x-amz-copy-source-range", fmt::format("bytes={}-{}", begin, end)},
                        {"x-amz-copy-source-if-match", "\"" + source.etag + "\""}};
        call.error_in_200 = true;
        requests.push_back(prepare(call));
        calls.push_back(std::move(call));
      }
      auto responses = m_transport.perform_all(requests, http::FanOutOptions{m_options.max_concurrency});
      for (std::size_t j = 0; j < responses.size(); ++j) {
        if (!responses[j].ok() || parse_error_body(responses[j].body)) {
          throw make_error(target(calls[j]), responses[j]);
        }
        XmlElement root = parse_xml(responses[j].body, "UploadPartCopy answer");
        etags[first + j] = unquote_etag(root.child_text("ETag").value_or(""));
        if (etags[first + j].empty()) {
          throw make_client_error(target(calls[j]), ErrorKind::data, "the answer has no ETag");
        }
      }
    }
    http::Response response = complete_multipart_upload(bucket, key, upload_id, etags);
    XmlElement root = parse_xml(response.body, "CompleteMultipartUpload answer");
    CopyResult result{unquote_etag(root.child_text("ETag").value_or("")),
                      response.header("x-amz-version-id").value_or(""), source.size, count};
    ObjectInfo written = confirm_write("CompleteMultipartUpload (copy)", bucket, key, result.version_id, source.size,
                                       options.retention, options.legal_hold);
    if (result.etag.empty()) {
      result.etag = written.etag;
    }
    return result;
  } catch (...) {
    abort_quietly(bucket, key, upload_id);
    throw;
  }
}

} // namespace credguard::s3
