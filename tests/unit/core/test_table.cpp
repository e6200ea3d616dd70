#include <credguard/core/table.hpp>

#include <catch2/catch.hpp>

#include <sstream>

using namespace credguard;

TEST_CASE("table: columns align on display width and nothing is truncated")
{
  Table table({"A", "LONGER"});
  table.add_row({"é-wide", "x"});
  table.add_row({"b", std::string(200, 'y')});
  std::ostringstream out;
  table.render(out, false);
  CHECK(out.str() == "A       LONGER\né-wide  x\nb       " + std::string(200, 'y') + "\n");
}

TEST_CASE("table: colour escapes only when asked and never shift alignment")
{
  Table table({"S", "N"});
  table.add_row({Cell("PASS", Color::green), "1"});
  std::ostringstream plain;
  table.render(plain, false);
  CHECK(plain.str().find('\033') == std::string::npos);
  std::ostringstream colored;
  table.render(colored, true);
  CHECK(colored.str().find("\033[32mPASS\033[0m  1") != std::string::npos);
}

TEST_CASE("table: control characters in cells are escaped, so a cell is one plain line")
{
  Table table({"TENANT", "N"});
  table.add_row({"t\x1b]0;title\x07\nx", "1"});
  std::ostringstream out;
  table.render(out, false);
  CHECK(out.str() == "TENANT                N\nt\\x1b]0;title\\x07\\nx  1\n");
}
