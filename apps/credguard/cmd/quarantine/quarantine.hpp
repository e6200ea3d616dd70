#pragma once

#include "cli/verb.hpp"

#include <string>

namespace credguard::cli {

// quarantine MODEL VERSION --incident ID --reason TEXT --ttl 14d
struct QuarantineOptions {
  std::string model;
  std::string version;
  std::string incident;
  std::string reason;
  std::string ttl = "14d";
  bool renotify = false;
  bool dry_run = false;
  bool yes = false;
};

// Inspects the registry, prints the plan and, once confirmed, runs it
// (mark Quarantined, event, denylist, purge, alias, forensic copy): exit 0
// when every step is done, 2 when one failed, 130 when interrupted; 64 for
// a missing argument or no confirmation and 65 for an unknown version,
// before anything changes.
int run_quarantine(const QuarantineOptions& options, Context& ctx);

// quarantine list [MODEL]
struct QuarantineListOptions {
  std::string model;
};

// Prints every Quarantined version: deadline, days left, incident. Exit 0.
int run_quarantine_list(const QuarantineListOptions& options, Context& ctx);

// quarantine expire [MODEL]: for cron.
struct QuarantineExpireOptions {
  std::string model;
};

// Lists and journals the quarantines past their deadline: exit 1 when
// there is any, 0 otherwise.
int run_quarantine_expire(const QuarantineExpireOptions& options, Context& ctx);

// quarantine confirm MODEL VERSION: the suspicion is confirmed.
struct QuarantineConfirmOptions {
  std::string model;
  std::string version;
  std::string incident; // default: the quarantine's incident
  std::string reason;   // default: the quarantine's reason
  bool dry_run = false;
  bool yes = false;
};

// Runs the revoke plan on a Quarantined version (exit codes as revoke).
// Exit 65 when the version is not Quarantined.
int run_quarantine_confirm(const QuarantineConfirmOptions& options, Context& ctx);

// quarantine release MODEL VERSION --report FILE: a false positive.
struct QuarantineReleaseOptions {
  std::string model;
  std::string version;
  std::string report; // a file with the investigation's conclusion
  bool dry_run = false;
  bool yes = false;
};

// Journals the report, returns the version to its previous state and
// removes it from the denylists. Exit 0 done, 2 a step failed; 65 when
// not Quarantined or the report is empty, 74 when it cannot be read.
int run_quarantine_release(const QuarantineReleaseOptions& options, Context& ctx);

// The subcommands list, expire, confirm and release.
void add_quarantine_manage(CLI::App& cmd, Context& ctx);

} // namespace credguard::cli
