#include <credguard/drift/value_arena.hpp>

#include <catch2/catch.hpp>

using namespace credguard::drift;

TEST_CASE("value arena: buffers keep their values through growth, many at once")
{
  ValueArena arena;
  std::vector<ValueBuffer> buffers;
  buffers.emplace_back(arena, 0);       // grows from nothing
  buffers.emplace_back(arena, 100);     // grows past its guess
  buffers.emplace_back(arena, 1 << 24); // larger than one block
  for (int i = 0; i < 100000; ++i) {
    for (auto& buffer : buffers) {
      buffer.push_back(i * 0.5);
    }
  }
  for (const auto& buffer : buffers) {
    REQUIRE(buffer.size() == 100000);
    auto values = buffer.values();
    CHECK(values.front() == 0.0);
    CHECK(values[12345] == 12345 * 0.5);
    CHECK(values.back() == 99999 * 0.5);
  }
  CHECK(ValueBuffer().empty());
}
