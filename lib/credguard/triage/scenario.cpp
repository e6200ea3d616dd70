#include <credguard/core/embedded.hpp>
#include <credguard/core/error.hpp>
#include <credguard/core/files.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/triage/scenario.hpp>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <set>

namespace credguard::triage {

namespace {

class Parser {
public:
  explicit Parser(const std::string& source)
    : m_source(source)
  {}

  [[noreturn]] void fail(const YAML::Node& node, std::string_view key, std::string_view problem) const
  {
    auto mark = node.Mark();
    std::string where = mark.is_null() ? m_source : fmt::format("{}:{}:{}", m_source, mark.line + 1, mark.column + 1);
    throw Error(ErrorKind::config, fmt::format("{}: {}: {}", where, key, problem));
  }

  void only_keys(const YAML::Node& map, std::string_view what, const std::set<std::string, std::less<>>& keys) const
  {
    if (!map.IsMap()) {
      fail(map, what, "expected a mapping");
    }
    for (const auto& entry : map) {
      auto key = entry.first.as<std::string>();
      if (keys.count(key) == 0) {
        fail(entry.first, key,
             fmt::format("unknown key in {} (known: {})", what,
                         join(std::vector<std::string>(keys.begin(), keys.end()), ", ")));
      }
    }
  }

  std::string text(const YAML::Node& map, const char* key) const
  {
    auto node = map[key];
    if (!node || node.IsNull()) {
      fail(map, key, "is required");
    }
    if (!node.IsScalar() || trim(node.Scalar()).empty()) {
      fail(node, key, "expected non-empty text");
    }
    return std::string(trim(node.Scalar()));
  }

  std::vector<std::string> texts(const YAML::Node& map, const char* key) const
  {
    auto node = map[key];
    if (!node || node.IsNull()) {
      fail(map, key, "is required");
    }
    if (!node.IsSequence() || node.size() == 0) {
      fail(node, key, "expected a non-empty list");
    }
    std::vector<std::string> out;
    for (const auto& item : node) {
      if (!item.IsScalar() || trim(item.Scalar()).empty()) {
        fail(item, key, "expected non-empty text");
      }
      out.emplace_back(trim(item.Scalar()));
    }
    return out;
  }

  std::vector<std::string> signals(const YAML::Node& map) const
  {
    static const std::regex k_signal("[a-z0-9]+(-[a-z0-9]+)*");
    auto out = texts(map, "signals");
    std::set<std::string> seen;
    std::size_t i = 0;
    for (const auto& signal : out) {
      if (!std::regex_match(signal, k_signal)) {
        fail(map["signals"][i], "signals", fmt::format("\"{}\": expected lower-case words joined by '-'", signal));
      }
      if (!seen.insert(signal).second) {
        fail(map["signals"][i], "signals", fmt::format("\"{}\" is listed twice", signal));
      }
      ++i;
    }
    return out;
  }

  PlaybookStep step(const YAML::Node& node, const std::string& key) const
  {
    if (node.IsScalar()) {
      if (trim(node.Scalar()).empty()) {
        fail(node, key, "expected non-empty text");
      }
      return {std::string(trim(node.Scalar())), ""};
    }
    if (node.IsMap() && !node["do"] && node.size() == 1) {
      fail(node, key, "a step is text or {do, run}: quote a step whose text contains \": \"");
    }
    only_keys(node, key, {"do", "run"});
    PlaybookStep out{text(node, "do"), ""};
    if (node["run"] && !node["run"].IsNull()) {
      out.command = text(node, "run");
      check_command(node["run"], key + ".run", out.command);
    }
    return out;
  }

  void check_command(const YAML::Node& node, const std::string& key, const std::string& command) const
  {
    auto words = split_list(command, ' ');
    if (words.empty() || words[0] != "credguard") {
      return; // kubectl, aws and friends are free text
    }
    const auto& known = known_commands();
    if (words.size() < 2 || std::find(known.begin(), known.end(), words[1]) == known.end()) {
      fail(node, key,
           fmt::format("\"{}\": not a credguard command (known: {})", command,
                       join(std::vector<std::string>(known.begin(), known.end()), ", ")));
    }
  }

  std::vector<PlaybookStep> phase(const YAML::Node& playbook, const char* name) const
  {
    auto node = playbook[name];
    std::string key = fmt::format("playbook.{}", name);
    if (!node || node.IsNull()) {
      fail(playbook, key, "is required");
    }
    if (!node.IsSequence() || node.size() == 0) {
      fail(node, key, "expected a non-empty list of steps");
    }
    std::vector<PlaybookStep> out;
    for (const auto& item : node) {
      out.push_back(step(item, key));
    }
    return out;
  }

  Scenario scenario(const YAML::Node& root) const
  {
    only_keys(root, "scenario",
              {"version", "name", "title", "summary", "severity", "trigger", "expected", "signals", "playbook"});
    if (text(root, "version") != "1") {
      fail(root["version"], "version", "expected 1");
    }
    Scenario s;
    s.source = m_source;
    s.name = text(root, "name");
    auto stem = std::filesystem::path(m_source).stem().string();
    if (m_source.ends_with(".yaml") && stem != s.name) {
      fail(root["name"], "name", fmt::format("\"{}\" must match the file name \"{}.yaml\"", s.name, stem));
    }
    s.title = text(root, "title");
    s.summary = text(root, "summary");
    auto severity = parse_severity(text(root, "severity"));
    if (!severity) {
      fail(root["severity"], "severity", "expected P1, P2, P3 or P4");
    }
    s.severity = *severity;
    s.trigger = text(root, "trigger");
    s.expected = texts(root, "expected");
    s.signals = signals(root);
    auto playbook = root["playbook"];
    if (!playbook) {
      fail(root, "playbook", "is required");
    }
    only_keys(playbook, "playbook", {"investigate", "isolate", "mitigate", "postmortem"});
    s.investigate = phase(playbook, "investigate");
    s.isolate = phase(playbook, "isolate");
    s.mitigate = phase(playbook, "mitigate");
    s.postmortem = phase(playbook, "postmortem");
    return s;
  }

private:
  std::string m_source;
};

} // namespace

const std::vector<std::string_view>& known_commands()
{
  static const std::vector<std::string_view> k_commands = {"checklist",  "psi",      "triage",      "revoke",
                                                           "quarantine", "rollback", "purge-cache", "postmortem",
                                                           "backup",     "journal"};
  return k_commands;
}

std::vector<std::pair<std::string_view, const std::vector<PlaybookStep>*>> phases(const Scenario& s)
{
  return {{"investigate", &s.investigate},
          {"isolate", &s.isolate},
          {"mitigate", &s.mitigate},
          {"postmortem", &s.postmortem}};
}

Scenario parse_scenario(std::string_view yaml, const std::string& source)
{
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    throw Error(ErrorKind::config,
                fmt::format("{}:{}:{}: not valid YAML: {}", source, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  try {
    return Parser(source).scenario(root);
  } catch (const YAML::Exception& e) {
    throw Error(ErrorKind::config, fmt::format("{}:{}: {}", source, e.mark.line + 1, e.msg));
  }
}

std::vector<Scenario> load_scenarios(const std::string& dir)
{
  std::vector<Scenario> out;
  auto add = [&](Scenario s) {
    auto it = std::find_if(out.begin(), out.end(), [&](const Scenario& o) { return o.name == s.name; });
    if (it != out.end()) {
      *it = std::move(s);
    } else {
      out.push_back(std::move(s));
    }
  };
  for (const auto& file : embedded::files()) {
    if (file.name.starts_with("scenarios/") && file.name.ends_with(".yaml")) {
      add(parse_scenario(file.content, std::string(file.name)));
    }
  }
  if (!dir.empty()) {
    std::error_code ec;
    std::vector<std::filesystem::path> paths;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
      if (entry.path().extension() == ".yaml") {
        paths.push_back(entry.path());
      }
    }
    if (ec) {
      throw Error(ErrorKind::config, fmt::format("triage.scenario_dir: {}: {}", dir, ec.message()));
    }
    std::sort(paths.begin(), paths.end());
    for (const auto& path : paths) {
      std::string content;
      try {
        content = read_file(path);
      } catch (const Error& e) {
        throw Error(ErrorKind::config, e.what());
      }
      add(parse_scenario(content, path.string()));
    }
  }
  std::sort(out.begin(), out.end(), [](const Scenario& a, const Scenario& b) { return a.name < b.name; });
  return out;
}

const Scenario* find_scenario(const std::vector<Scenario>& scenarios, std::string_view name)
{
  auto it = std::find_if(scenarios.begin(), scenarios.end(), [&](const Scenario& s) { return s.name == name; });
  return it == scenarios.end() ? nullptr : &*it;
}

std::vector<std::string> known_signals(const std::vector<Scenario>& scenarios)
{
  std::set<std::string> all;
  for (const auto& s : scenarios) {
    all.insert(s.signals.begin(), s.signals.end());
  }
  return {all.begin(), all.end()};
}

std::vector<ScenarioMatch> rank_scenarios(const std::vector<Scenario>& scenarios,
                                          const std::vector<std::string>& signals)
{
  std::vector<ScenarioMatch> out;
  for (const auto& s : scenarios) {
    ScenarioMatch match{&s, {}};
    for (const auto& signal : s.signals) {
      if (std::find(signals.begin(), signals.end(), signal) != signals.end()) {
        match.matched.push_back(signal);
      }
    }
    if (!match.matched.empty()) {
      out.push_back(std::move(match));
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const ScenarioMatch& a, const ScenarioMatch& b) {
    if (a.matched.size() != b.matched.size()) {
      return a.matched.size() > b.matched.size();
    }
    // Compare matched/total as cross products: no floating point.
    auto left = a.matched.size() * b.scenario->signals.size();
    auto right = b.matched.size() * a.scenario->signals.size();
    if (left != right) {
      return left > right;
    }
    return a.scenario->name < b.scenario->name;
  });
  return out;
}

nlohmann::json to_json(const Scenario& s)
{
  nlohmann::json playbook = nlohmann::json::object();
  for (const auto& [name, steps] : phases(s)) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& step : *steps) {
      nlohmann::json item = {{"do", step.text}};
      if (!step.command.empty()) {
        item["run"] = step.command;
      }
      items.push_back(item);
    }
    playbook[std::string(name)] = items;
  }
  return {{"name", s.name},       {"title", s.title},       {"summary", s.summary}, {"severity", to_json(s.severity)},
          {"trigger", s.trigger}, {"expected", s.expected}, {"signals", s.signals}, {"playbook", playbook}};
}

} // namespace credguard::triage
