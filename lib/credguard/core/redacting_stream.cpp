#include <credguard/core/redacting_stream.hpp>

namespace credguard {

RedactingStream::RedactingStream(std::ostream& target, const Redactor& redactor)
  : std::ostream(nullptr)
  , m_buffer(target, redactor)
{
  rdbuf(&m_buffer);
}

RedactingStream::~RedactingStream()
{
  m_buffer.pubsync();
}

int RedactingStream::Buffer::sync()
{
  emit_complete_lines();
  if (!m_pending.empty()) {
    m_target << m_redactor.scrub(m_pending);
    m_pending.clear();
  }
  m_target.flush();
  return m_target ? 0 : -1;
}

RedactingStream::Buffer::int_type RedactingStream::Buffer::overflow(int_type ch)
{
  if (traits_type::eq_int_type(ch, traits_type::eof())) {
    return traits_type::not_eof(ch);
  }
  m_pending += traits_type::to_char_type(ch);
  if (ch == '\n') {
    emit_complete_lines();
  }
  return ch;
}

std::streamsize RedactingStream::Buffer::xsputn(const char* data, std::streamsize count)
{
  m_pending.append(data, static_cast<std::size_t>(count));
  emit_complete_lines();
  return count;
}

void RedactingStream::Buffer::emit_complete_lines()
{
  auto last_newline = m_pending.rfind('\n');
  if (last_newline == std::string::npos) {
    return;
  }
  m_target << m_redactor.scrub(std::string_view(m_pending).substr(0, last_newline + 1));
  m_pending.erase(0, last_newline + 1);
}

} // namespace credguard
