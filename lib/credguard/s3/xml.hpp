#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace credguard::s3 {

// An element of a parsed XML document: enough of XML for S3 and STS
// responses (elements, attributes, character data, CDATA, the predefined
// and numeric entities). Names are local names: a namespace prefix is
// dropped, `xmlns` attributes are kept as attributes.
struct XmlElement {
  std::string name;
  std::vector<std::pair<std::string, std::string>> attributes;
  std::string text; // the character data directly inside, decoded
  std::vector<XmlElement> children;

  // The first child named `name`, or nullptr.
  const XmlElement* child(std::string_view child_name) const;
  // Every child named `name`, in document order.
  std::vector<const XmlElement*> children_named(std::string_view child_name) const;
  // The text of the first child named `name`, or nullopt when there is none.
  std::optional<std::string> child_text(std::string_view child_name) const;
  // Follows a path of child names ("Credentials/AccessKeyId"); nullptr
  // when any step is missing.
  const XmlElement* find(std::string_view path) const;
};

// Parses a whole document and returns its root element. DOCTYPE
// declarations are refused (no entity expansion). Throws Error(data)
// naming `what` and the byte offset when the text is not well-formed.
XmlElement parse_xml(std::string_view text, std::string_view what = "XML document");

// Escapes &, <, >, " and ' for element text and attribute values.
std::string xml_escape(std::string_view text);

} // namespace credguard::s3
