// Data from outside (event fields, CSV cells and column names, journal
// entries, model names) never reaches the terminal or a Markdown document
// with its control characters: ESC [ (CSI), ESC ] (OSC: sets the title,
// writes the clipboard), BEL, and the C1 CSI U+009B are shown escaped.

#include "harness.hpp"

#include <credguard/journal/journal.hpp>

#include <catch2/catch.hpp>

using namespace credguard;

namespace {

// OSC 0 (window title) ended by BEL, a CSI erasing the screen, C1 CSI.
const std::string k_hostile = "t\x1b]0;pwned\x07\x1b[2J\xc2\x9b"
                              "6n";

// True when `text` holds a control character other than a line break.
bool has_control(const std::string& text)
{
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && c != '\n') || c == 0x7F ||
        (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) < 0xA0)) {
      return true;
    }
  }
  return false;
}

bool contains(const std::string& text, const std::string& part)
{
  return text.find(part) != std::string::npos;
}

void append(test::CliHarness& h, const std::string& target, const std::string& reason, nlohmann::json evidence)
{
  journal::Journal journal(h.home / "journal.db", journal::Journal::Mode::read_write, h.clock,
                           journal::Identity{"bob", "bob", "", "ops-1"});
  journal.append({"credguard revoke", "INC-9", "revoke.denylist", target, "ok", reason, std::move(evidence)});
}

} // namespace

TEST_CASE("control characters: the triage table shows tenant, capsule and model escaped")
{
  test::CliHarness h;
  nlohmann::json event = {{"risk_score", 0.9}, {"tenant_id", k_hostile}, {"capsule_hash", k_hostile + "c"}};
  h.in.str(event.dump() + "\n");
  CHECK(h.run({"triage", "--batch", "--incident", "INC-T"}) == 2);
  CHECK_FALSE(has_control(h.out.str()));
  CHECK(contains(h.out.str(), "t\\x1b]0;pwned\\x07\\x1b[2J\\u009b6n"));
  CHECK_FALSE(has_control(h.err.str()));
}

TEST_CASE("control characters: a hostile model name in an error is escaped")
{
  test::CliHarness h;
  CHECK(h.run({"triage", "--risk-score", "0.9", "--model", "m" + k_hostile}) == 64);
  CHECK(contains(h.err.str(), "--model \"mt\\x1b]0;pwned"));
  CHECK_FALSE(has_control(h.err.str()));
}

TEST_CASE("control characters: psi notes and warnings quote column names and cells escaped")
{
  test::CliHarness h;
  auto base = h.home.write("b.csv", "\"x" + k_hostile + "\"\n1\n2\n\"oops" + k_hostile + "\"\n").string();
  auto cur = h.home.write("c.csv", "\"x" + k_hostile + "\"\n1\n2\n3\n").string();
  CHECK(h.run({"psi", "--baseline", base, "--current", cur}) == 2);
  CHECK(contains(h.out.str(), "holds 'oopst\\x1b]0;pwned"));
  CHECK(contains(h.err.str(), "warning: column 'xt\\x1b]0;pwned"));
  CHECK_FALSE(has_control(h.out.str()));
  CHECK_FALSE(has_control(h.err.str()));
}

TEST_CASE("control characters: journal show and the post-mortem escape journaled text")
{
  test::CliHarness h;
  append(h, "credit-score@7" + k_hostile, "because" + k_hostile, {{"summary", "done" + k_hostile}, {"del", "\x7f"}});
  CHECK(h.run({"journal", "show", "1"}) == 0);
  CHECK(contains(h.out.str(), "reason     becauset\\x1b]0;pwned"));
  CHECK_FALSE(has_control(h.out.str()));

  CHECK(h.run({"postmortem", "INC-9"}) == 0);
  CHECK(contains(h.out.str(), "credit-score@7t\\x1b]0;pwned"));
  CHECK_FALSE(has_control(h.out.str()));
}
