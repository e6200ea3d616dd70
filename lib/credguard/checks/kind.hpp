#pragma once

#include <credguard/checks/definition.hpp>
#include <credguard/checks/result.hpp>
#include <credguard/core/clock.hpp>
#include <credguard/core/config.hpp>
#include <credguard/core/log.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace credguard::http {
class Transport;
}
namespace credguard::mysql {
class Client;
}
namespace credguard::prometheus {
class Client;
}

namespace credguard::checks {

// The platform clients a check may use, created on first use and shared by
// concurrent checks (so thread-safe). The CLI provides the real ones; tests
// provide their own. A client this context does not provide throws
// Error(config) naming the keys that would configure it.
class Clients {
public:
  virtual ~Clients() = default;
  virtual http::Transport& http() = 0;
  // The platform database (mysql.* keys).
  virtual mysql::Client& mysql();
  // The Prometheus server (prometheus.url, prometheus.token).
  virtual prometheus::Client& prometheus();
};

// The result of the same check in an earlier run of its checklist, as
// recorded in the journal, for kinds that compare with the past (growth).
struct PastResult {
  SystemTime at;
  nlohmann::json data;
};

// What a running check can see. Everything referenced must outlive the run.
struct CheckContext {
  const Config& config;
  const Clock& clock;
  Log& log;
  Clients& clients;
  std::filesystem::path proc_root = "/proc"; // tests point it at fixtures
  SteadyTime deadline;                       // the check's timeout, on std::chrono::steady_clock
  std::vector<PastResult> history = {};      // newest first; only for kinds that want it

  // Time left before the deadline (at least 1 ms).
  Millis remaining() const;
};

// A kind of check (cpu, disk, mysql_query, ...): validates its params when
// the runbook is loaded and measures when run.
class CheckKind {
public:
  virtual ~CheckKind() = default;
  virtual std::string_view name() const = 0;
  // Throws Error(config) naming def.location when params are wrong.
  virtual void validate(const CheckDefinition& def) const { (void)def; }
  // Config keys this kind needs besides the definition's own, e.g. mysql.host.
  virtual std::vector<std::string> required_config(const CheckDefinition& def) const
  {
    (void)def;
    return {};
  }
  // True when run() compares with earlier runs: the CLI then reads the
  // check's past results from the journal and records this run's data.
  virtual bool wants_history(const CheckDefinition& def) const
  {
    (void)def;
    return false;
  }
  // Measures. Returns one result, or one per item (filesystem, host...);
  // the engine fills in id, title, kind, tags, action and duration where
  // left empty. Throws Error when the check cannot run (-> UNKNOWN).
  virtual std::vector<CheckResult> run(const CheckDefinition& def, CheckContext& context) const = 0;
};

// The kinds a build knows. A kind that is planned but not built here can be
// named, so runbooks that use it still load and report UNKNOWN.
class KindRegistry {
public:
  void add(std::unique_ptr<CheckKind> kind);
  void add_planned(std::string name, std::string why, std::vector<std::string> required_config = {});
  const CheckKind* find(std::string_view name) const;
  // Why a planned kind is unavailable, or nullopt when unknown.
  std::optional<std::string> planned(std::string_view name) const;
  // The config keys a planned kind will need (so it SKIPs when unset).
  std::vector<std::string> planned_required_config(std::string_view name) const;
  std::vector<std::string> names() const;

private:
  std::map<std::string, std::unique_ptr<CheckKind>, std::less<>> m_kinds;
  struct Planned {
    std::string why;
    std::vector<std::string> required_config;
  };
  std::map<std::string, Planned, std::less<>> m_planned;
};

// Every kind built into credguard.
KindRegistry builtin_kinds();

// Throws Error(config) for checks whose kind is unknown or whose params are
// invalid.
void validate_runbook(const Runbook& runbook, const KindRegistry& kinds);

} // namespace credguard::checks

namespace credguard::checks {

// A result for `value` judged by the definition's threshold.
CheckResult measured(const CheckDefinition& def, double value, std::string detail = {});

} // namespace credguard::checks
