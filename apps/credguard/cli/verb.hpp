#pragma once

#include "cli/context.hpp"

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>

namespace credguard::cli {

// What a verb runs once its options are parsed: returns the exit code.
template <typename Options> using RunFn = std::function<int(const Options&, Context&)>;

// Makes `cmd` run `run(*options, ctx)` once parsing has succeeded. Parsing
// and running stay separate: --help and parse errors never run anything,
// and tests can pass their own `run` to check argv -> options.
template <typename Options>
void on_parsed(CLI::App& cmd, Context& ctx, std::shared_ptr<Options> options, RunFn<Options> run)
{
  cmd.callback([&ctx, options, run] { ctx.action = [&ctx, options, run] { return run(*options, ctx); }; });
}

// Number checks whose errors name the bounds as people write them
// ("-1 is below 0"), not as CLI11's Range does (std::to_string of the
// type's limits: 309 digits). `name` is what --help shows (NONNEGATIVE).
CLI::Validator number_at_least(double low, const std::string& name);
CLI::Validator number_above(double low, const std::string& name);
CLI::Validator number_between(double low, double high);

// Adds --NAME restricted to `choices`; completions offer the choices.
CLI::Option* add_choice(CLI::App& cmd, const std::string& name, std::string& value,
                        const std::vector<std::string>& choices, const std::string& help);

} // namespace credguard::cli
