#include "cmd/checklist/render.hpp"

#include <credguard/core/table.hpp>
#include <credguard/core/time_format.hpp>

#include <fmt/format.h>

namespace credguard::cli {

namespace {

Color color_of(checks::Status status)
{
  switch (status) {
  case checks::Status::pass: return Color::green;
  case checks::Status::warn: return Color::yellow;
  case checks::Status::fail: return Color::red;
  case checks::Status::unknown: return Color::blue;
  case checks::Status::skip: return Color::grey;
  }
  return Color::none;
}

std::string_view nagios_word(checks::Status status)
{
  switch (status) {
  case checks::Status::pass:
  case checks::Status::skip: return "OK";
  case checks::Status::warn: return "WARNING";
  case checks::Status::fail: return "CRITICAL";
  case checks::Status::unknown: return "UNKNOWN";
  }
  return "UNKNOWN";
}

} // namespace

ChecklistProgress::ChecklistProgress(Context& ctx, const checks::Runbook& runbook, const checks::RunOptions& options)
  : m_ctx(ctx)
{
  for (const auto& def : runbook.checks) {
    m_total += checks::selected(def, options) ? 1U : 0U;
  }
}

void ChecklistProgress::done(const checks::CheckResult& result)
{
  (void)result;
  ++m_done;
  if (m_ctx.live_progress()) {
    m_ctx.err() << fmt::format("\rchecks {}/{}", std::min(m_done, m_total), m_total) << std::flush;
  }
}

void ChecklistProgress::finish()
{
  if (m_ctx.live_progress() && m_done > 0) {
    m_ctx.err() << "\r\033[K" << std::flush;
  }
}

void render_checklist(Context& ctx, const checks::ChecklistReport& report)
{
  bool color = ctx.color();
  Table table({"STATUS", "CHECK", "VALUE", "THRESHOLD", "DETAIL"});
  for (const auto& r : report.results) {
    table.add_row({Cell(std::string(checks::to_string(r.status)), color_of(r.status)), r.id,
                   r.value_text.empty() ? "-" : r.value_text, r.threshold.empty() ? "-" : r.threshold, r.detail});
  }
  table.render(ctx.out(), color);

  bool header = false;
  for (const auto& r : report.results) {
    if (r.status == checks::Status::pass || r.status == checks::Status::skip || r.action.empty()) {
      continue;
    }
    if (!header) {
      ctx.out() << "\nWhat to do:\n";
      header = true;
    }
    ctx.out() << fmt::format("  {} {}: {}\n", colorize(checks::to_string(r.status), color_of(r.status), color), r.id,
                             r.action);
  }
  auto overall = report.overall();
  ctx.out() << fmt::format("\n{}: {} pass, {} warn, {} fail, {} unknown, {} skip in {}: {}\n", report.name,
                           report.count(checks::Status::pass), report.count(checks::Status::warn),
                           report.count(checks::Status::fail), report.count(checks::Status::unknown),
                           report.count(checks::Status::skip), format_duration(report.duration),
                           colorize(nagios_word(overall), color_of(overall), color));
}

} // namespace credguard::cli
