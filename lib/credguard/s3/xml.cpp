#include <credguard/core/error.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/s3/xml.hpp>

#include <fmt/format.h>

namespace credguard::s3 {

namespace {

constexpr int k_max_depth = 64;

bool is_space(char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool is_name_char(char c)
{
  return c != '\0' && !is_space(c) && c != '/' && c != '>' && c != '=' && c != '<' && c != '"' && c != '\'';
}

void append_utf8(std::string& out, unsigned long code)
{
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

class Parser {
public:
  Parser(std::string_view text, std::string_view what)
    : m_text(text)
    , m_what(what)
  {}

  XmlElement parse_document()
  {
    skip_misc();
    if (!starts_with("<")) {
      fail("no root element");
    }
    XmlElement root = parse_element(0);
    skip_misc();
    if (m_pos != m_text.size()) {
      fail("content after the root element");
    }
    return root;
  }

private:
  [[noreturn]] void fail(std::string_view why) const
  {
    throw Error(ErrorKind::data, fmt::format("malformed {}: {} at byte {}", m_what, why, m_pos));
  }

  bool starts_with(std::string_view prefix) const { return m_text.substr(m_pos).starts_with(prefix); }

  void skip_spaces()
  {
    while (m_pos < m_text.size() && is_space(m_text[m_pos])) {
      ++m_pos;
    }
  }

  void skip_past(std::string_view terminator)
  {
    auto end = m_text.find(terminator, m_pos);
    if (end == std::string_view::npos) {
      fail(fmt::format("missing '{}'", terminator));
    }
    m_pos = end + terminator.size();
  }

  // Whitespace, comments and processing instructions around the root.
  void skip_misc()
  {
    for (;;) {
      skip_spaces();
      if (starts_with("<?")) {
        skip_past("?>");
      } else if (starts_with("<!--")) {
        skip_past("-->");
      } else if (starts_with("<!")) {
        fail("DOCTYPE declarations are not accepted");
      } else {
        return;
      }
    }
  }

  std::string parse_name()
  {
    std::size_t start = m_pos;
    while (m_pos < m_text.size() && is_name_char(m_text[m_pos])) {
      ++m_pos;
    }
    if (m_pos == start) {
      fail("expected a name");
    }
    return std::string(m_text.substr(start, m_pos - start));
  }

  static std::string local_name(const std::string& name)
  {
    auto colon = name.find(':');
    return colon == std::string::npos ? name : name.substr(colon + 1);
  }

  void decode_entity(std::string& out)
  {
    auto end = m_text.find(';', m_pos);
    if (end == std::string_view::npos || end - m_pos > 12) {
      fail("unterminated entity");
    }
    std::string_view entity = m_text.substr(m_pos + 1, end - m_pos - 1);
    if (entity == "amp") {
      out += '&';
    } else if (entity == "lt") {
      out += '<';
    } else if (entity == "gt") {
      out += '>';
    } else if (entity == "quot") {
      out += '"';
    } else if (entity == "apos") {
      out += '\'';
    } else if (entity.starts_with("#")) {
      bool hex = entity.size() > 1 && (entity[1] == 'x' || entity[1] == 'X');
      std::string digits(entity.substr(hex ? 2 : 1));
      char* parsed_end = nullptr;
      unsigned long code = std::strtoul(digits.c_str(), &parsed_end, hex ? 16 : 10);
      if (digits.empty() || *parsed_end != '\0' || code == 0 || code > 0x10FFFF) {
        fail("bad character reference");
      }
      append_utf8(out, code);
    } else {
      fail(fmt::format("unknown entity '&{};'", entity));
    }
    m_pos = end + 1;
  }

  std::string parse_attribute_value()
  {
    if (m_pos >= m_text.size() || (m_text[m_pos] != '"' && m_text[m_pos] != '\'')) {
      fail("expected a quoted attribute value");
    }
    char quote = m_text[m_pos++];
    std::string value;
    while (m_pos < m_text.size() && m_text[m_pos] != quote) {
      if (m_text[m_pos] == '&') {
        decode_entity(value);
      } else {
        value += m_text[m_pos++];
      }
    }
    if (m_pos >= m_text.size()) {
      fail("unterminated attribute value");
    }
    ++m_pos;
    return value;
  }

  XmlElement parse_element(int depth)
  {
    if (depth > k_max_depth) {
      fail("elements nested too deeply");
    }
    ++m_pos; // '<'
    std::string qualified = parse_name();
    XmlElement element;
    element.name = local_name(qualified);
    for (;;) {
      skip_spaces();
      if (m_pos >= m_text.size()) {
        fail("unterminated start tag");
      }
      if (starts_with("/>")) {
        m_pos += 2;
        return element;
      }
      if (m_text[m_pos] == '>') {
        ++m_pos;
        break;
      }
      std::string attribute = parse_name();
      skip_spaces();
      if (m_pos >= m_text.size() || m_text[m_pos] != '=') {
        fail("expected '=' after an attribute name");
      }
      ++m_pos;
      skip_spaces();
      element.attributes.emplace_back(std::move(attribute), parse_attribute_value());
    }
    parse_content(element, qualified, depth);
    return element;
  }

  void parse_content(XmlElement& element, const std::string& qualified, int depth)
  {
    for (;;) {
      if (m_pos >= m_text.size()) {
        fail(fmt::format("element <{}> is not closed", qualified));
      }
      char c = m_text[m_pos];
      if (c == '&') {
        decode_entity(element.text);
      } else if (c != '<') {
        element.text += c;
        ++m_pos;
      } else if (starts_with("</")) {
        m_pos += 2;
        std::string closing = parse_name();
        skip_spaces();
        if (closing != qualified || m_pos >= m_text.size() || m_text[m_pos] != '>') {
          fail(fmt::format("</{}> does not close <{}>", closing, qualified));
        }
        ++m_pos;
        return;
      } else if (starts_with("<![CDATA[")) {
        m_pos += 9;
        auto end = m_text.find("]]>", m_pos);
        if (end == std::string_view::npos) {
          fail("unterminated CDATA section");
        }
        element.text += m_text.substr(m_pos, end - m_pos);
        m_pos = end + 3;
      } else if (starts_with("<!--")) {
        skip_past("-->");
      } else if (starts_with("<?")) {
        skip_past("?>");
      } else if (starts_with("<!")) {
        fail("DOCTYPE declarations are not accepted");
      } else {
        element.children.push_back(parse_element(depth + 1));
      }
    }
  }

  std::string_view m_text;
  std::string_view m_what;
  std::size_t m_pos = 0;
};

} // namespace

const XmlElement* XmlElement::child(std::string_view child_name) const
{
  for (const auto& c : children) {
    if (c.name == child_name) {
      return &c;
    }
  }
  return nullptr;
}

std::vector<const XmlElement*> XmlElement::children_named(std::string_view child_name) const
{
  std::vector<const XmlElement*> out;
  for (const auto& c : children) {
    if (c.name == child_name) {
      out.push_back(&c);
    }
  }
  return out;
}

std::optional<std::string> XmlElement::child_text(std::string_view child_name) const
{
  const XmlElement* c = child(child_name);
  if (c == nullptr) {
    return std::nullopt;
  }
  return c->text;
}

const XmlElement* XmlElement::find(std::string_view path) const
{
  const XmlElement* current = this;
  for (const auto& step : split(path, '/')) {
    current = current->child(step);
    if (current == nullptr) {
      return nullptr;
    }
  }
  return current;
}

XmlElement parse_xml(std::string_view text, std::string_view what)
{
  return Parser(text, what).parse_document();
}

std::string xml_escape(std::string_view text)
{
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
    case '&': out += "&amp;"; break;
    case '<': out += "&lt;"; break;
    case '>': out += "&gt;"; break;
    case '"': out += "&quot;"; break;
    case '\'': out += "&apos;"; break;
    default: out += c;
    }
  }
  return out;
}

} // namespace credguard::s3
