// S3 and STS answers (s3/xml, s3/error): the XML parser, the error body,
// and the lookups the clients make in what it returns.

#include "fuzz_input.hpp"

#include <credguard/core/error.hpp>
#include <credguard/s3/error.hpp>
#include <credguard/s3/xml.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  using namespace credguard;
  auto text = fuzz::as_text(data, size);
  (void)s3::parse_error_body(text);
  try {
    auto root = s3::parse_xml(text, "fuzz answer");
    (void)root.find("AssumeRoleWithWebIdentityResult/Credentials/AccessKeyId");
    (void)root.child_text("NextContinuationToken");
    for (const auto* contents : root.children_named("Contents")) {
      (void)contents->child_text("Key");
      (void)contents->child_text("Size");
    }
    (void)s3::xml_escape(root.text);
  } catch (const Error&) {
  }
  return 0;
}
