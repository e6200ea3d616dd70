#pragma once

#include <string_view>
#include <vector>

namespace credguard::config {

enum class Type { string, integer, number, boolean, duration, secret, string_list, object_list };

// Returns the type's name as the config documentation spells it.
std::string_view to_string(Type type);

// One key of a section, or one field of the objects in an object_list.
struct Field {
  std::string_view name;
  Type type;
  std::string_view help;
  std::vector<Field> fields = {}; // object_list: the fields of each object
};

struct Section {
  std::string_view name;
  std::string_view help;
  std::vector<Field> fields;
};

// Every section and key the configuration file accepts. A key not listed
// here is an error, so typos never pass silently.
const std::vector<Section>& schema();

// The schema entry for "section.key", or nullptr.
const Field* find_field(std::string_view dotted_key);

// The environment variable that overrides "section.key":
// CREDGUARD_<SECTION>_<KEY>, upper-cased.
std::string env_name(std::string_view section, std::string_view key);

} // namespace credguard::config
