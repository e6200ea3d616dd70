#include <credguard/core/config_yaml.hpp>
#include <credguard/core/error.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/core/time_format.hpp>

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>

namespace credguard::config {

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b)
{
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) {
    row[j] = j;
  }
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

template <typename Range> std::string suggestion(std::string_view wrong, const Range& names)
{
  std::string best;
  std::size_t best_distance = 3;
  std::vector<std::string> all;
  for (const auto& name : names) {
    all.emplace_back(name);
    auto distance = edit_distance(wrong, name);
    if (distance < best_distance) {
      best_distance = distance;
      best = std::string(name);
    }
  }
  if (!best.empty()) {
    return fmt::format("did you mean '{}'?", best);
  }
  return fmt::format("known: {}", join(all, ", "));
}

// Keys named url, *_url or endpoint hold http(s) URLs (templates may carry
// {model} and {version}): refused here, with the file and line, rather
// than by curl at the first request (which would look like an outage).
bool is_url_key(std::string_view name)
{
  return name == "url" || name == "endpoint" || name.ends_with("_url");
}

bool valid_http_url(std::string_view text)
{
  std::string lower = to_lower(text.substr(0, 8));
  std::size_t scheme = lower.starts_with("https://") ? 8 : lower.starts_with("http://") ? 7 : 0;
  if (scheme == 0 || std::any_of(text.begin(), text.end(), [](char c) {
        return static_cast<unsigned char>(c) <= 0x20 || c == 0x7F || c == '\\';
      })) {
    return false;
  }
  std::string_view authority = text.substr(scheme);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  authority = authority.substr(authority.rfind('@') == std::string_view::npos ? 0 : authority.rfind('@') + 1);
  std::string_view host = authority;
  std::string_view port;
  if (authority.starts_with('[')) {
    auto close = authority.find(']');
    if (close == std::string_view::npos) {
      return false;
    }
    host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') {
        return false;
      }
      port = authority.substr(close + 2);
    }
  } else if (auto colon = authority.find(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty() || std::any_of(host.begin(), host.end(), [](char c) {
        return !(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_' || c == ':' ||
                 c == '{' || c == '}' || c == '%');
      })) {
    return false;
  }
  if (authority.find(':') != std::string_view::npos && !authority.starts_with('[') && port.empty()) {
    return false;
  }
  auto number = port.empty() ? std::optional<long long>(1) : parse_int(port);
  return number && *number >= 1 && *number <= 65535 &&
         std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// check_scalar, plus what the key's name implies: a timeout of 0 would
// mean none at all (curl waits forever), and URL keys must hold URLs.
std::optional<std::string> check_field(const Field& field, std::string_view text)
{
  if (auto problem = check_scalar(field.type, text)) {
    return problem;
  }
  if (field.type == Type::duration && field.name.ends_with("timeout") && parse_duration(text)->count() == 0) {
    return fmt::format("expected a duration above 0 such as 30s, got \"{}\" (0 would mean no timeout at all)", text);
  }
  // An empty value (e.g. an override to "") unsets the key.
  if (field.type == Type::string && is_url_key(field.name) && !text.empty() && !valid_http_url(text)) {
    return fmt::format("expected an http(s) URL such as https://host:8443/path, got \"{}\"", escape_controls(text));
  }
  return std::nullopt;
}

// Remembers the keys of one mapping: YAML forbids a key twice, and
// yaml-cpp would silently keep both (and we the last).
class SeenKeys {
public:
  // The line where `key` was first seen, or nullopt (then it is recorded).
  std::optional<int> first(const std::string& key, const YAML::Node& node)
  {
    auto [it, fresh] = m_lines.emplace(key, node.Mark().line + 1);
    return fresh ? std::nullopt : std::optional<int>(it->second);
  }

private:
  std::map<std::string, int, std::less<>> m_lines;
};

class Validator {
public:
  explicit Validator(const std::string& source)
    : m_source(source)
  {}

  [[noreturn]] void fail(const YAML::Node& node, std::string_view key, std::string_view problem,
                         std::string hint = {}) const
  {
    auto mark = node.Mark();
    std::string where = mark.is_null() ? m_source : fmt::format("{}:{}:{}", m_source, mark.line + 1, mark.column + 1);
    throw Error(ErrorKind::config, fmt::format("{}: {}: {}", where, key, problem), std::move(hint));
  }

  ConfigOrigin origin(const YAML::Node& node) const
  {
    auto mark = node.Mark();
    return ConfigOrigin{m_source, mark.is_null() ? 0 : mark.line + 1};
  }

  ConfigValue scalar(const Field& field, const YAML::Node& node, const std::string& key) const
  {
    if (!node.IsScalar()) {
      fail(node, key, fmt::format("expected a {}", to_string(field.type)));
    }
    const std::string& text = node.Scalar();
    if (auto problem = check_field(field, text)) {
      fail(node, key, *problem);
    }
    return ConfigValue{field.type, text, {}, {}, origin(node)};
  }

  ConfigValue value(const Field& field, const YAML::Node& node, const std::string& key) const
  {
    if (field.type == Type::string_list) {
      ConfigValue out{field.type, {}, {}, {}, origin(node)};
      if (node.IsScalar()) {
        out.items = split_list(node.Scalar());
        return out;
      }
      if (!node.IsSequence()) {
        fail(node, key, "expected a list of strings");
      }
      for (const auto& item : node) {
        if (!item.IsScalar()) {
          fail(item, key, "expected a list of strings");
        }
        out.items.push_back(item.Scalar());
      }
      return out;
    }
    if (field.type == Type::object_list) {
      ConfigValue out{field.type, {}, {}, {}, origin(node)};
      if (!node.IsSequence()) {
        fail(node, key, "expected a list of objects");
      }
      for (const auto& item : node) {
        if (!item.IsMap()) {
          fail(item, key, "expected an object (key: value pairs)");
        }
        ConfigValues object;
        SeenKeys seen;
        for (const auto& entry : item) {
          std::string name = entry.first.as<std::string>();
          refuse_duplicate(seen, entry.first, key + "[]." + name);
          auto found =
              std::find_if(field.fields.begin(), field.fields.end(), [&](const Field& f) { return f.name == name; });
          std::string item_key = key + "[]." + name;
          if (found == field.fields.end()) {
            std::vector<std::string_view> names;
            for (const auto& f : field.fields) {
              names.push_back(f.name);
            }
            fail(entry.first, item_key, "unknown key", suggestion(name, names));
          }
          if (!entry.second.IsNull()) {
            object.emplace(name, value(*found, entry.second, item_key));
          }
        }
        out.objects.push_back(std::move(object));
      }
      return out;
    }
    return scalar(field, node, key);
  }

  void refuse_duplicate(SeenKeys& seen, const YAML::Node& key_node, const std::string& key) const
  {
    if (auto line = seen.first(key_node.Scalar(), key_node)) {
      fail(key_node, key, fmt::format("set twice (first on line {}); keep one", *line));
    }
  }

private:
  const std::string& m_source;
};

// yaml-cpp's message for a document nested too deep is "bad file".
std::string describe(const YAML::Exception& e, const std::string& source)
{
  std::string where = e.mark.is_null() ? source : fmt::format("{}:{}:{}", source, e.mark.line + 1, e.mark.column + 1);
  if (const auto* deep = dynamic_cast<const YAML::DeepRecursion*>(&e)) {
    return fmt::format("{}: malformed YAML: nested deeper than {} levels", where, deep->depth() - 1);
  }
  return fmt::format("{}: malformed YAML: {}", where, e.msg);
}

} // namespace

std::optional<bool> parse_bool(std::string_view text)
{
  std::string lower = to_lower(trim(text));
  if (lower == "true" || lower == "yes" || lower == "on" || lower == "1") {
    return true;
  }
  if (lower == "false" || lower == "no" || lower == "off" || lower == "0") {
    return false;
  }
  return std::nullopt;
}

std::optional<std::string> check_scalar(Type type, std::string_view text)
{
  switch (type) {
  case Type::integer:
    if (!parse_int(text)) {
      return fmt::format("expected an integer, got \"{}\"", text);
    }
    break;
  case Type::number:
    if (!parse_double(text)) {
      return fmt::format("expected a number, got \"{}\"", text);
    }
    break;
  case Type::boolean:
    if (!parse_bool(text)) {
      return fmt::format("expected true or false, got \"{}\"", text);
    }
    break;
  case Type::duration:
    if (!parse_duration(text)) {
      return fmt::format("expected a duration such as 30s, 5m or 14d, at most {}, got \"{}\"", k_max_duration_text,
                         text);
    }
    break;
  case Type::string:
  case Type::secret:
  case Type::string_list:
  case Type::object_list: break;
  }
  return std::nullopt;
}

ConfigValues parse_yaml(std::string_view yaml, const std::string& source)
{
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    throw Error(ErrorKind::config, describe(e, source));
  }
  ConfigValues values;
  if (root.IsNull()) {
    return values;
  }
  Validator validator(source);
  if (!root.IsMap()) {
    validator.fail(root, "(top level)", "expected a mapping of sections");
  }
  std::vector<std::string_view> section_names;
  for (const auto& section : schema()) {
    section_names.push_back(section.name);
  }
  SeenKeys seen_sections;
  try {
    for (const auto& entry : root) {
      std::string name = entry.first.as<std::string>();
      validator.refuse_duplicate(seen_sections, entry.first, name);
      if (name == "version") {
        if (!entry.second.IsScalar() || entry.second.Scalar() != "1") {
          validator.fail(entry.second, "version", "unsupported configuration version (this credguard reads 1)");
        }
        continue;
      }
      auto section = std::find_if(schema().begin(), schema().end(), [&](const Section& s) { return s.name == name; });
      if (section == schema().end()) {
        validator.fail(entry.first, name, "unknown section", suggestion(name, section_names));
      }
      if (entry.second.IsNull()) {
        continue;
      }
      if (!entry.second.IsMap()) {
        validator.fail(entry.second, name, "expected a mapping of keys");
      }
      SeenKeys seen_keys;
      for (const auto& item : entry.second) {
        std::string key = item.first.as<std::string>();
        std::string dotted = name + "." + key;
        validator.refuse_duplicate(seen_keys, item.first, dotted);
        auto field =
            std::find_if(section->fields.begin(), section->fields.end(), [&](const Field& f) { return f.name == key; });
        if (field == section->fields.end()) {
          std::vector<std::string_view> names;
          for (const auto& f : section->fields) {
            names.push_back(f.name);
          }
          validator.fail(item.first, dotted, "unknown key", suggestion(key, names));
        }
        if (!item.second.IsNull()) {
          values.insert_or_assign(dotted, validator.value(*field, item.second, dotted));
        }
      }
    }
  } catch (const YAML::Exception& e) {
    throw Error(ErrorKind::config, describe(e, source));
  }
  return values;
}

void apply_environment(ConfigValues& values, const Env& env)
{
  auto apply = [&](std::string_view section, const Field& field, const std::string& var) {
    auto text = env.get(var);
    if (!text || field.type == Type::object_list) {
      return;
    }
    std::string dotted = std::string(section) + "." + std::string(field.name);
    ConfigValue value{field.type, *text, {}, {}, ConfigOrigin{"$" + var, 0}};
    if (field.type == Type::string_list) {
      value.items = split_list(*text);
    } else if (auto problem = check_field(field, *text)) {
      throw Error(ErrorKind::config, fmt::format("${}: {}: {}", var, dotted, *problem));
    }
    values.insert_or_assign(dotted, std::move(value));
  };
  for (const auto& section : schema()) {
    for (const auto& field : section.fields) {
      apply(section.name, field, env_name(section.name, field.name));
    }
  }
  if (const Field* journal_path = find_field("journal.path")) {
    apply("journal", *journal_path, "CREDGUARD_JOURNAL");
  }
}

void register_inline_secrets(const ConfigValues& values, Redactor& redactor)
{
  for (const auto& [key, value] : values) {
    if (value.type == Type::secret && !value.text.starts_with("env:") && !value.text.starts_with("file:")) {
      redactor.add(value.text);
    }
    for (const auto& object : value.objects) {
      register_inline_secrets(object, redactor);
    }
  }
}

} // namespace credguard::config
