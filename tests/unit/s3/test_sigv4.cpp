#include "support/temp_dir.hpp"

#include <credguard/core/error.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/s3/digest.hpp>
#include <credguard/s3/sigv4.hpp>

#include <catch2/catch.hpp>

#include <filesystem>

using namespace credguard;
using namespace credguard::s3;

namespace {

const std::filesystem::path k_vectors = std::filesystem::path(CREDGUARD_SOURCE_DIR) / "tests/fixtures/sigv4";

std::string read_if_exists(const std::filesystem::path& path)
{
  return std::filesystem::exists(path) ? test::slurp(path) : std::string();
}

// Parses a test-suite .req file: request line, headers, blank line, body.
// Query strings in the suite are not percent-encoded: they are the decoded
// parameters.
SigningInput parse_request(const std::string& text)
{
  SigningInput input;
  auto blank = text.find("\n\n");
  std::string head = text.substr(0, blank);
  std::string body = blank == std::string::npos ? "" : text.substr(blank + 2);
  auto lines = split(head, '\n');
  auto first = split(lines.at(0), ' ');
  input.method = first.at(0);
  std::string uri = lines.at(0).substr(first[0].size() + 1, lines[0].rfind(' ') - first[0].size() - 1);
  auto question = uri.find('?');
  input.path = uri.substr(0, question);
  if (question != std::string::npos) {
    for (const auto& pair : split(uri.substr(question + 1), '&')) {
      auto eq = pair.find('=');
      input.query.push_back({pair.substr(0, eq), eq == std::string::npos ? "" : pair.substr(eq + 1)});
    }
  }
  for (std::size_t i = 1; i < lines.size(); ++i) {
    auto colon = lines[i].find(':');
    input.headers.push_back({lines[i].substr(0, colon), lines[i].substr(colon + 1)});
  }
  input.payload_sha256 = sha256_hex(body);
  return input;
}

struct Suite {
  std::filesystem::path dir;
  std::string access_key;
  std::string secret;
  SigningScope scope;
};

void check_case(const Suite& suite, const std::string& name)
{
  INFO("vector " << (suite.dir / name).string());
  SigningInput input = parse_request(test::slurp(suite.dir / (name + ".req")));
  Signature signature = sign_v4(input, suite.access_key, Secret(suite.secret), suite.scope);
  if (auto creq = read_if_exists(suite.dir / (name + ".creq")); !creq.empty()) {
    CHECK(signature.canonical_request == creq);
  }
  if (auto sts = read_if_exists(suite.dir / (name + ".sts")); !sts.empty()) {
    CHECK(signature.string_to_sign == sts);
  }
  CHECK(signature.authorization == test::slurp(suite.dir / (name + ".authz")));
}

std::vector<std::string> case_names(const std::filesystem::path& dir)
{
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".req") {
      names.push_back(entry.path().stem().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

SigningInput simple_get(std::string path, std::vector<QueryParam> query = {})
{
  SigningInput input;
  input.method = "GET";
  input.path = std::move(path);
  input.query = std::move(query);
  input.headers = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}};
  return input;
}

} // namespace

TEST_CASE("sigv4: AWS Signature Version 4 test-suite vectors")
{
  Suite suite{k_vectors, "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", {"us-east-1", "service"}};
  auto names = case_names(suite.dir);
  REQUIRE(names.size() >= 20);
  for (const auto& wanted : {"get-vanilla", "get-vanilla-query-order-key-case", "post-x-www-form-urlencoded",
                             "get-space", "get-utf8", "post-sts-header-before"}) {
    CHECK(std::find(names.begin(), names.end(), wanted) != names.end());
  }
  for (const auto& name : names) {
    check_case(suite, name);
  }
}

TEST_CASE("sigv4: the S3 API reference's worked examples")
{
  Suite suite{
      k_vectors / "s3", "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", {"us-east-1", "s3"}};
  auto names = case_names(suite.dir);
  CHECK(names == std::vector<std::string>{"get-bucket-lifecycle", "get-object", "list-objects", "put-object"});
  for (const auto& name : names) {
    check_case(suite, name);
  }
}

TEST_CASE("sigv4: URI encoding keeps only unreserved characters, and '/' in paths")
{
  CHECK(uri_encode("AZaz09-._~", false) == "AZaz09-._~");
  CHECK(uri_encode("a b+c=d&e", false) == "a%20b%2Bc%3Dd%26e");
  CHECK(uri_encode("dir/file name.txt", true) == "dir/file%20name.txt");
  CHECK(uri_encode("dir/file", false) == "dir%2Ffile");
  CHECK(uri_encode("ação", false) == "a%C3%A7%C3%A3o");
  CHECK(uri_encode("*!'()$", false) == "%2A%21%27%28%29%24");
  CHECK(uri_encode("%41", false) == "%2541"); // already-encoded text is encoded again: callers pass decoded values
}

TEST_CASE("sigv4: canonical query sorts by encoded name then value, and signs a value-less parameter as name=")
{
  CHECK(canonical_query({}).empty());
  CHECK(canonical_query({{"versions", ""}}) == "versions=");
  CHECK(canonical_query({{"uploadId", "2~x y"}, {"partNumber", "10"}}) == "partNumber=10&uploadId=2~x%20y");
  CHECK(canonical_query({{"a", "2"}, {"a", "10"}, {"a", "1"}}) == "a=1&a=10&a=2");
  CHECK(canonical_query({{"b", ""}, {"B", ""}, {"a b", ""}}) == "B=&a%20b=&b=");
  CHECK(canonical_query({{"prefix", "dir/ሴ"}}) == "prefix=dir%2F%E1%88%B4");
}

TEST_CASE("sigv4: path segments are encoded once and never normalised")
{
  auto dots = sign_v4(simple_get("/bucket/a/./b/../c"), "AKID", Secret("secret-key-value"), {"us-east-1", "s3"});
  CHECK(split(dots.canonical_request, '\n')[1] == "/bucket/a/./b/../c");
  auto spaces = sign_v4(simple_get("/bucket/my key~1.txt"), "AKID", Secret("secret-key-value"), {"us-east-1", "s3"});
  CHECK(split(spaces.canonical_request, '\n')[1] == "/bucket/my%20key~1.txt");
  auto slashes = sign_v4(simple_get("/bucket//double"), "AKID", Secret("secret-key-value"), {"us-east-1", "s3"});
  CHECK(split(slashes.canonical_request, '\n')[1] == "/bucket//double");
  auto empty = sign_v4(simple_get(""), "AKID", Secret("secret-key-value"), {"us-east-1", "s3"});
  CHECK(split(empty.canonical_request, '\n')[1] == "/");
}

TEST_CASE("sigv4: headers are lower-cased, sorted, trimmed, and repeated ones joined")
{
  SigningInput input = simple_get("/");
  input.headers.push_back({"X-Amz-Meta-B", "  two   words  "});
  input.headers.push_back({"x-amz-meta-a", "1"});
  input.headers.push_back({"X-AMZ-META-A", "2"});
  auto signature = sign_v4(input, "AKID", Secret("secret-key-value"), {"us-east-1", "s3"});
  CHECK(signature.signed_headers == "host;x-amz-date;x-amz-meta-a;x-amz-meta-b");
  CHECK(signature.canonical_request.find("x-amz-meta-a:1,2\nx-amz-meta-b:two words\n") != std::string::npos);
}

TEST_CASE("sigv4: the signature depends on every signed part and on the secret")
{
  SigningInput input = simple_get("/bucket/key", {{"versionId", "v1"}});
  auto base = sign_v4(input, "AKID", Secret("secret-key-value"), {"us-east-1", "s3"});
  CHECK(base.signature.size() == 64);
  CHECK(sign_v4(input, "AKID", Secret("secret-key-valuf"), {"us-east-1", "s3"}).signature != base.signature);
  CHECK(sign_v4(input, "AKID", Secret("secret-key-value"), {"eu-west-1", "s3"}).signature != base.signature);
  SigningInput changed = input;
  changed.query[0].value = "v2";
  CHECK(sign_v4(changed, "AKID", Secret("secret-key-value"), {"us-east-1", "s3"}).signature != base.signature);
  changed = input;
  changed.payload_sha256 = std::string(k_unsigned_payload);
  CHECK(sign_v4(changed, "AKID", Secret("secret-key-value"), {"us-east-1", "s3"}).signature != base.signature);
  // Nothing of the secret is in what is sent or logged.
  CHECK(base.authorization.find("secret-key-value") == std::string::npos);
  CHECK(base.canonical_request.find("secret-key-value") == std::string::npos);
  CHECK(base.string_to_sign.find("secret-key-value") == std::string::npos);
}

TEST_CASE("sigv4: a request without x-amz-date or host cannot be signed")
{
  SigningInput input = simple_get("/");
  input.headers.pop_back();
  CHECK_THROWS_AS(sign_v4(input, "AKID", Secret("secret-key-value"), {"us-east-1", "s3"}), Error);
  input = simple_get("/");
  input.headers.erase(input.headers.begin());
  CHECK_THROWS_AS(sign_v4(input, "AKID", Secret("secret-key-value"), {"us-east-1", "s3"}), Error);
}

TEST_CASE("sigv4: amz_date formats UTC to the second")
{
  auto time = std::chrono::sys_days{std::chrono::year{2015} / 8 / 30} + std::chrono::hours(12) +
              std::chrono::minutes(36) + std::chrono::milliseconds(999);
  CHECK(amz_date(SystemTime(time)) == "20150830T123600Z");
}
