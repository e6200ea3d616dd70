// Kubernetes API answers (k8s/client, k8s/resources): the input's parts are
// the bodies the API server answers, in order, to get, list (following
// `continue`), scale, discovery and update calls, and to the maintenance
// ConfigMap read of triage. Bad answers are credguard::Error.

#include "answer_transport.hpp"
#include "fuzz_input.hpp"

#include <credguard/core/error.hpp>
#include <credguard/k8s/client.hpp>
#include <credguard/triage/maintenance.hpp>

namespace {

using namespace credguard;

template <typename Call> void attempt(Call call)
{
  try {
    call();
  } catch (const Error&) {
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  static const MapEnv env;
  static const fuzz::StillClock clock;
  static NullLog log;
  auto bodies = fuzz::parts(fuzz::as_text(data, size));
  k8s::ClusterAccess access;
  access.server = "https://kube.invalid:6443";
  k8s::ClientOptions options;
  options.make_transport = [&bodies](http::TransportOptions) {
    return std::make_unique<fuzz::AnswerTransport>(bodies);
  };
  Redactor redactor;
  k8s::Client client(std::move(access), std::move(options), env, clock, log, redactor);
  attempt([&] {
    auto configmap = client.get("/api/v1/namespaces/ops/configmaps/maintenance-status");
    if (configmap.is_object() && configmap.contains("data")) {
      (void)triage::maintenance_from(configmap["data"], clock.now(), "configmap ops/maintenance-status");
    }
  });
  attempt([&] { (void)client.list("/api/v1/namespaces/ops/pods", {.label_selector = "app=scorer", .page_size = 2}); });
  attempt([&] { (void)client.get_scale("/apis/apps/v1/namespaces/ops/deployments/scorer"); });
  attempt([&] { (void)client.batch_version(); });
  attempt([&] { (void)client.scale("/apis/apps/v1/namespaces/ops/deployments/scorer", 0); });
  attempt([&] { (void)client.set_cronjob_suspended("ops", "retrain", true); });
  return 0;
}
