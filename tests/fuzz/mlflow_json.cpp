// MLflow Model Registry answers (registry/mlflow_client): the input's parts
// are the bodies the server answers, in order, to model, version, alias and
// search calls (search_all follows next_page_token). Bad answers are
// credguard::Error.

#include "answer_transport.hpp"
#include "fuzz_input.hpp"

#include <credguard/core/error.hpp>
#include <credguard/registry/mlflow_client.hpp>

namespace {

using namespace credguard;

template <typename Call> void attempt(Call call)
{
  try {
    call();
  } catch (const Error&) {
  }
}

void use(const registry::ModelVersion& version)
{
  (void)version.state();
  (void)version.number();
  (void)version.tag(registry::k_quarantine_until_tag);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  fuzz::AnswerTransport transport(fuzz::parts(fuzz::as_text(data, size)));
  registry::MlflowOptions options;
  options.url = "https://mlflow.invalid";
  registry::MlflowClient client(options, transport);
  attempt([&] { (void)client.get_model("credit-score"); });
  attempt([&] {
    if (auto version = client.get_version("credit-score", "7")) {
      use(*version);
    }
  });
  attempt([&] {
    if (auto version = client.get_alias("credit-score", "production")) {
      use(*version);
    }
  });
  attempt([&] {
    for (const auto& version : client.search_all(registry::name_filter("credit-score"), "version_number DESC", 2)) {
      use(version);
    }
  });
  attempt([&] { client.set_version_tag("credit-score", "7", registry::k_state_tag, registry::k_state_revoked); });
  return 0;
}
