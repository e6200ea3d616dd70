#include "cmd/purge/purge_cache.hpp"
#include "cmd/revoke/revoke.hpp"
#include "fakes/mlflow.hpp"
#include "fakes/serving.hpp"
#include "harness.hpp"

#include <catch2/catch.hpp>

#include <optional>

using namespace credguard;
using namespace credguard::cli;

namespace {

void parse(CLI::App& app, std::vector<std::string> args)
{
  std::reverse(args.begin(), args.end());
  app.parse(args);
}

// Runs the CLI in-process with stdin `input` seen as a terminal or not.
int run_with_input(test::CliHarness& h, const std::vector<std::string>& args, const std::string& input, bool tty)
{
  h.out.str("");
  h.err.str("");
  std::istringstream in(input);
  Context ctx(Io{h.out, h.err, in, tty, false, false, false}, h.clock, h.env);
  return cli::run(args, ctx);
}

} // namespace

TEST_CASE("cli revoke: argv becomes options without running anything")
{
  test::CliHarness h;
  Context ctx(Io{h.out, h.err, h.in, false, false, false, false}, h.clock, h.env);
  CLI::App app;
  RevokeOptions seen;
  add_revoke_command(app, ctx, [&](const RevokeOptions& options, Context&) {
    seen = options;
    return 0;
  });
  parse(app,
        {"credit-score", "7", "--incident", "INC-1", "--reason", "drift", "--planned", "--to", "5", "--dry-run", "-y"});
  REQUIRE(ctx.action);
  ctx.action();
  CHECK(seen.model == "credit-score");
  CHECK(seen.version == "7");
  CHECK(seen.incident == "INC-1");
  CHECK(seen.reason == "drift");
  CHECK(seen.planned);
  CHECK_FALSE(seen.emergency);
  CHECK(seen.to == "5");
  CHECK(seen.dry_run);
  CHECK(seen.yes);

  CLI::App both;
  add_revoke_command(both, ctx, [](const RevokeOptions&, Context&) { return 0; });
  CHECK_THROWS_AS(parse(both, {"m", "7", "--incident", "I", "--reason", "r", "--planned", "--emergency"}),
                  CLI::ParseError);
}

TEST_CASE("cli purge-cache: layers split on commas and are checked")
{
  test::CliHarness h;
  Context ctx(Io{h.out, h.err, h.in, false, false, false, false}, h.clock, h.env);
  CLI::App app;
  PurgeCacheOptions seen;
  add_purge_cache_command(app, ctx, [&](const PurgeCacheOptions& options, Context&) {
    seen = options;
    return 0;
  });
  parse(app, {"m", "7", "--layers", "gateway,cdn", "--incident", "INC-2"});
  ctx.action();
  CHECK(seen.layers == std::vector<std::string>{"gateway", "cdn"});
  CHECK(seen.incident == "INC-2");
  CHECK(h.run({"purge-cache", "m", "7", "--layers", "disk"}) == 64);
  CHECK(h.run({"revoke", "m", "7", "--reason", "r"}) == 64); // --incident is required
  CHECK(h.run({"revoke", "m", "7", "--incident", "bad id", "--reason", "r"}) == 64);
}

TEST_CASE("cli revoke: on a terminal it asks, and acts only on yes")
{
  test::CliHarness h;
  test::FakeMlflow mlflow;
  mlflow.add_version("m", 6, {{"credguard.state", "Approved"}});
  mlflow.add_version("m", 7);
  mlflow.set_alias("m", "production", 7);
  test::FakeGateway gateway;
  h.env.set("CREDGUARD_REGISTRY_URL", mlflow.url());
  h.env.set("CREDGUARD_SERVING_DENYLIST_URL", gateway.url() + "/admin/denylist/{model}/{version}");
  std::vector<std::string> args = {"revoke", "m", "7", "--incident", "INC-5", "--reason", "drift"};

  CHECK(run_with_input(h, args, "n\n", true) == 1);
  CHECK(h.err.str().find("[y/N]") != std::string::npos);
  CHECK(h.err.str().find("nothing was changed") != std::string::npos);
  CHECK(mlflow.count("POST", "model-versions/set-tag") == 0);
  CHECK_FALSE(gateway.denylisted("m", "7"));

  CHECK(run_with_input(h, args, "yes\n", true) == 0);
  CHECK(h.out.str().find("Plan: revoke m@7 under INC-5") != std::string::npos);
  CHECK(h.out.str().find("production 7 -> 6") != std::string::npos);
  CHECK(mlflow.tags("m", 7).at("credguard.state") == "Revoked");
  CHECK(gateway.denylisted("m", "7"));
  CHECK(mlflow.alias("m", "production") == "6");
}

TEST_CASE("cli purge-cache: MODEL VERSION or the bureau subcommand, never both, never neither")
{
  test::CliHarness h;
  Context ctx(Io{h.out, h.err, h.in, false, false, false, false}, h.clock, h.env);
  CLI::App app;
  PurgeCacheOptions seen;
  std::optional<PurgeBureauOptions> bureau;
  add_purge_cache_command(
      app, ctx,
      [&](const PurgeCacheOptions& options, Context&) {
        seen = options;
        return 0;
      },
      [&](const PurgeBureauOptions& options, Context&) {
        bureau = options;
        return 0;
      });
  parse(app, {"bureau-model", "7"}); // a model whose name starts like the subcommand
  ctx.action();
  CHECK(seen.model == "bureau-model");
  CHECK(seen.version == "7");
  CHECK_FALSE(bureau);

  parse(app, {"bureau", "--batch-size", "250", "--dry-run"});
  ctx.action();
  REQUIRE(bureau);
  CHECK(bureau->batch_size == 250);
  CHECK(bureau->dry_run);

  parse(app, {"--", "bureau", "8"}); // a model literally named bureau
  ctx.action();
  CHECK(seen.model == "bureau");
  CHECK(seen.version == "8");

  CHECK_THROWS_WITH(parse(app, {}), "MODEL is required");
  CHECK_THROWS_WITH(parse(app, {"m"}), "VERSION is required");
  CHECK_THROWS_AS(parse(app, {"m", "7", "bureau"}), CLI::ParseError);
}

TEST_CASE("cli purge-cache: no MODEL and no subcommand is a usage error, help shows both forms")
{
  test::CliHarness h;
  CHECK(h.run({"purge-cache"}) == 64);
  CHECK_THAT(h.err.str(), Catch::Contains("credguard: error: MODEL is required") &&
                              Catch::Contains("Run 'credguard purge-cache --help' for usage."));
  CHECK(h.out.str().empty());
  CHECK(h.run({"purge-cache", "m"}) == 64);
  CHECK_THAT(h.err.str(), Catch::Contains("VERSION is required"));
  CHECK(h.run({"purge-cache", "bureau", "m", "7"}) == 64);
  CHECK(h.run({"purge-cache", "bureau", "--layers", "cdn"}) == 64);
  CHECK(h.run({"backup", "purge-bureau"}) == 64); // one spelling only
  REQUIRE(h.run({"purge-cache", "--help"}) == 0);
  CHECK_THAT(h.out.str(), Catch::Contains("credguard purge-cache MODEL VERSION") &&
                              Catch::Contains("credguard purge-cache bureau [--batch-size N]"));
  REQUIRE(h.run({"purge-cache", "bureau", "--help"}) == 0);
  CHECK_THAT(h.out.str(), Catch::Contains("--batch-size") && Catch::Contains("bureau_cache"));
}
