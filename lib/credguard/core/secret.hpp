#pragma once

#include <string>
#include <utility>

namespace credguard {

// A credential (token, password, key). It has no operator<< and no implicit
// conversion, so it cannot end up in output or logs by accident; code that
// needs the value calls reveal() at the one place it is sent.
class Secret {
public:
  Secret() = default;
  explicit Secret(std::string value)
    : m_value(std::move(value))
  {}

  const std::string& reveal() const { return m_value; }
  bool empty() const { return m_value.empty(); }

private:
  std::string m_value;
};

} // namespace credguard
