// Access-log lines (checks/access_log): the burst scanner over combined log
// format or JSON lines, fed whole and then in two pieces (a file and its
// rotation), with a limit low enough that offenders are reported.

#include "fuzz_input.hpp"

#include <credguard/checks/access_log.hpp>
#include <credguard/checks/log_time.hpp>

namespace {

using namespace credguard;

checks::BurstOptions options()
{
  checks::BurstOptions out;
  out.limit = 1;
  out.window = std::chrono::seconds(60);
  return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  auto text = fuzz::as_text(data, size);
  {
    checks::BurstScanner scanner(options());
    scanner.feed(text);
    (void)scanner.finish();
  }
  {
    auto with_since = options();
    with_since.since = 1'700'000'000;
    checks::BurstScanner scanner(with_since);
    auto half = text.find('\n', text.size() / 2);
    scanner.feed(text.substr(0, half));
    if (half != std::string_view::npos) {
      scanner.feed(text.substr(half + 1));
    }
    (void)scanner.finish();
  }
  fuzz::each_line(text, [](std::string_view line, std::size_t) {
    if (auto open = line.find('['); open != std::string_view::npos) {
      (void)checks::parse_clf_time(line.substr(open + 1, 26));
    }
  });
  return 0;
}
