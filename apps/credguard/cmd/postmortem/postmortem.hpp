#pragma once

#include "cli/verb.hpp"

#include <string>
#include <vector>

namespace credguard::cli {

// postmortem INC-ID: the 7-section post-mortem from the journal.
struct PostmortemOptions {
  std::string incident;
  std::string format;      // md|json; empty: md, or json with --output json
  std::string output_file; // -o; default stdout
  std::vector<std::string> root_causes;
  std::vector<std::string> lessons;
  std::vector<std::string> actions; // "text;owner;due"
  std::string reason;
};

// Verifies the journal, journals the added content (postmortem.root_cause,
// .lesson, .action), then renders the document. Returns 0, or 2 when the
// journal's chain did not verify (the document says so). Throws
// Error(usage) for a malformed --action, Error(data) when the journal has
// no entry for the incident, Error(io) when the journal or -o cannot be
// written (nothing is written then).
int run_postmortem(const PostmortemOptions& options, Context& ctx);

// Adds postmortem's arguments to `cmd`; `run` is called once they parse.
void configure_postmortem(CLI::App& cmd, Context& ctx, RunFn<PostmortemOptions> run = run_postmortem);

} // namespace credguard::cli
