#include <credguard/checks/access_log.hpp>
#include <credguard/checks/check_params.hpp>
#include <credguard/checks/log_files.hpp>
#include <credguard/checks/log_kinds.hpp>
#include <credguard/checks/log_walk.hpp>
#include <credguard/core/error.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/core/time_format.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <regex>

namespace credguard::checks {

namespace {

// The newest matching line is shown, cut to this length.
constexpr std::size_t k_line_shown = 200;
// Sources (IPs) named in details.
constexpr std::size_t k_named = 5;

std::string shorten(std::string_view line)
{
  std::string out(trim(line));
  return out.size() > k_line_shown ? out.substr(0, k_line_shown) + "..." : out;
}

LogWalk walk_of(const CheckDefinition& def, const CheckContext& context, int default_rotations)
{
  auto rotations = params::integer(def, "rotations", 0, 50).value_or(default_rotations);
  return LogWalk(log_with_rotations(params::text(def, "path", true), static_cast<int>(rotations)), context.clock.now());
}

struct Pattern {
  std::string source;
  std::regex regex;
};

class LogPatternsKind final : public CheckKind {
public:
  std::string_view name() const override { return "log_patterns"; }

  void validate(const CheckDefinition& def) const override
  {
    compile(def);
    bool by_lines = params::integer(def, "last_lines", 1, 100'000'000).has_value();
    if (by_lines && params::duration(def, "window")) {
      params::fail(def, "window", "give last_lines or window, not both");
    }
    params::integer(def, "rotations", 0, 50);
  }

  std::vector<CheckResult> run(const CheckDefinition& def, CheckContext& context) const override
  {
    auto patterns = compile(def);
    auto walk = walk_of(def, context, 2);
    std::map<std::string, std::size_t> per_pattern;
    std::size_t matching = 0;
    std::string newest;
    auto visit = [&](std::string_view line) {
      bool any = false;
      for (const auto& pattern : patterns) {
        if (std::regex_search(line.begin(), line.end(), pattern.regex)) {
          ++per_pattern[pattern.source];
          any = true;
        }
      }
      if (any && matching++ == 0) {
        newest = shorten(line); // lines come newest first
      }
    };
    std::string scope;
    if (auto window = params::duration(def, "window")) {
      walk.within(*window, [&](std::string_view line, SystemTime) { visit(line); });
      scope = fmt::format("within the last {}", format_duration(*window));
    } else {
      walk.last_lines(static_cast<std::size_t>(params::integer(def, "last_lines", 1, 100'000'000).value_or(1000)),
                      visit);
      scope = fmt::format("in the last {} lines", walk.lines_read());
    }
    std::vector<std::string> counts;
    nlohmann::json by_pattern = nlohmann::json::object();
    for (const auto& [pattern, count] : per_pattern) {
      counts.push_back(fmt::format("{} x{}", pattern, count));
      by_pattern[pattern] = count;
    }
    std::string where = walk.path().string();
    auto result = measured(def, static_cast<double>(matching),
                           matching == 0 ? fmt::format("no match {} of {}", scope, where)
                                         : fmt::format("{} matching {} of {} ({}); newest: {}", matching, scope, where,
                                                       join(counts, ", "), newest));
    result.data = {{"path", where},
                   {"files", walk.file_count()},
                   {"lines_read", walk.lines_read()},
                   {"by_pattern", by_pattern},
                   {"newest_match", newest}};
    return {result};
  }

private:
  static std::vector<Pattern> compile(const CheckDefinition& def)
  {
    auto sources = params::list(def, "patterns");
    if (sources.empty()) {
      params::fail(def, "patterns", "give at least one regular expression");
    }
    auto flags = std::regex::ECMAScript | std::regex::optimize;
    if (params::boolean(def, "ignore_case", false)) {
      flags |= std::regex::icase;
    }
    std::vector<Pattern> compiled;
    for (const auto& source : sources) {
      try {
        compiled.push_back(Pattern{source, std::regex(source, flags)});
      } catch (const std::regex_error& e) {
        params::fail(def, "patterns", fmt::format("\"{}\" is not a valid regular expression: {}", source, e.what()));
      }
    }
    return compiled;
  }
};

// The token after " from " in an sshd line: the client address.
std::string_view source_of(std::string_view line)
{
  auto at = line.find(" from ");
  if (at == std::string_view::npos) {
    return "unknown";
  }
  auto rest = line.substr(at + 6);
  return rest.substr(0, rest.find(' '));
}

std::string top_sources(const std::map<std::string, std::size_t>& counts, nlohmann::json& data)
{
  std::vector<std::pair<std::string, std::size_t>> sorted(counts.begin(), counts.end());
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::vector<std::string> named;
  for (const auto& [source, count] : sorted) {
    data.push_back({{"source", source}, {"count", count}});
    if (named.size() < k_named) {
      named.push_back(fmt::format("{} ({})", source, count));
    }
  }
  return join(named, ", ");
}

class AuthFailuresKind final : public CheckKind {
public:
  std::string_view name() const override { return "auth_failures"; }

  void validate(const CheckDefinition& def) const override
  {
    params::duration(def, "window");
    params::integer(def, "rotations", 0, 50);
  }

  std::vector<CheckResult> run(const CheckDefinition& def, CheckContext& context) const override
  {
    auto window = params::duration(def, "window").value_or(Millis(3'600'000));
    auto needle = params::text(def, "pattern");
    if (needle.empty()) {
      needle = "Failed password";
    }
    auto walk = walk_of(def, context, 1);
    std::size_t failures = 0;
    std::map<std::string, std::size_t> sources;
    walk.within(window, [&](std::string_view line, SystemTime) {
      if (line.find(needle) != std::string_view::npos) {
        ++failures;
        ++sources[std::string(source_of(line))];
      }
    });
    double hours = static_cast<double>(window.count()) / 3'600'000.0;
    double rate = static_cast<double>(failures) / hours;
    nlohmann::json by_source = nlohmann::json::array();
    auto named = top_sources(sources, by_source);
    auto result = measured(def, rate,
                           failures == 0 ? fmt::format("no \"{}\" within the last {} of {}", needle,
                                                       format_duration(window), walk.path().string())
                                         : fmt::format("{} \"{}\" within the last {} ({:.1f}/h); from {}", failures,
                                                       needle, format_duration(window), rate, named));
    result.data = {{"path", walk.path().string()}, {"failures", failures}, {"sources", by_source}};
    return {result};
  }
};

class AccessBurstsKind final : public CheckKind {
public:
  std::string_view name() const override { return "access_bursts"; }

  void validate(const CheckDefinition& def) const override { options(def, SystemTime{}); }

  std::vector<CheckResult> run(const CheckDefinition& def, CheckContext& context) const override
  {
    auto scan_options = options(def, context.clock.now());
    auto rotations = params::integer(def, "rotations", 0, 50).value_or(1);
    auto files = log_with_rotations(params::text(def, "path", true), static_cast<int>(rotations));
    BurstScanner scanner(scan_options);
    for (const auto& file : files) {
      LogText text(file, LogText::Access::scan);
      scanner.feed(text.text());
    }
    auto report = scanner.finish();
    std::vector<std::string> statuses;
    for (int status : scan_options.statuses) {
      statuses.push_back(std::to_string(status));
    }
    std::vector<std::string> named;
    nlohmann::json offenders = nlohmann::json::array();
    for (const auto& offender : report.offenders) {
      auto start = format_rfc3339_seconds(SystemTime(std::chrono::seconds(offender.peak_start)));
      if (named.size() < k_named) {
        named.push_back(fmt::format("{} ({} from {})", offender.ip, offender.peak, start));
      }
      offenders.push_back(
          {{"ip", offender.ip}, {"peak", offender.peak}, {"peak_start", start}, {"total", offender.total}});
    }
    std::string rule = fmt::format("more than {} responses {} within {}", scan_options.limit, join(statuses, "/"),
                                   format_duration(std::chrono::duration_cast<Millis>(scan_options.window)));
    std::string detail =
        report.offenders.empty()
            ? fmt::format("no IP with {} ({} such responses in {})", rule, report.matched, files.front().string())
            : fmt::format("{} with {}: {}{}",
                          report.offenders.size() == 1 ? "1 IP" : fmt::format("{} IPs", report.offenders.size()), rule,
                          join(named, ", "), report.offenders.size() > named.size() ? " ..." : "");
    auto result = measured(def, static_cast<double>(report.offenders.size()), detail);
    result.data = {{"path", files.front().string()},
                   {"matched", report.matched},
                   {"undated", report.undated},
                   {"offenders", offenders}};
    return {result};
  }

private:
  static BurstOptions options(const CheckDefinition& def, SystemTime now)
  {
    BurstOptions options;
    if (auto statuses = params::list(def, "statuses"); !statuses.empty()) {
      options.statuses.clear();
      for (const auto& status : statuses) {
        auto value = parse_int(status);
        if (!value || *value < 100 || *value > 599) {
          params::fail(def, "statuses", fmt::format("\"{}\" is not an HTTP status", status));
        }
        options.statuses.push_back(static_cast<int>(*value));
      }
    }
    options.window =
        std::chrono::duration_cast<std::chrono::seconds>(params::duration(def, "window").value_or(Millis(300'000)));
    if (options.window.count() == 0) {
      params::fail(def, "window", "must be at least one second");
    }
    options.limit = static_cast<std::size_t>(params::integer(def, "limit", 0, 1'000'000'000).value_or(50));
    auto since = params::duration(def, "since", true).value_or(Millis(86'400'000));
    if (since.count() > 0) {
      options.since = std::chrono::duration_cast<std::chrono::seconds>((now - since).time_since_epoch()).count();
    }
    params::integer(def, "rotations", 0, 50);
    return options;
  }
};

} // namespace

void add_log_kinds(KindRegistry& registry)
{
  registry.add(std::make_unique<LogPatternsKind>());
  registry.add(std::make_unique<AuthFailuresKind>());
  registry.add(std::make_unique<AccessBurstsKind>());
}

} // namespace credguard::checks
