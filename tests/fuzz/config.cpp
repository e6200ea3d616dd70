// The configuration: YAML validated against the schema (core/config_yaml),
// then CREDGUARD_<SECTION>_<KEY> overrides, then every value read back
// through the typed getters. Input: the YAML, optionally followed by
// "\n---8<---\n" and NAME=VALUE lines for the environment. Secrets are not
// resolved (a `file:` reference would read any path).

#include "fuzz_input.hpp"

#include <credguard/core/config.hpp>
#include <credguard/core/error.hpp>

namespace {

using namespace credguard;

void read_back(const ConfigView& view, const ConfigValues& values)
{
  for (const auto& [key, value] : values) {
    switch (value.type) {
    case config::Type::integer: (void)view.get_int(key); break;
    case config::Type::number: (void)view.get_number(key); break;
    case config::Type::boolean: (void)view.get_bool(key); break;
    case config::Type::duration: (void)view.get_duration(key); break;
    case config::Type::string_list: (void)view.get_list(key); break;
    case config::Type::object_list: {
      auto objects = view.get_objects(key);
      for (std::size_t i = 0; i < objects.size(); ++i) {
        read_back(objects[i], value.objects[i]);
      }
      break;
    }
    case config::Type::string: (void)view.get_string(key); break;
    case config::Type::secret: break;
    }
    (void)view.origin(key);
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  auto parts = fuzz::parts(fuzz::as_text(data, size));
  MapEnv env;
  if (parts.size() > 1) {
    fuzz::each_line(parts[1], [&](std::string_view line, std::size_t) {
      auto equals = line.find('=');
      if (equals != std::string_view::npos) {
        env.set(std::string(line.substr(0, equals)), std::string(line.substr(equals + 1)));
      }
    });
  }
  Redactor redactor;
  try {
    auto config = Config::parse(parts[0], "fuzz.yaml", env, redactor);
    read_back(config.view(), config.values());
  } catch (const Error&) {
  }
  return 0;
}
