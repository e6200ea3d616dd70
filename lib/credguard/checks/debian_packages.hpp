#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace credguard::checks {

// Compares two Debian package versions ([epoch:]upstream[-revision]) the
// way dpkg does ('~' sorts before everything, digits numerically). Returns
// <0, 0 or >0.
int compare_debian_versions(std::string_view a, std::string_view b);

// One stanza of a Debian control file (dpkg status, apt Packages lists):
// field name -> value (first line only; continuation lines are dropped).
using Stanza = std::map<std::string, std::string, std::less<>>;

// Calls `each` for every stanza of `text` (stanzas are separated by blank lines).
void for_each_stanza(std::string_view text, const std::function<void(const Stanza&)>& each);

} // namespace credguard::checks
