#include <credguard/core/redact.hpp>
#include <credguard/core/redacting_stream.hpp>

#include <catch2/catch.hpp>

#include <sstream>

using namespace credguard;

TEST_CASE("redact: URLs lose their userinfo and sensitive query values")
{
  CHECK(redact_url("https://user:pa55@host:8443/path?x=1") == "https://***@host:8443/path?x=1");
  CHECK(redact_url("https://host/p?token=abc&page=2&X-Amz-Signature=deadbeef") ==
        "https://host/p?token=***&page=2&X-Amz-Signature=***");
  CHECK(redact_url("http://host/plain") == "http://host/plain");
  CHECK(redact_url("http://host/a?b#frag") == "http://host/a?b#frag");
}

TEST_CASE("redact: sensitive header values are hidden")
{
  CHECK(redact_header_value("Authorization", "Bearer abc") == "***");
  CHECK(redact_header_value("x-amz-security-token", "abc") == "***");
  CHECK(redact_header_value("Content-Type", "application/json") == "application/json");
}

TEST_CASE("redact: the command line loses the values of secret options")
{
  std::vector<std::string> argv = {"credguard", "--password", "hunter22",       "--token=abc123",
                                   "--reason",  "bad model",  "https://u:p@h/x"};
  auto out = redact_argv(argv);
  CHECK(out == std::vector<std::string>{"credguard", "--password", "***", "--token=***", "--reason", "bad model",
                                        "https://***@h/x"});
}

TEST_CASE("redact: the redactor scrubs every registered value, longest first")
{
  Redactor redactor;
  redactor.add("abc"); // too short: ignored
  redactor.add("secret-token");
  redactor.add("secret-token-extended");
  CHECK(redactor.scrub("x secret-token-extended y secret-token z abc") == "x *** y *** z abc");
}

TEST_CASE("redact: a redacting stream scrubs whole lines and flushes the rest")
{
  Redactor redactor;
  redactor.add("hunter2-token");
  std::ostringstream target;
  {
    RedactingStream stream(target, redactor);
    stream << "token=hunt"
           << "er2-token\n"
           << "tail hunter2-token";
    stream.flush();
    CHECK(target.str() == "token=***\ntail ***");
  }
}
