#include <credguard/drift/value_arena.hpp>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <new>
#include <sys/mman.h>

namespace credguard::drift {

namespace {

constexpr std::size_t k_huge_page = 2U << 20;
constexpr std::size_t k_block = 64U << 20;

} // namespace

ValueArena::~ValueArena()
{
  for (const auto& block : m_blocks) {
    ::munmap(block.base, block.size);
  }
}

std::span<double> ValueArena::allocate(std::size_t count)
{
  std::size_t bytes = std::max<std::size_t>(count, 1) * sizeof(double);
  std::lock_guard lock(m_mutex);
  if (bytes > m_left) {
    std::size_t size = std::max(k_block, (bytes + k_huge_page - 1) / k_huge_page * k_huge_page);
    // One huge page more than needed, to align the start on a huge page.
    void* base = ::mmap(nullptr, size + k_huge_page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) {
      throw std::bad_alloc();
    }
    m_blocks.push_back(Block{base, size + k_huge_page});
    auto address = reinterpret_cast<std::uintptr_t>(base);
    auto aligned = (address + k_huge_page - 1) / k_huge_page * k_huge_page;
    m_next = reinterpret_cast<char*>(aligned);
    m_left = size;
    ::madvise(m_next, m_left, MADV_HUGEPAGE); // a hint: without it, ordinary pages
  }
  auto* data = reinterpret_cast<double*>(m_next);
  m_next += bytes;
  m_left -= bytes;
  return {data, count};
}

void ValueBuffer::grow()
{
  auto larger = m_arena->allocate(std::max<std::size_t>(16, 2 * m_data.size()));
  if (m_size > 0) {
    std::memcpy(larger.data(), m_data.data(), m_size * sizeof(double));
  }
  m_data = larger;
}

} // namespace credguard::drift
