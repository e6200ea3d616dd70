#include <credguard/core/strings.hpp>
#include <credguard/core/time_format.hpp>
#include <credguard/s3/call.hpp>

#include <ctime>

namespace credguard::s3 {

namespace {

constexpr std::string_view k_meta_prefix = "x-amz-meta-";

int hex_value(char c)
{
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

} // namespace

void add_lock_headers(std::vector<http::Header>& headers, const std::optional<Retention>& retention, bool legal_hold)
{
  if (retention) {
    headers.push_back({"x-amz-object-lock-mode", std::string(to_string(retention->mode))});
    headers.push_back({"x-amz-object-lock-retain-until-date", format_s3_time(retention->retain_until)});
  }
  if (legal_hold) {
    headers.push_back({"x-amz-object-lock-legal-hold", "ON"});
  }
}

std::string tagging_header(const std::vector<Tag>& tags)
{
  std::string out;
  for (const auto& tag : tags) {
    if (!out.empty()) {
      out += '&';
    }
    out += uri_encode(tag.key, false) + "=" + uri_encode(tag.value, false);
  }
  return out;
}

std::vector<http::Header> write_headers(const PutOptions& options, const std::string& sha256)
{
  std::vector<http::Header> headers;
  headers.push_back({"Content-Type", options.content_type.empty() ? "application/octet-stream" : options.content_type});
  for (const auto& [name, value] : options.metadata) {
    headers.push_back({std::string(k_meta_prefix) + to_lower(name), value});
  }
  if (options.store_sha256 && !sha256.empty() && !options.metadata.contains("sha256")) {
    headers.push_back({"x-amz-meta-sha256", sha256});
  }
  if (!options.tags.empty()) {
    headers.push_back({"x-amz-tagging", tagging_header(options.tags)});
  }
  add_lock_headers(headers, options.retention, options.legal_hold);
  return headers;
}

ObjectInfo object_info_from_headers(const std::string& bucket, const std::string& key,
                                    const std::vector<http::Header>& headers)
{
  ObjectInfo info;
  info.bucket = bucket;
  info.key = key;
  std::optional<LockMode> mode;
  std::optional<SystemTime> until;
  for (const auto& header : headers) {
    std::string name = to_lower(header.name);
    if (name == "content-length") {
      info.size = static_cast<std::uint64_t>(parse_int(header.value).value_or(0));
    } else if (name == "etag") {
      info.etag = unquote_etag(header.value);
    } else if (name == "x-amz-version-id") {
      info.version_id = header.value;
    } else if (name == "last-modified") {
      info.last_modified = parse_http_date(header.value);
    } else if (name == "content-type") {
      info.content_type = header.value;
    } else if (name.starts_with(k_meta_prefix)) {
      info.metadata[name.substr(k_meta_prefix.size())] = header.value;
    } else if (name == "x-amz-object-lock-mode") {
      mode = parse_lock_mode(header.value);
    } else if (name == "x-amz-object-lock-retain-until-date") {
      until = parse_s3_time(header.value);
    } else if (name == "x-amz-object-lock-legal-hold") {
      info.legal_hold = iequals(header.value, "ON");
    }
  }
  if (mode && until) {
    info.retention = Retention{*mode, *until};
  }
  return info;
}

std::string unquote_etag(std::string_view etag)
{
  etag = trim(etag);
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  return std::string(etag);
}

std::optional<SystemTime> parse_s3_time(std::string_view text)
{
  return parse_rfc3339(trim(text));
}

std::string format_s3_time(SystemTime time)
{
  return format_rfc3339(time);
}

std::optional<SystemTime> parse_http_date(std::string_view text)
{
  std::string value(trim(text));
  std::tm parts{};
  const char* end = strptime(value.c_str(), "%a, %d %b %Y %H:%M:%S", &parts);
  if (end == nullptr) {
    return std::nullopt;
  }
  return std::chrono::system_clock::from_time_t(timegm(&parts));
}

std::string url_decode(std::string_view text)
{
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

} // namespace credguard::s3
