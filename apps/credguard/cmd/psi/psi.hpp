#pragma once

#include "cli/verb.hpp"

#include <credguard/drift/psi.hpp>

#include <string>
#include <vector>

namespace credguard::cli {

// psi: the Population Stability Index between two datasets, each a CSV
// file or the result of a query to the configured MySQL.
struct PsiOptions {
  std::string baseline; // path, "-" for stdin, .gz transparently
  std::string current;
  std::string baseline_sql; // instead of `baseline`: a SELECT run on mysql.*
  std::string current_sql;
  std::vector<std::string> features;    // empty: every column
  std::vector<std::string> categorical; // binned by value
  std::size_t bins = 10;
  std::string binning = "quantile"; // quantile|uniform
  double epsilon = 1e-4;
  bool strict = false;
  std::string output_file; // -o: written atomically; default stdout
};

// Computes the PSI and prints it (table or --output json). Returns 0, 1 or
// 2 by the worst feature's band (stable, attention, action). Throws
// Error(usage) unless each side has exactly one of file and query,
// Error(data) for bad input before anything is printed or written, and
// what mysql::Client::query throws for a query.
int run_psi(const PsiOptions& options, Context& ctx);

// Adds the psi options to `cmd`, running `run` once they are parsed.
void add_psi_verb(CLI::App& cmd, Context& ctx, RunFn<PsiOptions> run = run_psi);

// The report as the table printed on a terminal (colour when `color`).
std::string render_psi_table(const drift::PsiReport& report, bool color);

} // namespace credguard::cli
