#include <credguard/registry/registry.hpp>

namespace credguard::registry {

std::vector<ModelVersion> ModelRegistry::search_all(const std::string& filter, const std::string& order_by,
                                                    int page_size)
{
  std::vector<ModelVersion> all;
  SearchQuery query{filter, order_by, page_size, ""};
  // A server that keeps returning the same token must not loop forever.
  for (int page = 0; page < 10'000; ++page) {
    auto result = search_versions(query);
    for (auto& version : result.versions) {
      all.push_back(std::move(version));
    }
    if (result.next_page_token.empty() || result.next_page_token == query.page_token) {
      break;
    }
    query.page_token = result.next_page_token;
  }
  return all;
}

std::string name_filter(const std::string& name)
{
  std::string escaped;
  for (char c : name) {
    if (c == '\'' || c == '\\') {
      escaped += '\\';
    }
    escaped += c;
  }
  return "name='" + escaped + "'";
}

} // namespace credguard::registry
