#pragma once

#include <credguard/core/redact.hpp>

#include <ostream>
#include <streambuf>
#include <string>

namespace credguard {

// An ostream that forwards to another one line by line, scrubbing every
// secret registered with the redactor. The CLI writes stdout and stderr
// through it, so a secret cannot leave the process even by mistake.
class RedactingStream final : public std::ostream {
public:
  RedactingStream(std::ostream& target, const Redactor& redactor);
  ~RedactingStream() override;
  RedactingStream(const RedactingStream&) = delete;
  RedactingStream& operator=(const RedactingStream&) = delete;

private:
  class Buffer final : public std::streambuf {
  public:
    Buffer(std::ostream& target, const Redactor& redactor)
      : m_target(target)
      , m_redactor(redactor)
    {}
    int sync() override;

  protected:
    int_type overflow(int_type ch) override;
    std::streamsize xsputn(const char* data, std::streamsize count) override;

  private:
    void emit_complete_lines();
    std::ostream& m_target;
    const Redactor& m_redactor;
    std::string m_pending;
  };

  Buffer m_buffer;
};

} // namespace credguard
