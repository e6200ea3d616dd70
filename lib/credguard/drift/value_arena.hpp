#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

namespace credguard::drift {

// Memory for large arrays of numbers, in blocks the kernel may back with
// 2 MiB pages (madvise MADV_HUGEPAGE): hundreds of megabytes of values
// then cost a few hundred page faults instead of a few hundred thousand.
// Thread-safe; everything is freed with the arena.
class ValueArena {
public:
  ValueArena() = default;
  ~ValueArena();
  ValueArena(const ValueArena&) = delete;
  ValueArena& operator=(const ValueArena&) = delete;

  // Room for `count` doubles, uninitialised, valid while the arena lives.
  std::span<double> allocate(std::size_t count);

private:
  struct Block {
    void* base;
    std::size_t size;
  };
  std::mutex m_mutex;
  std::vector<Block> m_blocks;
  char* m_next = nullptr;
  std::size_t m_left = 0;
};

// A growable array of doubles in a ValueArena (growing copies it once into
// a larger allocation; the caller sizes it from a good guess first).
class ValueBuffer {
public:
  ValueBuffer() = default;
  ValueBuffer(ValueArena& arena, std::size_t capacity)
    : m_arena(&arena)
    , m_data(arena.allocate(capacity))
  {}

  void push_back(double value)
  {
    if (m_size == m_data.size()) {
      grow();
    }
    m_data[m_size++] = value;
  }
  bool empty() const { return m_size == 0; }
  std::size_t size() const { return m_size; }
  std::span<const double> values() const { return m_data.first(m_size); }

private:
  void grow();

  ValueArena* m_arena = nullptr;
  std::span<double> m_data;
  std::size_t m_size = 0;
};

} // namespace credguard::drift
