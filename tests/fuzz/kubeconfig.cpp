// kubeconfig files (k8s/kubeconfig): one file, or two merged as $KUBECONFIG
// merges them (input parts split by "\n---8<---\n"), each context picked.
// The files live in a directory of their own: relative paths in them name
// nothing.

#include "fuzz_input.hpp"

#include <credguard/core/error.hpp>
#include <credguard/k8s/kubeconfig.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  using namespace credguard;
  static const fuzz::ScratchFile first("kubeconfig");
  static const fuzz::ScratchFile second("kubeconfig-2");
  auto parts = fuzz::parts(fuzz::as_text(data, size));
  std::vector<std::filesystem::path> files{first.write(parts[0])};
  if (parts.size() > 1) {
    files.push_back(second.write(parts[1]));
  }
  for (const char* context : {"", "prod"}) {
    try {
      (void)k8s::load_kubeconfig(files, context);
    } catch (const Error&) {
    }
  }
  return 0;
}
