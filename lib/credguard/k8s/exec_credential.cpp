#include <credguard/core/error.hpp>
#include <credguard/core/process.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/core/time_format.hpp>
#include <credguard/k8s/exec_credential.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace credguard::k8s {

namespace {

std::string describe(const ExecConfig& config)
{
  std::vector<std::string> words{shell_quote(config.command)};
  for (const auto& arg : config.args) {
    words.push_back(shell_quote(arg));
  }
  return join(words, " ");
}

} // namespace

bool ExecCredential::valid_at(SystemTime now) const
{
  return !expires || now + std::chrono::seconds(10) < *expires;
}

ExecCredential parse_exec_credential(std::string_view json, const std::string& api_version, const std::string& command)
{
  auto fail = [&](const std::string& problem) {
    return Error(ErrorKind::auth, fmt::format("kubernetes: exec plugin '{}': {}", command, problem));
  };
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(json);
  } catch (const nlohmann::json::exception&) {
    throw fail("its output is not JSON (expected an ExecCredential)");
  }
  // value() throws type_error for a field of another type ("kind": 1): that
  // output is refused like any other that is not an ExecCredential.
  try {
    if (!doc.is_object() || doc.value("kind", "") != "ExecCredential") {
      throw fail("its output is not an ExecCredential");
    }
    if (doc.value("apiVersion", "") != api_version) {
      throw fail(fmt::format("it returned apiVersion \"{}\", the kubeconfig asks for \"{}\"",
                             doc.value("apiVersion", ""), api_version));
    }
    const auto& status = doc.contains("status") && doc["status"].is_object() ? doc["status"] : nlohmann::json::object();
    ExecCredential credential;
    credential.token = Secret(status.value("token", ""));
    credential.client_cert_pem = status.value("clientCertificateData", "");
    credential.client_key_pem = Secret(status.value("clientKeyData", ""));
    if (credential.token.empty() && (credential.client_cert_pem.empty() || credential.client_key_pem.empty())) {
      throw fail("the ExecCredential has neither status.token nor status.clientCertificateData and clientKeyData");
    }
    if (auto expiry = status.value("expirationTimestamp", ""); !expiry.empty()) {
      credential.expires = parse_rfc3339(expiry);
      if (!credential.expires) {
        throw fail(fmt::format("status.expirationTimestamp \"{}\" is not an RFC 3339 time", expiry));
      }
    }
    return credential;
  } catch (const nlohmann::json::type_error&) {
    throw fail("its output is not an ExecCredential (a field has the wrong type)");
  }
}

ExecCredential run_exec_plugin(const ExecConfig& config, const Env& env, Millis timeout)
{
  std::string command = describe(config);
  std::map<std::string, std::string> variables = env.with_prefix("");
  for (const auto& [name, value] : config.env) {
    variables[name] = value;
  }
  nlohmann::json info = {
      {"kind", "ExecCredential"}, {"apiVersion", config.api_version}, {"spec", {{"interactive", false}}}};
  variables["KUBERNETES_EXEC_INFO"] = info.dump();
  std::vector<std::string> argv{config.command};
  argv.insert(argv.end(), config.args.begin(), config.args.end());
  ProcessSpec spec;
  spec.argv = argv;
  spec.env = variables;
  spec.timeout = timeout;
  spec.output_cap = k_exec_credential_max_bytes;
  ProcessResult result;
  try {
    result = run_process(spec);
  } catch (const Error& e) {
    // Not started (its install hint helps), or printing beyond the cap.
    throw Error(ErrorKind::auth, fmt::format("kubernetes: exec plugin '{}': {}", command, e.what()),
                e.kind() == ErrorKind::unavailable ? config.install_hint : "");
  }
  if (result.timed_out) {
    throw Error(ErrorKind::auth, fmt::format("kubernetes: exec plugin '{}' did not finish within {}", command,
                                             format_duration(timeout)));
  }
  if (result.exit_code != 0) {
    auto line = result.first_error_line();
    throw Error(ErrorKind::auth,
                fmt::format("kubernetes: exec plugin '{}' failed (exit {}){}{}", command, result.exit_code,
                            line.empty() ? "" : ": ", line),
                config.install_hint);
  }
  return parse_exec_credential(result.out, config.api_version, command);
}

} // namespace credguard::k8s
