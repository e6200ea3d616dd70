#include <credguard/core/error.hpp>
#include <credguard/core/files.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/k8s/kubeconfig.hpp>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <map>

namespace credguard::k8s {

namespace fs = std::filesystem;

namespace {

// A named entry (cluster, user, context) and the file that defined it.
struct Entry {
  YAML::Node node;
  fs::path file;
};

struct Merged {
  std::map<std::string, Entry> clusters;
  std::map<std::string, Entry> users;
  std::map<std::string, Entry> contexts;
  std::string current_context;
};

[[noreturn]] void fail(const fs::path& file, const YAML::Node& node, const std::string& problem)
{
  auto mark = node.Mark();
  std::string where = mark.is_null() ? file.string() : fmt::format("{}:{}", file.string(), mark.line + 1);
  throw Error(ErrorKind::config, fmt::format("kubeconfig {}: {}", where, problem));
}

std::string text(const Entry& entry, const char* key)
{
  auto node = entry.node[key];
  if (!node || node.IsNull()) {
    return "";
  }
  if (!node.IsScalar()) {
    fail(entry.file, node, fmt::format("{}: expected a text value", key));
  }
  return node.Scalar();
}

fs::path resolve(const Entry& entry, const std::string& path)
{
  fs::path p(path);
  return p.is_absolute() ? p : entry.file.parent_path() / p;
}

std::string read_referenced(const Entry& entry, const char* key, const std::string& path)
{
  try {
    return read_file(resolve(entry, path));
  } catch (const Error& e) {
    fail(entry.file, entry.node[key], fmt::format("{}: {}", key, e.what()));
  }
}

void add_named(std::map<std::string, Entry>& into, const YAML::Node& root, const char* list, const char* inner,
               const fs::path& file)
{
  auto items = root[list];
  if (!items || items.IsNull()) {
    return;
  }
  if (!items.IsSequence()) {
    fail(file, items, fmt::format("{}: expected a list", list));
  }
  for (const auto& item : items) {
    // Subscripting a scalar or a list throws in yaml-cpp: look at the shape first.
    if (!item.IsMap()) {
      fail(file, item, fmt::format("{}[]: every entry needs to be a mapping with a name", list));
    }
    auto name = item["name"];
    if (!name || !name.IsScalar()) {
      fail(file, item, fmt::format("{}[]: every entry needs a name", list));
    }
    auto body = item[inner];
    if (body && !body.IsMap()) {
      fail(file, body, fmt::format("{}[{}].{}: expected a mapping", list, name.Scalar(), inner));
    }
    into.emplace(name.Scalar(), Entry{body ? body : YAML::Node(YAML::NodeType::Map), file});
  }
}

Merged merge(const std::vector<fs::path>& files)
{
  Merged merged;
  for (const auto& file : files) {
    std::string content;
    try {
      content = read_file(file);
    } catch (const Error& e) {
      throw Error(ErrorKind::config, fmt::format("kubeconfig: {}", e.what()));
    }
    YAML::Node root;
    try {
      root = YAML::Load(content);
    } catch (const YAML::Exception& e) {
      throw Error(ErrorKind::config,
                  fmt::format("kubeconfig {}:{}: malformed YAML: {}", file.string(), e.mark.line + 1, e.msg));
    }
    if (root.IsNull()) {
      continue; // kubectl accepts an empty file
    }
    if (!root.IsMap()) {
      fail(file, root, "expected a mapping (apiVersion: v1, kind: Config)");
    }
    add_named(merged.clusters, root, "clusters", "cluster", file);
    add_named(merged.users, root, "users", "user", file);
    add_named(merged.contexts, root, "contexts", "context", file);
    if (auto current = root["current-context"]; merged.current_context.empty() && current && current.IsScalar()) {
      merged.current_context = current.Scalar();
    }
  }
  return merged;
}

const Entry& lookup(const std::map<std::string, Entry>& entries, const std::string& name, const char* what,
                    const Entry& from)
{
  auto it = entries.find(name);
  if (it == entries.end()) {
    fail(from.file, from.node, fmt::format("{} \"{}\" not found", what, name));
  }
  return it->second;
}

ExecConfig read_exec(const Entry& user)
{
  Entry exec{user.node["exec"], user.file};
  if (!exec.node.IsMap()) {
    fail(user.file, exec.node, "exec: expected a mapping (command, args, env, apiVersion)");
  }
  ExecConfig config;
  config.command = text(exec, "command");
  if (config.command.empty()) {
    fail(user.file, exec.node, "exec.command is required");
  }
  if (config.command.find('/') != std::string::npos) {
    config.command = resolve(user, config.command).string();
  }
  config.api_version = text(exec, "apiVersion");
  if (config.api_version != "client.authentication.k8s.io/v1beta1" &&
      config.api_version != "client.authentication.k8s.io/v1") {
    fail(user.file, exec.node,
         fmt::format("exec.apiVersion \"{}\" is not supported (use client.authentication.k8s.io/v1 or v1beta1)",
                     config.api_version));
  }
  if (text(exec, "interactiveMode") == "Always") {
    fail(user.file, exec.node, "exec.interactiveMode Always needs a terminal; credguard runs plugins unattended");
  }
  config.install_hint = text(exec, "installHint");
  if (auto args = exec.node["args"]; args && args.IsSequence()) {
    for (const auto& arg : args) {
      if (!arg.IsScalar()) {
        fail(user.file, arg, "exec.args[]: every argument needs to be a text value");
      }
      config.args.push_back(arg.Scalar());
    }
  }
  if (auto vars = exec.node["env"]; vars && vars.IsSequence()) {
    for (const auto& var : vars) {
      if (!var.IsMap() || !var["name"] || !var["name"].IsScalar() || !var["value"] || !var["value"].IsScalar()) {
        fail(user.file, var, "exec.env[]: every entry needs name and value (text values)");
      }
      config.env.emplace_back(var["name"].Scalar(), var["value"].Scalar());
    }
  }
  return config;
}

void read_user(const Entry& user, ClusterAccess& access)
{
  if (auto token = text(user, "token"); !token.empty()) {
    access.token = Secret(token);
  }
  if (auto file = text(user, "tokenFile"); !file.empty()) {
    access.token_file = resolve(user, file).string();
  }
  if (auto data = text(user, "client-certificate-data"); !data.empty()) {
    access.client_cert_pem = decode_base64(data, "client-certificate-data");
  } else if (auto file = text(user, "client-certificate"); !file.empty()) {
    access.client_cert_pem = read_referenced(user, "client-certificate", file);
  }
  if (auto data = text(user, "client-key-data"); !data.empty()) {
    access.client_key_pem = Secret(decode_base64(data, "client-key-data"));
  } else if (auto file = text(user, "client-key"); !file.empty()) {
    access.client_key_pem = Secret(read_referenced(user, "client-key", file));
  }
  if (access.client_cert_pem.empty() != access.client_key_pem.empty()) {
    fail(user.file, user.node, "a client certificate needs its key (and a key its certificate)");
  }
  if (user.node["exec"]) {
    access.exec = read_exec(user);
  }
  if (user.node["auth-provider"]) {
    fail(user.file, user.node["auth-provider"],
         "auth-provider plugins are not supported; use an exec plugin (e.g. kubelogin, aws eks get-token)");
  }
  if (!text(user, "username").empty() && access.token.empty() && access.client_cert_pem.empty() && !access.exec) {
    fail(user.file, user.node, "basic authentication (username/password) is not supported; use a token");
  }
}

std::vector<fs::path> kubeconfig_env_files(const std::string& value)
{
  std::vector<fs::path> files;
  for (const auto& part : split(value, ':')) {
    std::error_code ec;
    if (!part.empty() && fs::is_regular_file(part, ec)) {
      files.emplace_back(part);
    }
  }
  return files;
}

} // namespace

std::string decode_base64(std::string_view text, std::string_view what)
{
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') {
      return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
      return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
      return c - '0' + 52;
    }
    return c == '+' ? 62 : c == '/' ? 63 : -1;
  };
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  bool padding = false;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      continue;
    }
    if (c == '=') {
      padding = true;
      continue;
    }
    int v = value(c);
    if (v < 0 || padding) {
      throw Error(ErrorKind::config, fmt::format("{}: not valid base64", what));
    }
    buffer = (buffer << 6U) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> static_cast<unsigned>(bits)) & 0xFFU));
    }
  }
  return out;
}

ClusterAccess load_kubeconfig(const std::vector<fs::path>& files, const std::string& context)
{
  Merged merged = merge(files);
  Entry root{YAML::Node(), files.empty() ? fs::path() : files.front()};
  std::string name = context.empty() ? merged.current_context : context;
  if (name.empty()) {
    throw Error(ErrorKind::config, fmt::format("kubeconfig {}: no current-context", root.file.string()),
                "set kubernetes.context or run kubectl config use-context NAME");
  }
  const Entry& ctx = lookup(merged.contexts, name, "context", root);
  const Entry& cluster = lookup(merged.clusters, text(ctx, "cluster"), "cluster", ctx);
  ClusterAccess access;
  access.server = text(cluster, "server");
  while (access.server.ends_with('/')) {
    access.server.pop_back();
  }
  if (access.server.empty()) {
    fail(cluster.file, cluster.node, fmt::format("cluster \"{}\" has no server", text(ctx, "cluster")));
  }
  if (auto data = text(cluster, "certificate-authority-data"); !data.empty()) {
    access.ca_pem = decode_base64(data, "certificate-authority-data");
  } else if (auto file = text(cluster, "certificate-authority"); !file.empty()) {
    access.ca_pem = read_referenced(cluster, "certificate-authority", file);
  }
  access.insecure = text(cluster, "insecure-skip-tls-verify") == "true";
  if (auto user = text(ctx, "user"); !user.empty()) {
    read_user(lookup(merged.users, user, "user", ctx), access);
  }
  access.default_namespace = text(ctx, "namespace");
  access.source = fmt::format("kubeconfig {}, context {}", ctx.file.string(), name);
  return access;
}

ClusterAccess load_in_cluster(const Env& env, const fs::path& dir)
{
  auto host = env.get("KUBERNETES_SERVICE_HOST").value_or("");
  auto port = env.get("KUBERNETES_SERVICE_PORT").value_or("443");
  if (host.empty()) {
    throw Error(ErrorKind::config, "in-cluster configuration: KUBERNETES_SERVICE_HOST is not set",
                "run inside a pod, or set kubernetes.kubeconfig");
  }
  ClusterAccess access;
  access.server = fmt::format("https://{}:{}", host.find(':') != std::string::npos ? "[" + host + "]" : host, port);
  access.token_file = (dir / "token").string();
  std::error_code ec;
  if (!fs::exists(access.token_file, ec)) {
    throw Error(ErrorKind::config, fmt::format("in-cluster configuration: {} does not exist", access.token_file),
                "mount the service account token (automountServiceAccountToken)");
  }
  if (fs::exists(dir / "ca.crt", ec)) {
    access.ca_pem = read_file(dir / "ca.crt");
  }
  if (fs::exists(dir / "namespace", ec)) {
    access.default_namespace = std::string(trim(read_file(dir / "namespace")));
  }
  access.source = fmt::format("in-cluster service account ({})", dir.string());
  return access;
}

std::optional<ClusterAccess> discover(const DiscoverOptions& options, const Env& env)
{
  if (options.in_cluster.value_or(false)) {
    return load_in_cluster(env, options.service_account_dir);
  }
  std::vector<fs::path> files;
  if (!options.kubeconfig.empty()) {
    files.emplace_back(options.kubeconfig);
  } else if (auto variable = env.get("KUBECONFIG"); variable && !variable->empty()) {
    files = kubeconfig_env_files(*variable);
  } else if (auto home = env.get("HOME"); home && !home->empty()) {
    std::error_code ec;
    if (fs::is_regular_file(fs::path(*home) / ".kube" / "config", ec)) {
      files.push_back(fs::path(*home) / ".kube" / "config");
    }
  }
  if (!files.empty()) {
    return load_kubeconfig(files, options.context);
  }
  std::error_code ec;
  if (!options.in_cluster.has_value() && env.get("KUBERNETES_SERVICE_HOST").value_or("") != "" &&
      fs::exists(options.service_account_dir / "token", ec)) {
    return load_in_cluster(env, options.service_account_dir);
  }
  return std::nullopt;
}

} // namespace credguard::k8s
