#include <credguard/core/time_format.hpp>
#include <credguard/triage/maintenance.hpp>

#include <catch2/catch.hpp>

using namespace credguard;
using namespace credguard::triage;

namespace {

const SystemTime k_now = *parse_rfc3339("2026-11-23T08:00:00Z");

MaintenanceWindow at_now(const nlohmann::json& data)
{
  return maintenance_from(data, k_now, "configmap monitoring/maintenance-status");
}

} // namespace

TEST_CASE("maintenance: active flag, from/until bounds, and their edges")
{
  CHECK(at_now({{"active", "true"}}).active == true);
  CHECK(at_now({{"active", "YES"}}).active == true);
  CHECK(at_now({{"active", "false"}, {"until", "2026-11-23T09:00:00Z"}}).active == false);
  CHECK(at_now({{"until", "2026-11-23T09:00:00Z"}}).active == true);
  CHECK(at_now({{"active", "true"}, {"until", "2026-11-23T08:00:00Z"}}).active == false); // ends at until
  CHECK(at_now({{"active", "true"}, {"until", "2026-11-23T08:00:01Z"}}).active == true);
  CHECK(at_now({{"active", "true"}, {"from", "2026-11-23T08:00:00Z"}}).active == true); // starts at from
  CHECK(at_now({{"active", "true"}, {"from", "2026-11-23T08:00:01Z"}}).active == false);
  CHECK(at_now(nlohmann::json::object()).active == false);
  CHECK(at_now(nullptr).active == false);
  auto active = at_now({{"active", "true"}, {"until", "2026-11-23T10:00:00Z"}, {"reason", "node upgrade"}});
  CHECK(active.detail.find("until 2026-11-23T10:00:00Z (node upgrade)") != std::string::npos);
  CHECK(at_now({{"active", "true"}, {"until", "2026-11-23T07:00:00Z"}}).detail.find("ended") != std::string::npos);
}

TEST_CASE("maintenance: malformed values make the window unknown, naming the key")
{
  auto bad_flag = at_now({{"active", "maybe"}});
  CHECK_FALSE(bad_flag.active.has_value());
  CHECK(bad_flag.detail.find("active") != std::string::npos);
  CHECK(bad_flag.detail.find("maybe") != std::string::npos);
  auto bad_time = at_now({{"active", "true"}, {"until", "tomorrow"}});
  CHECK_FALSE(bad_time.active.has_value());
  CHECK(bad_time.detail.find("until") != std::string::npos);
}
