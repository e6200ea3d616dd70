#include <credguard/core/error.hpp>
#include <credguard/journal/entry.hpp>

#include <catch2/catch.hpp>

#include <random>

using namespace credguard;
using namespace credguard::journal;

namespace {

// Format 1 was defined as this nlohmann::json dump; the hand-written
// serializer must stay byte-identical or every existing journal breaks.
std::string reference_form(const Entry& e, const std::string& evidence)
{
  return nlohmann::json::array({1, e.seq, e.time, e.who.actor, e.who.os_user, e.who.sudo_user, e.who.host,
                                e.what.command, e.what.incident, e.what.action, e.what.target, e.what.outcome,
                                e.what.reason, evidence, e.prev_hash})
      .dump();
}

Entry entry_with(const std::string& text)
{
  Entry e;
  e.seq = 4242;
  e.time = "2026-11-23T08:00:00.000Z";
  e.who = Identity{text, "root", "", "h"};
  e.what = EntryDraft{"credguard " + text, "INC-1", "a", text, "ok", text, {}};
  e.prev_hash = std::string(k_genesis_hash);
  return e;
}

} // namespace

TEST_CASE("entry: the canonical form is byte-identical to format 1's JSON dump")
{
  std::vector<std::string> samples = {
      "",      "plain",  "quote \" and \\ backslash", "tab\tnewline\nreturn\rff\fbs\b", "nul \x01 \x1f \x7f", "slash /",
      "é ü ç", "€ 中文", "emoji 😀 \xF0\x9F\x98\x80",  R"({"json":"in text"})",
  };
  std::mt19937 random(7);
  for (int i = 0; i < 200; ++i) {
    std::string text;
    for (int k = 0; k < 40; ++k) {
      text += static_cast<char>(random() % 0x80); // every ASCII byte, controls included
    }
    samples.push_back(text + "ção");
  }
  for (const auto& text : samples) {
    auto e = entry_with(text);
    CHECK(canonical_form(e, text) == reference_form(e, text));
  }
}

TEST_CASE("entry: text that is not UTF-8 is refused as bad data")
{
  for (const std::string bad : {"\xff", "\xc3", "\xe2\x82", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80"}) {
    auto e = entry_with("x" + bad);
    CHECK_THROWS_AS(canonical_form(e, "{}"), Error);
  }
}

TEST_CASE("entry: SHA-256 hex matches a known vector")
{
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}
