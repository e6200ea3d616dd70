#include "cmd/psi/psi.hpp"

#include "cmd/commands.hpp"

#include <credguard/core/error.hpp>
#include <credguard/core/files.hpp>
#include <credguard/drift/csv_source.hpp>
#include <credguard/drift/table_source.hpp>

#include <fmt/format.h>

namespace credguard::cli {

namespace {

// One side of the comparison: the file `path`, or the rows of `sql` (run on
// the configured MySQL) when it is set. `flag` names the side's option.
std::unique_ptr<drift::RowSource> open_dataset(const std::string& flag, const std::string& path, const std::string& sql,
                                               Context& ctx)
{
  if (path.empty() == sql.empty()) {
    throw Error(ErrorKind::usage, fmt::format("give one of {0} FILE and {0}-sql QUERY", flag));
  }
  if (sql.empty()) {
    return drift::open_csv(path, ctx.in());
  }
  if (!ctx.config().has("mysql.host") && !ctx.config().has("mysql.socket")) {
    throw Error(ErrorKind::config, fmt::format("{}-sql needs the platform database: mysql.host is not set", flag),
                "set mysql.host (or mysql.socket), user and password in the configuration");
  }
  auto& db = ctx.mysql();
  auto result = db.query(sql);
  return std::make_unique<drift::TableSource>(fmt::format("{}-sql (MySQL {})", flag, db.endpoint()),
                                              std::move(result.columns), std::move(result.rows));
}

} // namespace

int run_psi(const PsiOptions& options, Context& ctx)
{
  auto format = ctx.output_format({OutputFormat::table, OutputFormat::json});
  if (options.baseline == "-" && options.current == "-") {
    throw Error(ErrorKind::usage, "--baseline and --current cannot both be standard input (-)");
  }
  drift::PsiOptions engine;
  engine.features = options.features;
  engine.categorical = options.categorical;
  engine.bins = options.bins;
  engine.binning = options.binning == "uniform" ? drift::Binning::uniform : drift::Binning::quantile;
  engine.epsilon = options.epsilon;
  engine.strict = options.strict;

  auto baseline = open_dataset("--baseline", options.baseline, options.baseline_sql, ctx);
  auto current = open_dataset("--current", options.current, options.current_sql, ctx);
  auto report = drift::compute_psi(*baseline, *current, engine);

  for (const auto& feature : report.features) {
    if (!feature.note.empty()) {
      ctx.log().warn(fmt::format("column '{}' is {}", feature.name, feature.note));
    }
  }
  bool to_file = !options.output_file.empty() && options.output_file != "-";
  std::string text = format == OutputFormat::json ? drift::to_json(report).dump(2) + "\n"
                                                  : render_psi_table(report, !to_file && ctx.color());
  if (to_file) {
    write_file_atomic(options.output_file, text);
  } else {
    ctx.out() << text;
  }
  ctx.log().info(fmt::format("psi: {} feature{}; baseline {} rows, current {} rows; max PSI {:.4f} ({})",
                             report.features.size(), report.features.size() == 1 ? "" : "s", report.baseline_rows,
                             report.current_rows, report.max_psi, drift::to_string(report.band)));
  return to_int(drift::exit_code(report.band));
}

void add_psi_verb(CLI::App& cmd, Context& ctx, RunFn<PsiOptions> run)
{
  auto options = std::make_shared<PsiOptions>();
  auto* baseline =
      cmd.add_option("--baseline", options->baseline, "Reference dataset: CSV file, .gz, or - for standard input")
          ->type_name("FILE");
  auto* current = cmd.add_option("--current", options->current, "Dataset to compare with the baseline (same forms)")
                      ->type_name("FILE");
  cmd.add_option("--baseline-sql", options->baseline_sql, "Reference dataset: the rows of a query to mysql.*")
      ->type_name("QUERY")
      ->excludes(baseline);
  cmd.add_option("--current-sql", options->current_sql, "Dataset to compare: the rows of a query to mysql.*")
      ->type_name("QUERY")
      ->excludes(current);
  cmd.add_option("--features", options->features, "Columns to compare, comma-separated (default: all)")
      ->delimiter(',')
      ->type_name("COLUMNS");
  cmd.add_option("--categorical", options->categorical, "Columns to bin by value, comma-separated")
      ->delimiter(',')
      ->type_name("COLUMNS");
  cmd.add_option("--bins", options->bins, "Number of bins of numeric columns (default 10)")
      ->check(CLI::Range(2, 1000))
      ->type_name("N");
  add_choice(cmd, "--binning", options->binning, {"quantile", "uniform"},
             "quantile (edges at the baseline's quantiles, the default) or uniform (equal widths)");
  cmd.add_option("--epsilon", options->epsilon, "Replaces a zero proportion, above 0 and below 1 (default 0.0001)")
      ->type_name("E");
  cmd.add_flag("--strict", options->strict, "A text cell in a column of numbers is an error (exit 65)");
  cmd.add_option("-o,--output-file", options->output_file, "Write the result to FILE (atomically)")->type_name("FILE");
  cmd.footer("PSI = sum over bins of (current - baseline) * ln(current / baseline), proportions of all rows.\n"
             "Bands: stable < 0.1 <= attention < 0.25 <= action. Exit status: 0 stable, 1 attention, 2 action,\n"
             "65 bad input (nothing is printed or written). The definition is in credguard(1).");
  on_parsed(cmd, ctx, options, std::move(run));
}

void add_psi(CLI::App& cmd, Context& ctx)
{
  add_psi_verb(cmd, ctx);
}

} // namespace credguard::cli
