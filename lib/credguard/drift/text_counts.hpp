#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace credguard::drift {

// How many times each distinct text occurs in a categorical column: an
// open-addressing table with a cheap hash, since it is probed once per cell.
class TextCounts {
public:
  // Counts one more `text`.
  void add(std::string_view text) { add(text, 1); }

  // Counts `count` more `text`.
  void add(std::string_view text, std::uint64_t count)
  {
    if (2 * (m_used + 1) > m_slots.size()) {
      grow();
    }
    std::uint64_t hash = hash_of(text);
    std::size_t mask = m_slots.size() - 1;
    for (std::size_t i = static_cast<std::size_t>(hash) & mask;; i = (i + 1) & mask) {
      Slot& slot = m_slots[i];
      if (slot.count == 0) {
        slot = Slot{hash, m_texts.size(), text.size(), count};
        m_texts.append(text);
        ++m_used;
        return;
      }
      if (slot.hash == hash && slot.size == text.size() && same_bytes(m_texts.data() + slot.offset, text)) {
        slot.count += count;
        return;
      }
    }
  }

  // Adds every count of `other` to this one.
  void merge(TextCounts&& other)
  {
    if (m_used == 0) {
      *this = std::move(other);
      return;
    }
    merge(static_cast<const TextCounts&>(other));
  }
  void merge(const TextCounts& other)
  {
    for (const auto& slot : other.m_slots) {
      if (slot.count != 0) {
        add(other.text_of(slot), slot.count);
      }
    }
  }

  std::uint64_t count(std::string_view text) const
  {
    if (m_used == 0) {
      return 0;
    }
    std::uint64_t hash = hash_of(text);
    std::size_t mask = m_slots.size() - 1;
    for (std::size_t i = static_cast<std::size_t>(hash) & mask;; i = (i + 1) & mask) {
      const Slot& slot = m_slots[i];
      if (slot.count == 0) {
        return 0;
      }
      if (slot.hash == hash && text_of(slot) == text) {
        return slot.count;
      }
    }
  }

  bool empty() const { return m_used == 0; }
  std::size_t size() const { return m_used; }

  // The distinct texts, in no particular order; valid until the next add.
  std::vector<std::string_view> texts() const
  {
    std::vector<std::string_view> out;
    out.reserve(m_used);
    for (const auto& slot : m_slots) {
      if (slot.count != 0) {
        out.push_back(text_of(slot));
      }
    }
    return out;
  }

private:
  struct Slot {
    std::uint64_t hash = 0;
    std::size_t offset = 0; // in m_texts
    std::size_t size = 0;
    std::uint64_t count = 0; // 0: free
  };

  static std::uint64_t mix(std::uint64_t h)
  {
    h ^= h >> 32;
    h *= 0x9E3779B97F4A7C15ULL;
    return h ^ (h >> 29);
  }

  static std::uint64_t load8(const char* p)
  {
    std::uint64_t word = 0;
    std::memcpy(&word, p, 8);
    return word;
  }
  static std::uint64_t load4(const char* p)
  {
    std::uint32_t word = 0;
    std::memcpy(&word, p, 4);
    return word;
  }

  // Eight bytes at a time (the last word overlapping the one before), four
  // and four for 4 to 7 bytes, byte by byte below: only fixed-size loads,
  // which compile to single instructions. Multiply-xorshift mixing.
  static std::uint64_t hash_of(std::string_view text)
  {
    const char* p = text.data();
    std::size_t n = text.size();
    std::uint64_t h = n * 0xC2B2AE3D27D4EB4FULL;
    if (n >= 8) {
      for (std::size_t i = 0; i + 8 < n; i += 8) {
        h = mix(h ^ load8(p + i));
      }
      h = mix(h ^ load8(p + n - 8));
    } else if (n >= 4) {
      h = mix(h ^ (load4(p) << 32 | load4(p + n - 4)));
    } else if (n > 0) {
      h = mix(h ^ (static_cast<std::uint64_t>(static_cast<unsigned char>(p[0])) << 16 |
                   static_cast<std::uint64_t>(static_cast<unsigned char>(p[n / 2])) << 8 |
                   static_cast<unsigned char>(p[n - 1])));
    }
    return mix(h);
  }

  // `stored` holds text.size() bytes: are they `text`? The same loads as hash_of.
  static bool same_bytes(const char* stored, std::string_view text)
  {
    const char* p = text.data();
    std::size_t n = text.size();
    if (n >= 8) {
      for (std::size_t i = 0; i + 8 < n; i += 8) {
        if (load8(stored + i) != load8(p + i)) {
          return false;
        }
      }
      return load8(stored + n - 8) == load8(p + n - 8);
    }
    if (n >= 4) {
      return load4(stored) == load4(p) && load4(stored + n - 4) == load4(p + n - 4);
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (stored[i] != p[i]) {
        return false;
      }
    }
    return true;
  }

  std::string_view text_of(const Slot& slot) const { return std::string_view(m_texts).substr(slot.offset, slot.size); }

  void grow()
  {
    std::vector<Slot> old = std::move(m_slots);
    m_slots.assign(old.empty() ? 16 : 2 * old.size(), Slot{});
    std::size_t mask = m_slots.size() - 1;
    for (const auto& slot : old) {
      if (slot.count == 0) {
        continue;
      }
      std::size_t i = static_cast<std::size_t>(slot.hash) & mask;
      while (m_slots[i].count != 0) {
        i = (i + 1) & mask;
      }
      m_slots[i] = slot;
    }
  }

  std::vector<Slot> m_slots;
  std::string m_texts; // every distinct text, back to back
  std::size_t m_used = 0;
};

} // namespace credguard::drift
