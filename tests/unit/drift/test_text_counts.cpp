#include <credguard/drift/text_counts.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <random>

using namespace credguard::drift;

TEST_CASE("text counts: counts every distinct text, through growth and merges")
{
  std::mt19937 rng(9);
  std::map<std::string, std::uint64_t> expected;
  TextCounts a;
  TextCounts b;
  for (int i = 0; i < 50000; ++i) {
    // Short and long texts, texts that differ only after 8 bytes, the empty text.
    std::string text = i % 7 == 0   ? ""
                       : i % 3 == 0 ? std::to_string(rng() % 10000) // 1 to 4 bytes
                                    : "label-" + std::to_string(rng() % 3000) + std::string(rng() % 20, 'x');
    ++expected[text];
    (i % 2 == 0 ? a : b).add(text);
  }
  a.merge(b);
  CHECK(a.size() == expected.size());
  for (const auto& [text, count] : expected) {
    INFO(text);
    REQUIRE(a.count(text) == count);
  }
  CHECK(a.count("absent") == 0);
  auto texts = a.texts();
  std::sort(texts.begin(), texts.end());
  CHECK(texts.size() == expected.size());
  CHECK(texts.front() == "");
}

TEST_CASE("text counts: merging into an empty table takes the other one")
{
  TextCounts empty;
  CHECK(empty.empty());
  CHECK(empty.count("x") == 0);
  TextCounts other;
  other.add("x");
  other.add("x");
  empty.merge(std::move(other));
  CHECK(empty.count("x") == 2);
  CHECK(empty.size() == 1);
}
