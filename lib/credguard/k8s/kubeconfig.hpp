#pragma once

#include <credguard/core/env.hpp>
#include <credguard/core/secret.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace credguard::k8s {

// Where a pod finds its service account.
inline constexpr std::string_view k_service_account_dir = "/var/run/secrets/kubernetes.io/serviceaccount";

// How to say where credentials would come from, for SKIP messages.
inline constexpr std::string_view k_not_configured =
    "no Kubernetes credentials: set kubernetes.kubeconfig (or $CREDGUARD_KUBERNETES_KUBECONFIG) or $KUBECONFIG, "
    "create ~/.kube/config, or run in a pod with a service account";

// A kubeconfig `exec` credential plugin (e.g. aws eks get-token).
struct ExecConfig {
  std::string command; // made absolute when relative to the kubeconfig's directory
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;
  std::string api_version; // client.authentication.k8s.io/v1beta1 or /v1
  std::string install_hint;
};

// Everything needed to reach one cluster as one user.
struct ClusterAccess {
  std::string server; // https://host:6443, no trailing slash
  std::string ca_pem; // empty = the system's trust store
  bool insecure = false;
  Secret token;           // bearer token
  std::string token_file; // re-read on use (rotated service-account tokens)
  std::string client_cert_pem;
  Secret client_key_pem;
  std::optional<ExecConfig> exec;
  std::string default_namespace; // the context's, or the pod's; may be empty
  std::string source;            // "kubeconfig FILE, context NAME" or "in-cluster service account"
};

// Where to look for credentials; see discover().
struct DiscoverOptions {
  std::string kubeconfig;         // kubernetes.kubeconfig: this file only, and it must exist
  std::string context;            // kubernetes.context; empty = current-context
  std::optional<bool> in_cluster; // kubernetes.in_cluster; unset = fall back to it
  std::filesystem::path service_account_dir = std::filesystem::path(k_service_account_dir);
};

// Finds the cluster credentials like kubectl: the configured kubeconfig,
// else the files of $KUBECONFIG (colon-separated, merged, first value wins),
// else ~/.kube/config; else, when KUBERNETES_SERVICE_HOST is set and the
// service-account token exists, the in-cluster service account. With
// in_cluster = true only the service account is used. Returns nullopt when
// nothing is found. Throws Error(config) naming the file and key when a
// kubeconfig is unreadable, malformed or names a missing context, cluster,
// user or file.
std::optional<ClusterAccess> discover(const DiscoverOptions& options, const Env& env);

// Reads kubeconfig files (merged as kubectl does) and picks `context`, or
// current-context when empty. Relative file paths resolve against the
// directory of the file that names them. Throws Error(config).
ClusterAccess load_kubeconfig(const std::vector<std::filesystem::path>& files, const std::string& context);

// The pod's service account: KUBERNETES_SERVICE_HOST/PORT, and the token,
// ca.crt and namespace files of `dir`. Throws Error(config) when incomplete.
ClusterAccess load_in_cluster(const Env& env, const std::filesystem::path& dir);

// Decodes standard base64 (kubeconfig *-data fields), ignoring whitespace.
// Throws Error(config) naming `what` when malformed.
std::string decode_base64(std::string_view text, std::string_view what);

} // namespace credguard::k8s
