#include <credguard/checks/engine.hpp>
#include <credguard/core/config_schema.hpp>
#include <credguard/core/error.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/core/time_format.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace credguard::checks {

namespace {

// State shared with the check threads; a thread that outlives its timeout
// keeps it alive and its late result is ignored.
struct Shared {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::optional<std::vector<CheckResult>>> finished;
};

bool matches(const CheckDefinition& def, const std::vector<std::string>& names)
{
  return std::any_of(names.begin(), names.end(), [&](const std::string& name) {
    return name == def.id || std::find(def.tags.begin(), def.tags.end(), name) != def.tags.end();
  });
}

CheckResult single(const CheckDefinition& def, Status status, std::string detail)
{
  CheckResult result;
  result.status = status;
  result.detail = std::move(detail);
  result.threshold = def.threshold.describe();
  return result;
}

void fill_defaults(std::vector<CheckResult>& results, const CheckDefinition& def, Millis duration)
{
  for (auto& result : results) {
    if (result.id.empty()) {
      result.id = def.id;
    }
    if (result.title.empty()) {
      result.title = def.title;
    }
    result.kind = def.kind;
    if (result.tags.empty()) {
      result.tags = def.tags;
    }
    if (result.action.empty()) {
      result.action = def.action;
    }
    if (result.threshold.empty()) {
      result.threshold = def.threshold.describe();
    }
    result.duration = duration;
  }
}

std::string missing_config_message(const std::vector<std::string>& keys)
{
  std::vector<std::string> described;
  for (const auto& key : keys) {
    auto dot = key.find('.');
    described.push_back(fmt::format("{} (or ${})", key, config::env_name(key.substr(0, dot), key.substr(dot + 1))));
  }
  return fmt::format("not configured: set {}", join(described, ", "));
}

} // namespace

bool selected(const CheckDefinition& def, const RunOptions& options)
{
  if (!options.only.empty() && !matches(def, options.only)) {
    return false;
  }
  return !matches(def, options.skip);
}

EngineRun run_runbook(const Runbook& runbook, const KindRegistry& kinds, const EngineContext& context,
                      const RunOptions& options)
{
  EngineRun run;
  run.report.name = runbook.name;
  run.report.title = runbook.title;
  run.report.source = runbook.source;
  run.report.started = context.clock.now();
  const SteadyTime start = context.clock.steady_now();

  std::vector<const CheckDefinition*> chosen;
  for (const auto& def : runbook.checks) {
    if (selected(def, options)) {
      chosen.push_back(&def);
    }
  }
  auto shared = std::make_shared<Shared>();
  shared->finished.resize(chosen.size());
  std::vector<std::thread> threads(chosen.size());
  // Timeouts run on the real steady clock: check threads take real time
  // even when the injected clock is a fake.
  std::vector<SteadyTime> deadlines(chosen.size(), std::chrono::steady_clock::now());

  for (std::size_t i = 0; i < chosen.size(); ++i) {
    const CheckDefinition& def = *chosen[i];
    const CheckKind* kind = kinds.find(def.kind);
    std::vector<std::string> missing;
    std::vector<std::string> keys = def.required_config;
    auto more = kind != nullptr ? kind->required_config(def) : kinds.planned_required_config(def.kind);
    keys.insert(keys.end(), more.begin(), more.end());
    for (const auto& key : keys) {
      if (!context.config.has(key) && std::find(missing.begin(), missing.end(), key) == missing.end()) {
        missing.push_back(key);
      }
    }
    if (!missing.empty() || kind == nullptr) {
      std::vector<CheckResult> results;
      if (!missing.empty()) {
        results.push_back(single(def, Status::skip, missing_config_message(missing)));
      } else {
        auto why = kinds.planned(def.kind).value_or("unknown check kind");
        results.push_back(
            single(def, Status::unknown, fmt::format("check kind '{}' is not available: {}", def.kind, why)));
      }
      fill_defaults(results, def, Millis(0));
      shared->finished[i] = std::move(results);
      continue;
    }
    deadlines[i] = std::chrono::steady_clock::now() + def.timeout;
    threads[i] = std::thread([shared, i, def, kind, context, deadline = deadlines[i]] {
      CheckContext check_context{context.config,  context.clock,     context.log,
                                 context.clients, context.proc_root, deadline};
      if (auto past = context.history.find(def.id); past != context.history.end()) {
        check_context.history = past->second;
      }
      SteadyTime began = context.clock.steady_now();
      std::vector<CheckResult> results;
      try {
        results = kind->run(def, check_context);
      } catch (const Error& e) {
        results = {single(def, Status::unknown, e.what())};
      } catch (const std::exception& e) {
        results = {single(def, Status::unknown, fmt::format("internal error: {}", e.what()))};
      }
      if (results.empty()) {
        results = {single(def, Status::unknown, "the check produced no result")};
      }
      fill_defaults(results, def, elapsed_since(context.clock, began));
      std::lock_guard lock(shared->mutex);
      if (!shared->finished[i]) {
        shared->finished[i] = std::move(results);
      }
      shared->changed.notify_all();
    });
  }

  std::vector<bool> reported(chosen.size(), false);
  std::unique_lock lock(shared->mutex);
  while (true) {
    auto now = std::chrono::steady_clock::now();
    std::optional<SteadyTime> next_deadline;
    for (std::size_t i = 0; i < chosen.size(); ++i) {
      if (shared->finished[i]) {
        continue;
      }
      if (now >= deadlines[i]) {
        auto results = std::vector<CheckResult>{single(
            *chosen[i], Status::unknown, fmt::format("did not finish within {}", format_duration(chosen[i]->timeout)))};
        fill_defaults(results, *chosen[i], chosen[i]->timeout);
        shared->finished[i] = std::move(results);
        ++run.stragglers;
        threads[i].detach();
        continue;
      }
      next_deadline = next_deadline ? std::min(*next_deadline, deadlines[i]) : deadlines[i];
    }
    for (std::size_t i = 0; i < chosen.size(); ++i) {
      if (shared->finished[i] && !reported[i]) {
        reported[i] = true;
        if (options.on_result) {
          lock.unlock();
          for (const auto& result : *shared->finished[i]) {
            options.on_result(result);
          }
          lock.lock();
        }
      }
    }
    if (!next_deadline) {
      break;
    }
    shared->changed.wait_for(lock, std::min<std::chrono::nanoseconds>(*next_deadline - now, Millis(50)));
  }
  for (auto& results : shared->finished) {
    for (const auto& result : *results) {
      run.report.results.push_back(result);
    }
  }
  lock.unlock();
  for (auto& thread : threads) {
    if (thread.joinable()) {
      thread.join();
    }
  }
  run.report.duration = elapsed_since(context.clock, start);
  return run;
}

} // namespace credguard::checks
