#include <credguard/checks/definition.hpp>
#include <credguard/core/embedded.hpp>
#include <credguard/core/error.hpp>
#include <credguard/core/files.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/core/time_format.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <set>

namespace credguard::checks {

namespace {

class Parser {
public:
  Parser(const std::string& source, const Config& config)
    : m_source(source)
    , m_config(config)
  {}

  [[noreturn]] void fail(const YAML::Node& node, std::string_view key, std::string_view problem) const
  {
    auto mark = node.Mark();
    std::string where = mark.is_null() ? m_source : fmt::format("{}:{}:{}", m_source, mark.line + 1, mark.column + 1);
    throw Error(ErrorKind::config, fmt::format("{}: {}: {}", where, key, problem));
  }

  std::string location(const YAML::Node& node) const
  {
    auto mark = node.Mark();
    return mark.is_null() ? m_source : fmt::format("{}:{}", m_source, mark.line + 1);
  }

  std::string scalar(const YAML::Node& map, const char* key, bool required) const
  {
    auto node = map[key];
    if (!node || node.IsNull()) {
      if (required) {
        fail(map, key, "is required");
      }
      return "";
    }
    if (!node.IsScalar()) {
      fail(node, key, "expected a text value");
    }
    return node.Scalar();
  }

  std::vector<std::string> list(const YAML::Node& map, const char* key) const
  {
    std::vector<std::string> out;
    auto node = map[key];
    if (!node || node.IsNull()) {
      return out;
    }
    if (node.IsScalar()) {
      return split_list(node.Scalar());
    }
    if (!node.IsSequence()) {
      fail(node, key, "expected a list");
    }
    for (const auto& item : node) {
      out.push_back(item.as<std::string>());
    }
    return out;
  }

  std::optional<double> number(const YAML::Node& map, const char* key) const
  {
    auto text = scalar(map, key, false);
    if (text.empty()) {
      return std::nullopt;
    }
    auto value = parse_double(text);
    if (!value) {
      fail(map[key], key, fmt::format("expected a number, got \"{}\"", text));
    }
    return value;
  }

  Threshold threshold(const YAML::Node& node) const
  {
    Threshold t;
    if (!node || node.IsNull()) {
      return t;
    }
    if (!node.IsMap()) {
      fail(node, "threshold", "expected {warn, crit, unit, direction}");
    }
    for (const auto& entry : node) {
      auto key = entry.first.as<std::string>();
      if (key != "warn" && key != "crit" && key != "unit" && key != "direction") {
        fail(entry.first, "threshold." + key, "unknown key (known: warn, crit, unit, direction)");
      }
    }
    t.warn = number(node, "warn");
    t.crit = number(node, "crit");
    t.unit = scalar(node, "unit", false);
    auto direction = scalar(node, "direction", false);
    if (direction == "below") {
      t.direction = Threshold::Direction::below;
    } else if (!direction.empty() && direction != "above") {
      fail(node["direction"], "threshold.direction", "expected above or below");
    }
    return t;
  }

  // Replaces ${section.key} references; records referenced keys.
  YAML::Node substitute(const YAML::Node& node, std::vector<std::string>& required_config) const
  {
    static const std::regex k_reference(R"(\$\{([a-z_]+\.[a-z_]+)\})");
    if (node.IsScalar()) {
      const std::string& text = node.Scalar();
      std::smatch match;
      if (std::regex_match(text, match, k_reference)) {
        std::string key = match[1];
        required_config.push_back(key);
        if (!m_config.has(key)) {
          return YAML::Node();
        }
        const config::Field* field = config::find_field(key);
        if (field != nullptr && field->type == config::Type::string_list) {
          YAML::Node seq(YAML::NodeType::Sequence);
          for (const auto& item : m_config.get_list(key)) {
            seq.push_back(item);
          }
          return seq;
        }
        if (field != nullptr && field->type == config::Type::object_list) {
          YAML::Node seq(YAML::NodeType::Sequence);
          for (const auto& object : m_config.values().at(key).objects) {
            YAML::Node map(YAML::NodeType::Map);
            for (const auto& [name, value] : object) {
              if (value.type == config::Type::secret) {
                continue; // kinds read secrets from the configuration themselves
              }
              map[name] = value.type == config::Type::string_list ? YAML::Node(value.items) : YAML::Node(value.text);
            }
            seq.push_back(map);
          }
          return seq;
        }
        if (field != nullptr && field->type == config::Type::secret) {
          fail(node, key, "secrets cannot be referenced from a runbook");
        }
        return YAML::Node(*m_config.get_string(key));
      }
      return YAML::Node(text);
    }
    if (node.IsSequence()) {
      YAML::Node out(YAML::NodeType::Sequence);
      for (const auto& item : node) {
        out.push_back(substitute(item, required_config));
      }
      return out;
    }
    if (node.IsMap()) {
      YAML::Node out(YAML::NodeType::Map);
      for (const auto& entry : node) {
        out[entry.first.as<std::string>()] = substitute(entry.second, required_config);
      }
      return out;
    }
    return node;
  }

  CheckDefinition check(const YAML::Node& node, Millis default_timeout) const
  {
    static const std::set<std::string> k_keys = {"id",   "title",    "kind",    "action",    "ref",
                                                 "tags", "requires", "timeout", "threshold", "params"};
    if (!node.IsMap()) {
      fail(node, "checks[]", "expected a check definition");
    }
    for (const auto& entry : node) {
      auto key = entry.first.as<std::string>();
      if (k_keys.count(key) == 0) {
        fail(entry.first, key, "unknown key in check definition");
      }
    }
    CheckDefinition def;
    def.id = scalar(node, "id", true);
    def.title = scalar(node, "title", true);
    def.kind = scalar(node, "kind", true);
    def.action = scalar(node, "action", false);
    def.ref = scalar(node, "ref", false);
    def.tags = list(node, "tags");
    def.required_config = list(node, "requires");
    def.location = location(node);
    def.timeout = default_timeout;
    if (auto text = scalar(node, "timeout", false); !text.empty()) {
      auto timeout = parse_duration(text);
      if (!timeout || timeout->count() == 0) {
        fail(node["timeout"], def.id + ".timeout", fmt::format("expected a duration such as 5s, got \"{}\"", text));
      }
      def.timeout = *timeout;
    }
    def.threshold = threshold(node["threshold"]);
    auto params = node["params"];
    if (params && !params.IsNull() && !params.IsMap()) {
      fail(params, def.id + ".params", "expected a mapping");
    }
    def.params = params && params.IsMap() ? substitute(params, def.required_config) : YAML::Node(YAML::NodeType::Map);
    for (const auto& key : def.required_config) {
      if (config::find_field(key) == nullptr) {
        fail(node, def.id + ".requires", fmt::format("'{}' is not a configuration key", key));
      }
    }
    return def;
  }

private:
  const std::string& m_source;
  const Config& m_config;
};

} // namespace

Runbook parse_runbook(std::string_view yaml, const std::string& source, const Config& config, Millis default_timeout)
{
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    throw Error(ErrorKind::config,
                fmt::format("{}:{}:{}: malformed YAML: {}", source, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  Parser parser(source, config);
  if (!root.IsMap()) {
    parser.fail(root, "(top level)", "expected a runbook with name and checks");
  }
  Runbook runbook;
  runbook.source = source;
  try {
    if (auto version = parser.scalar(root, "version", false); !version.empty() && version != "1") {
      parser.fail(root["version"], "version", "unsupported runbook version (this credguard reads 1)");
    }
    runbook.name = parser.scalar(root, "name", true);
    runbook.title = parser.scalar(root, "title", false);
    runbook.description = parser.scalar(root, "description", false);
    auto checks = root["checks"];
    if (!checks || !checks.IsSequence()) {
      parser.fail(root, "checks", "expected a list of checks");
    }
    std::set<std::string> ids;
    for (const auto& node : checks) {
      auto def = parser.check(node, default_timeout);
      if (!ids.insert(def.id).second) {
        parser.fail(node["id"], def.id, "duplicate check id");
      }
      runbook.checks.push_back(std::move(def));
    }
  } catch (const YAML::Exception& e) {
    throw Error(ErrorKind::config,
                fmt::format("{}:{}:{}: malformed runbook: {}", source, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  return runbook;
}

Runbook load_runbook(const std::string& name, const std::string& dir, const Config& config, Millis default_timeout)
{
  if (!dir.empty()) {
    auto path = std::filesystem::path(dir) / (name + ".yaml");
    std::string text;
    try {
      text = read_file(path);
    } catch (const Error& e) {
      throw Error(ErrorKind::config, e.what(), "checklist.runbook_dir must hold <name>.yaml for each checklist");
    }
    return parse_runbook(text, path.string(), config, default_timeout);
  }
  std::string embedded_name = "runbooks/" + name + ".yaml";
  auto text = embedded::find(embedded_name);
  if (!text) {
    throw Error(ErrorKind::usage, fmt::format("no checklist named '{}'", name),
                fmt::format("known: {}", join(embedded_runbooks(), ", ")));
  }
  return parse_runbook(*text, embedded_name + " (embedded)", config, default_timeout);
}

std::vector<std::string> embedded_runbooks()
{
  std::vector<std::string> names;
  for (const auto& file : embedded::files()) {
    if (file.name.starts_with("runbooks/") && file.name.ends_with(".yaml")) {
      auto base = file.name.substr(9);
      names.emplace_back(base.substr(0, base.size() - 5));
    }
  }
  return names;
}

} // namespace credguard::checks
