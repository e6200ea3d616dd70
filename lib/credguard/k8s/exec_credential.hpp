#pragma once

#include <credguard/core/clock.hpp>
#include <credguard/core/env.hpp>
#include <credguard/core/secret.hpp>
#include <credguard/k8s/kubeconfig.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace credguard::k8s {

// What an exec credential plugin returned (ExecCredential status).
struct ExecCredential {
  Secret token;
  std::string client_cert_pem;
  Secret client_key_pem;
  std::optional<SystemTime> expires; // expirationTimestamp; nullopt = until a 401

  // True while the credential may be used at `now` (with a 10 s margin).
  bool valid_at(SystemTime now) const;
};

// Parses the plugin's stdout: an ExecCredential of `api_version` with
// status.token, or status.clientCertificateData + clientKeyData. Throws
// Error(auth) naming `command` when it is not one.
ExecCredential parse_exec_credential(std::string_view json, const std::string& api_version, const std::string& command);

// The most a plugin may print on stdout: an ExecCredential with a client
// certificate and key is a few KiB.
constexpr std::size_t k_exec_credential_max_bytes = 1024 * 1024;

// Runs the plugin without a shell, in a process group of its own: its command
// and args, this process's environment (from `env`) plus the plugin's env and
// KUBERNETES_EXEC_INFO, stdin closed. Throws Error(auth) naming the command
// and the first line of its stderr when it fails, prints more than
// k_exec_credential_max_bytes or something else, or does not finish within
// `timeout` (its whole process group is then killed).
ExecCredential run_exec_plugin(const ExecConfig& config, const Env& env, Millis timeout);

} // namespace credguard::k8s
