#include <credguard/checks/threshold.hpp>

#include <catch2/catch.hpp>

#include <cmath>

using namespace credguard::checks;

TEST_CASE("threshold: higher is worse by default, limits included")
{
  Threshold t{70, 90, Threshold::Direction::above, "%"};
  CHECK(t.evaluate(69.9) == Status::pass);
  CHECK(t.evaluate(70) == Status::warn);
  CHECK(t.evaluate(89.9) == Status::warn);
  CHECK(t.evaluate(90) == Status::fail);
  CHECK(t.evaluate(std::nan("")) == Status::unknown);
  CHECK(t.describe() == "< 70 % (crit >= 90 %)");
  CHECK(t.format_value(72.456) == "72.5 %");
}

TEST_CASE("threshold: lower is worse for 'below' (days before expiry)")
{
  Threshold t{30, 0, Threshold::Direction::below, "days"};
  CHECK(t.evaluate(45) == Status::pass);
  CHECK(t.evaluate(30) == Status::pass);
  CHECK(t.evaluate(29) == Status::warn);
  CHECK(t.evaluate(-1) == Status::fail);
  CHECK(t.describe() == ">= 30 days (crit < 0 days)");
}

TEST_CASE("threshold: a count that must be zero")
{
  Threshold t{1, 1, Threshold::Direction::above, "jobs"};
  CHECK(t.evaluate(0) == Status::pass);
  CHECK(t.evaluate(1) == Status::fail);
  CHECK(t.describe() == "< 1 jobs");
}

TEST_CASE("status: aggregation follows severity and the Nagios codes")
{
  CHECK(worst(Status::pass, Status::skip) == Status::pass);
  CHECK(worst(Status::warn, Status::unknown) == Status::unknown);
  CHECK(worst(Status::unknown, Status::fail) == Status::fail);
  CHECK(credguard::to_int(nagios_code(Status::warn)) == 1);
  CHECK(credguard::to_int(nagios_code(Status::fail)) == 2);
  CHECK(credguard::to_int(nagios_code(Status::unknown)) == 3);
  CHECK(credguard::to_int(nagios_code(Status::skip)) == 0);
}
