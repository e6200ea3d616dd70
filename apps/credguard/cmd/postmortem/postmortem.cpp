#include "cmd/postmortem/postmortem.hpp"

#include "cli/app.hpp"
#include "cmd/commands.hpp"

#include <credguard/core/error.hpp>
#include <credguard/core/files.hpp>
#include <credguard/report/postmortem.hpp>
#include <credguard/triage/incident_id.hpp>

#include <fmt/format.h>

namespace credguard::cli {

namespace {

std::string format_of(const PostmortemOptions& options, const Context& ctx)
{
  auto output = ctx.output_format({OutputFormat::table, OutputFormat::json});
  if (!options.format.empty()) {
    return options.format;
  }
  return output == OutputFormat::json ? "json" : "md";
}

std::vector<journal::EntryDraft> additions(const PostmortemOptions& options, Context& ctx)
{
  std::vector<journal::EntryDraft> drafts;
  auto draft = [&](std::string_view action, nlohmann::json evidence) {
    drafts.push_back({ctx.command_line(), options.incident, std::string(action), options.incident, "ok", options.reason,
                      std::move(evidence)});
  };
  for (const auto& text : options.root_causes) {
    draft(report::k_root_cause_action, {{"text", text}});
  }
  for (const auto& text : options.lessons) {
    draft(report::k_lesson_action, {{"text", text}});
  }
  for (const auto& spec : options.actions) {
    auto item = report::parse_action_item(spec);
    draft(report::k_action_item_action, {{"text", item.text}, {"owner", item.owner}, {"due", item.due}});
  }
  for (const auto& d : drafts) {
    if (d.evidence["text"].get<std::string>().empty()) {
      throw Error(ErrorKind::usage, fmt::format("{}: the text is empty", d.action));
    }
  }
  return drafts;
}

} // namespace

int run_postmortem(const PostmortemOptions& options, Context& ctx)
{
  // An empty ID would select every entry of the journal.
  triage::validate_incident_id(options.incident, "incident");
  auto format = format_of(options, ctx);
  auto drafts = additions(options, ctx); // usage errors before anything is written
  auto mode = drafts.empty() ? journal::Journal::Mode::read_only : journal::Journal::Mode::read_write;
  auto& journal = ctx.journal(mode);
  auto verify = journal.verify();
  journal::Filter filter;
  filter.incident = options.incident;
  if (journal.list(filter).empty()) {
    throw Error(ErrorKind::data, fmt::format("the journal has no entry for incident {}", options.incident),
                "'credguard journal list' shows the incidents it knows");
  }
  for (auto& draft : drafts) {
    journal.append(std::move(draft));
  }
  auto pm = report::build_postmortem(options.incident, journal.list(filter), verify, ctx.clock().now(),
                                     fmt::format("credguard {}", version()));
  std::string document = format == "json" ? report::to_json(pm).dump(2) + "\n" : report::render_markdown(pm);
  if (options.output_file.empty() || options.output_file == "-") {
    ctx.out() << document;
  } else {
    write_file_atomic(options.output_file, document);
    if (ctx.progress()) {
      ctx.err() << fmt::format("credguard: post-mortem of {} written to {}\n", options.incident, options.output_file);
    }
  }
  if (!verify.ok) {
    ctx.log().warn(fmt::format("the journal's hash chain did not verify ({}); the document says so", verify.problem));
    return to_int(ExitCode::critical);
  }
  return to_int(ExitCode::ok);
}

void configure_postmortem(CLI::App& cmd, Context& ctx, RunFn<PostmortemOptions> run)
{
  auto o = std::make_shared<PostmortemOptions>();
  cmd.add_option("incident", o->incident, "The incident ID, e.g. INC-20261123-001")->required();
  add_choice(cmd, "--format", o->format, {"md", "json"}, "Markdown (default) or JSON");
  cmd.add_option("-o,--output-file", o->output_file, "Write to FILE (atomically) instead of stdout")->type_name("FILE");
  cmd.add_option("--root-cause", o->root_causes, "Add a root-cause finding (journaled; repeatable)")
      ->type_name("TEXT")
      ->allow_extra_args(false);
  cmd.add_option("--lesson", o->lessons, "Add a lesson learned (journaled; repeatable)")
      ->type_name("TEXT")
      ->allow_extra_args(false);
  cmd.add_option("--action", o->actions, "Add an action item \"text;owner;YYYY-MM-DD\" (journaled; repeatable)")
      ->type_name("SPEC")
      ->allow_extra_args(false);
  cmd.add_option("--reason", o->reason, "Why, for the journal");
  cmd.footer("Sections: context, timeline, detection, root cause, response, lessons learned, action plan.\n"
             "Parts only a person can write are marked TO BE WRITTEN. The journal is verified first:\n"
             "exit 2 when its hash chain is broken (the document says so), 65 when it has no entry\n"
             "for the incident.");
  on_parsed(cmd, ctx, o, std::move(run));
}

void add_postmortem(CLI::App& cmd, Context& ctx)
{
  configure_postmortem(cmd, ctx);
}

} // namespace credguard::cli
