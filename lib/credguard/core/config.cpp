#include <credguard/core/config.hpp>
#include <credguard/core/config_yaml.hpp>
#include <credguard/core/error.hpp>
#include <credguard/core/files.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/core/time_format.hpp>

#include <fmt/format.h>

namespace credguard {

namespace fs = std::filesystem;

std::string ConfigOrigin::describe() const
{
  return line > 0 ? fmt::format("{}:{}", file, line) : file;
}

ConfigView::ConfigView(const ConfigValues& values, const Env& env, Redactor& redactor, std::string prefix)
  : m_values(&values)
  , m_env(&env)
  , m_redactor(&redactor)
  , m_prefix(std::move(prefix))
{}

const ConfigValue* ConfigView::find(std::string_view key) const
{
  auto it = m_values->find(m_prefix + std::string(key));
  return it == m_values->end() ? nullptr : &it->second;
}

bool ConfigView::has(std::string_view key) const
{
  return find(key) != nullptr;
}

std::optional<std::string> ConfigView::get_string(std::string_view key) const
{
  const auto* value = find(key);
  if (value == nullptr) {
    return std::nullopt;
  }
  return value->text;
}

std::optional<long long> ConfigView::get_int(std::string_view key) const
{
  const auto* value = find(key);
  return value == nullptr ? std::nullopt : parse_int(value->text);
}

std::optional<double> ConfigView::get_number(std::string_view key) const
{
  const auto* value = find(key);
  return value == nullptr ? std::nullopt : parse_double(value->text);
}

std::optional<bool> ConfigView::get_bool(std::string_view key) const
{
  const auto* value = find(key);
  if (value == nullptr) {
    return std::nullopt;
  }
  return config::parse_bool(value->text);
}

std::optional<Millis> ConfigView::get_duration(std::string_view key) const
{
  const auto* value = find(key);
  return value == nullptr ? std::nullopt : parse_duration(value->text);
}

std::vector<std::string> ConfigView::get_list(std::string_view key) const
{
  const auto* value = find(key);
  return value == nullptr ? std::vector<std::string>{} : value->items;
}

std::optional<Secret> ConfigView::get_secret(std::string_view key) const
{
  const auto* value = find(key);
  if (value == nullptr) {
    return std::nullopt;
  }
  std::string resolved;
  std::string_view text = value->text;
  std::string where = fmt::format("{}: {}{}", value->origin.describe(), m_prefix, key);
  if (text.starts_with("env:")) {
    auto name = text.substr(4);
    auto from_env = m_env->get(name);
    if (!from_env || from_env->empty()) {
      throw Error(ErrorKind::config, fmt::format("{}: environment variable {} is not set", where, name),
                  fmt::format("export {} or change the reference", name));
    }
    resolved = *from_env;
  } else if (text.starts_with("file:")) {
    fs::path path(std::string(text.substr(5)));
    try {
      resolved = read_file(path, k_max_secret_bytes);
    } catch (const Error& e) {
      throw Error(ErrorKind::config, fmt::format("{}: {}", where, e.what()));
    }
    while (!resolved.empty() && (resolved.back() == '\n' || resolved.back() == '\r')) {
      resolved.pop_back();
    }
  } else {
    resolved = std::string(text);
  }
  m_redactor->add(resolved);
  return Secret(std::move(resolved));
}

std::vector<ConfigView> ConfigView::get_objects(std::string_view key) const
{
  std::vector<ConfigView> views;
  if (const auto* value = find(key)) {
    for (const auto& object : value->objects) {
      views.emplace_back(object, *m_env, *m_redactor, "");
    }
  }
  return views;
}

std::string ConfigView::origin(std::string_view key) const
{
  const auto* value = find(key);
  return value == nullptr ? std::string("(not set)") : value->origin.describe();
}

Config::Config(std::string source, ConfigValues values, const Env& env, Redactor& redactor)
  : m_source(std::move(source))
  , m_values(std::make_unique<ConfigValues>(std::move(values)))
  , m_view(std::make_unique<ConfigView>(*m_values, env, redactor, ""))
{}

Config Config::parse(std::string_view yaml, std::string source, const Env& env, Redactor& redactor)
{
  ConfigValues values = config::parse_yaml(yaml, source);
  config::apply_environment(values, env);
  config::register_inline_secrets(values, redactor);
  return Config(std::move(source), std::move(values), env, redactor);
}

Config Config::load(const std::optional<fs::path>& explicit_path, const Env& env, Redactor& redactor)
{
  std::optional<fs::path> chosen = explicit_path;
  if (!chosen) {
    if (auto from_env = env.get("CREDGUARD_CONFIG"); from_env && !from_env->empty()) {
      chosen = *from_env;
    }
  }
  if (chosen) {
    std::string text;
    try {
      text = read_file(*chosen);
    } catch (const Error& e) {
      throw Error(ErrorKind::config, e.what(), "check the path given by --config or $CREDGUARD_CONFIG");
    }
    return parse(text, chosen->string(), env, redactor);
  }
  std::vector<fs::path> candidates;
  if (auto xdg = env.get("XDG_CONFIG_HOME"); xdg && !xdg->empty()) {
    candidates.emplace_back(fs::path(*xdg) / "credguard" / "config.yaml");
  } else if (auto home = env.get("HOME"); home && !home->empty()) {
    candidates.emplace_back(fs::path(*home) / ".config" / "credguard" / "config.yaml");
  }
  candidates.emplace_back("/etc/credguard/config.yaml");
  for (const auto& candidate : candidates) {
    std::error_code ec;
    if (!fs::exists(candidate, ec)) {
      continue;
    }
    try {
      return parse(read_file(candidate), candidate.string(), env, redactor);
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::io) {
        throw;
      }
      throw Error(ErrorKind::config, e.what());
    }
  }
  ConfigValues values;
  config::apply_environment(values, env);
  config::register_inline_secrets(values, redactor);
  return Config("", std::move(values), env, redactor);
}

} // namespace credguard
