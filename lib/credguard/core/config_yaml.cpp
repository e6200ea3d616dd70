#include <credguard/core/config_yaml.hpp>
#include <credguard/core/error.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/core/time_format.hpp>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>

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
    if (auto problem = check_scalar(field.type, text)) {
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
        for (const auto& entry : item) {
          std::string name = entry.first.as<std::string>();
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

private:
  const std::string& m_source;
};

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
    throw Error(ErrorKind::config,
                fmt::format("{}:{}:{}: malformed YAML: {}", source, e.mark.line + 1, e.mark.column + 1, e.msg));
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
  try {
    for (const auto& entry : root) {
      std::string name = entry.first.as<std::string>();
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
      for (const auto& item : entry.second) {
        std::string key = item.first.as<std::string>();
        std::string dotted = name + "." + key;
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
    throw Error(ErrorKind::config,
                fmt::format("{}:{}:{}: malformed YAML: {}", source, e.mark.line + 1, e.mark.column + 1, e.msg));
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
    } else if (auto problem = check_scalar(field.type, *text)) {
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
