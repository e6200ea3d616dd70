#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace credguard::drift {

// How many times each distinct text occurs in a categorical column.
class TextCounts {
public:
  // Counts one more `text`.
  void add(std::string_view text)
  {
    auto it = m_counts.find(text);
    if (it != m_counts.end()) {
      ++it->second;
    } else {
      m_counts.emplace(std::string(text), 1);
    }
  }
  // Adds every count of `other` to this one.
  void merge(TextCounts&& other)
  {
    if (m_counts.empty()) {
      m_counts = std::move(other.m_counts);
      return;
    }
    for (auto& [text, count] : other.m_counts) {
      m_counts[text] += count;
    }
  }
  std::uint64_t count(std::string_view text) const
  {
    auto it = m_counts.find(text);
    return it == m_counts.end() ? 0 : it->second;
  }
  bool empty() const { return m_counts.empty(); }
  std::size_t size() const { return m_counts.size(); }
  void clear() { m_counts.clear(); }
  // The distinct texts, in no particular order.
  std::vector<std::string_view> texts() const
  {
    std::vector<std::string_view> out;
    out.reserve(m_counts.size());
    for (const auto& entry : m_counts) {
      out.emplace_back(entry.first);
    }
    return out;
  }

private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };
  std::unordered_map<std::string, std::uint64_t, Hash, std::equal_to<>> m_counts;
};

} // namespace credguard::drift
