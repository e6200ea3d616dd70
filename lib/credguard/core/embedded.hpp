#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace credguard::embedded {

// A data file compiled into the binary (runbooks/, scenarios/).
struct File {
  std::string_view name; // path relative to the repository, e.g. "runbooks/daily.yaml"
  std::string_view content;
};

// Every embedded file, in build order. Defined by the generated source of
// the credguard::embedded library.
const std::vector<File>& files();

// The embedded file called `name`, if any.
std::optional<std::string_view> find(std::string_view name);

} // namespace credguard::embedded
