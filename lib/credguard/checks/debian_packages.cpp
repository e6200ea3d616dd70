#include <credguard/checks/debian_packages.hpp>
#include <credguard/core/strings.hpp>

namespace credguard::checks {

namespace {

bool is_digit(char c)
{
  return c >= '0' && c <= '9';
}

bool is_alpha(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// dpkg's character order: '~' first, then the end of the string, letters,
// then everything else.
int order(char c)
{
  if (is_digit(c)) {
    return 0;
  }
  if (is_alpha(c)) {
    return c;
  }
  if (c == '~') {
    return -1;
  }
  return c != '\0' ? static_cast<unsigned char>(c) + 256 : 0;
}

int compare_part(std::string_view a, std::string_view b)
{
  std::size_t i = 0;
  std::size_t j = 0;
  auto at = [](std::string_view s, std::size_t k) { return k < s.size() ? s[k] : '\0'; };
  while (i < a.size() || j < b.size()) {
    while ((i < a.size() && !is_digit(a[i])) || (j < b.size() && !is_digit(b[j]))) {
      int ac = order(at(a, i));
      int bc = order(at(b, j));
      if (ac != bc) {
        return ac - bc;
      }
      ++i;
      ++j;
    }
    while (at(a, i) == '0') {
      ++i;
    }
    while (at(b, j) == '0') {
      ++j;
    }
    int first_diff = 0;
    while (is_digit(at(a, i)) && is_digit(at(b, j))) {
      if (first_diff == 0) {
        first_diff = at(a, i) - at(b, j);
      }
      ++i;
      ++j;
    }
    if (is_digit(at(a, i))) {
      return 1;
    }
    if (is_digit(at(b, j))) {
      return -1;
    }
    if (first_diff != 0) {
      return first_diff;
    }
  }
  return 0;
}

struct Version {
  long long epoch = 0;
  std::string_view upstream;
  std::string_view revision;
};

Version split(std::string_view text)
{
  Version version;
  text = trim(text);
  if (auto colon = text.find(':'); colon != std::string_view::npos) {
    version.epoch = parse_int(text.substr(0, colon)).value_or(0);
    text = text.substr(colon + 1);
  }
  if (auto dash = text.rfind('-'); dash != std::string_view::npos) {
    version.revision = text.substr(dash + 1);
    text = text.substr(0, dash);
  }
  version.upstream = text;
  return version;
}

} // namespace

int compare_debian_versions(std::string_view a, std::string_view b)
{
  auto left = split(a);
  auto right = split(b);
  if (left.epoch != right.epoch) {
    return left.epoch < right.epoch ? -1 : 1;
  }
  if (int rc = compare_part(left.upstream, right.upstream); rc != 0) {
    return rc;
  }
  return compare_part(left.revision, right.revision);
}

void for_each_stanza(std::string_view text, const std::function<void(const Stanza&)>& each)
{
  Stanza stanza;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('\n', start);
    auto line = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (trim(line).empty()) {
      if (!stanza.empty()) {
        each(stanza);
        stanza.clear();
      }
    } else if (line.front() != ' ' && line.front() != '\t') {
      if (auto colon = line.find(':'); colon != std::string_view::npos) {
        stanza[std::string(line.substr(0, colon))] = std::string(trim(line.substr(colon + 1)));
      }
    }
    if (end == std::string_view::npos) {
      break;
    }
    start = end + 1;
  }
  if (!stanza.empty()) {
    each(stanza);
  }
}

} // namespace credguard::checks
