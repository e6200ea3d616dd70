#include <credguard/core/error.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/s3/digest.hpp>
#include <credguard/s3/sigv4.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <map>

namespace credguard::s3 {

namespace {

bool is_unreserved(unsigned char c)
{
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

// Trims and collapses runs of spaces to one, as the canonical form wants.
std::string canonical_header_value(std::string_view value)
{
  std::string out;
  bool in_space = false;
  for (char c : trim(value)) {
    if (c == ' ' || c == '\t') {
      in_space = true;
      continue;
    }
    if (in_space) {
      out += ' ';
      in_space = false;
    }
    out += c;
  }
  return out;
}

} // namespace

std::string uri_encode(std::string_view text, bool keep_slash)
{
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char byte : text) {
    auto c = static_cast<unsigned char>(byte);
    if (is_unreserved(c) || (keep_slash && c == '/')) {
      out += byte;
    } else {
      out += '%';
      out += k_hex[c >> 4];
      out += k_hex[c & 0x0f];
    }
  }
  return out;
}

std::string canonical_query(const std::vector<QueryParam>& params)
{
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(params.size());
  for (const auto& param : params) {
    encoded.emplace_back(uri_encode(param.name, false), uri_encode(param.value, false));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) {
      out += '&';
    }
    out += name + "=" + value;
  }
  return out;
}

std::string amz_date(SystemTime time)
{
  std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  std::array<char, 20> buffer{};
  std::strftime(buffer.data(), buffer.size(), "%Y%m%dT%H%M%SZ", &utc);
  return std::string(buffer.data());
}

Signature sign_v4(const SigningInput& input, std::string_view access_key_id, const Secret& secret_access_key,
                  const SigningScope& scope)
{
  std::map<std::string, std::vector<std::string>> headers;
  for (const auto& header : input.headers) {
    headers[to_lower(trim(header.name))].push_back(canonical_header_value(header.value));
  }
  auto date_header = headers.find("x-amz-date");
  if (date_header == headers.end() || date_header->second.front().size() < 8) {
    throw Error(ErrorKind::internal, "SigV4: the request has no x-amz-date header");
  }
  if (!headers.contains("host")) {
    throw Error(ErrorKind::internal, "SigV4: the request has no host header");
  }
  const std::string& timestamp = date_header->second.front();
  std::string date = timestamp.substr(0, 8);

  Signature result;
  std::string canonical_headers;
  for (const auto& [name, values] : headers) {
    canonical_headers += name + ":" + join(values, ",") + "\n";
    result.signed_headers += (result.signed_headers.empty() ? "" : ";") + name;
  }
  std::string path = input.path.empty() ? "/" : input.path;
  result.canonical_request =
      fmt::format("{}\n{}\n{}\n{}\n{}\n{}", to_upper(input.method), uri_encode(path, true),
                  canonical_query(input.query), canonical_headers, result.signed_headers, input.payload_sha256);
  std::string credential_scope = fmt::format("{}/{}/{}/aws4_request", date, scope.region, scope.service);
  result.string_to_sign =
      fmt::format("AWS4-HMAC-SHA256\n{}\n{}\n{}", timestamp, credential_scope, sha256_hex(result.canonical_request));

  std::string key = hmac_sha256("AWS4" + secret_access_key.reveal(), date);
  key = hmac_sha256(key, scope.region);
  key = hmac_sha256(key, scope.service);
  key = hmac_sha256(key, "aws4_request");
  result.signature = to_hex(hmac_sha256(key, result.string_to_sign));
  result.authorization = fmt::format("AWS4-HMAC-SHA256 Credential={}/{}, SignedHeaders={}, Signature={}", access_key_id,
                                     credential_scope, result.signed_headers, result.signature);
  return result;
}

} // namespace credguard::s3
