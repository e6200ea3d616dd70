// What an exec credential plugin prints (k8s::parse_exec_credential): an
// ExecCredential, or anything else, which must be refused as Error(auth).

#include "fuzz_input.hpp"

#include <credguard/core/error.hpp>
#include <credguard/k8s/exec_credential.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  using namespace credguard;
  auto text = fuzz::as_text(data, size);
  for (const char* version : {"client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"}) {
    try {
      auto credential = k8s::parse_exec_credential(text, version, "aws");
      (void)credential.valid_at(SystemTime{});
    } catch (const Error&) {
    }
  }
  return 0;
}
