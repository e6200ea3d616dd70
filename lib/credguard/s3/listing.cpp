// ListObjectsV2 and ListObjectVersions.
#include <credguard/core/error.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/s3/call.hpp>
#include <credguard/s3/client.hpp>
#include <credguard/s3/xml.hpp>

#include <fmt/format.h>

namespace credguard::s3 {

namespace {

// Keys come URL-encoded when encoding-type=url was asked (and the server
// says so): XML 1.0 cannot carry every byte a key may hold.
std::string decoded(const XmlElement& root, std::optional<std::string> value)
{
  if (!value) {
    return {};
  }
  return root.child_text("EncodingType").value_or("") == "url" ? url_decode(*value) : *value;
}

std::uint64_t size_of(const XmlElement& element)
{
  return static_cast<std::uint64_t>(parse_int(element.child_text("Size").value_or("0")).value_or(0));
}

} // namespace

ListPage Client::list_objects(const std::string& bucket, const ListOptions& options)
{
  return list_page(bucket, options);
}

ListPage Client::list_page(const std::string& bucket, const ListOptions& options)
{
  Call call("ListObjectsV2", "GET", bucket);
  call.query = {{"list-type", "2"}, {"encoding-type", "url"}};
  if (!options.prefix.empty()) {
    call.query.push_back({"prefix", options.prefix});
  }
  if (!options.delimiter.empty()) {
    call.query.push_back({"delimiter", options.delimiter});
  }
  if (options.max_keys > 0) {
    call.query.push_back({"max-keys", std::to_string(options.max_keys)});
  }
  if (!options.continuation_token.empty()) {
    call.query.push_back({"continuation-token", options.continuation_token});
  }
  if (!options.start_after.empty()) {
    call.query.push_back({"start-after", options.start_after});
  }
  XmlElement root = parse_xml(execute(call).body, "ListObjectsV2 answer");
  ListPage page;
  for (const XmlElement* item : root.children_named("Contents")) {
    ObjectSummary summary;
    summary.key = decoded(root, item->child_text("Key"));
    summary.size = size_of(*item);
    summary.etag = unquote_etag(item->child_text("ETag").value_or(""));
    summary.last_modified = parse_s3_time(item->child_text("LastModified").value_or(""));
    summary.storage_class = item->child_text("StorageClass").value_or("");
    page.objects.push_back(std::move(summary));
  }
  for (const XmlElement* prefix : root.children_named("CommonPrefixes")) {
    page.common_prefixes.push_back(decoded(root, prefix->child_text("Prefix")));
  }
  page.truncated = root.child_text("IsTruncated").value_or("false") == "true";
  page.next_continuation_token = root.child_text("NextContinuationToken").value_or("");
  if (page.truncated && page.next_continuation_token.empty()) {
    throw make_client_error(target(call), ErrorKind::data, "a truncated listing without NextContinuationToken");
  }
  return page;
}

std::vector<ObjectSummary> Client::list_all_objects(const std::string& bucket, const std::string& prefix)
{
  std::vector<ObjectSummary> all;
  ListOptions options;
  options.prefix = prefix;
  for (;;) {
    ListPage page = list_page(bucket, options);
    std::move(page.objects.begin(), page.objects.end(), std::back_inserter(all));
    if (!page.truncated) {
      return all;
    }
    options.continuation_token = page.next_continuation_token;
  }
}

std::vector<ObjectVersion> Client::list_object_versions(const std::string& bucket, const std::string& prefix)
{
  std::vector<ObjectVersion> versions;
  std::string key_marker;
  std::string version_marker;
  for (;;) {
    Call call("ListObjectVersions", "GET", bucket);
    call.query = {{"versions", ""}, {"encoding-type", "url"}};
    if (!prefix.empty()) {
      call.query.push_back({"prefix", prefix});
    }
    if (!key_marker.empty()) {
      call.query.push_back({"key-marker", key_marker});
      if (!version_marker.empty()) {
        call.query.push_back({"version-id-marker", version_marker});
      }
    }
    XmlElement root = parse_xml(execute(call).body, "ListObjectVersions answer");
    for (const XmlElement& item : root.children) {
      if (item.name != "Version" && item.name != "DeleteMarker") {
        continue;
      }
      ObjectVersion version;
      version.key = decoded(root, item.child_text("Key"));
      version.version_id = item.child_text("VersionId").value_or("");
      version.is_latest = item.child_text("IsLatest").value_or("false") == "true";
      version.delete_marker = item.name == "DeleteMarker";
      version.size = size_of(item);
      version.etag = unquote_etag(item.child_text("ETag").value_or(""));
      version.last_modified = parse_s3_time(item.child_text("LastModified").value_or(""));
      versions.push_back(std::move(version));
    }
    if (root.child_text("IsTruncated").value_or("false") != "true") {
      return versions;
    }
    key_marker = decoded(root, root.child_text("NextKeyMarker"));
    version_marker = root.child_text("NextVersionIdMarker").value_or("");
    if (key_marker.empty()) {
      throw make_client_error(target(call), ErrorKind::data, "a truncated listing without NextKeyMarker");
    }
  }
}

} // namespace credguard::s3
