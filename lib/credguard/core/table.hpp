#pragma once

#include <credguard/core/terminal.hpp>

#include <ostream>
#include <string>
#include <vector>

namespace credguard {

// One cell of a table: its text and how to colour it on a terminal.
struct Cell {
  std::string text;
  Color color = Color::none;

  Cell(std::string t, Color c = Color::none)
    : text(std::move(t))
    , color(c)
  {} // NOLINT: implicit by design
  Cell(const char* t, Color c = Color::none)
    : text(t)
    , color(c)
  {} // NOLINT
};

// An aligned text table. Nothing is truncated: piped output stays complete,
// and the last column is never padded.
class Table {
public:
  explicit Table(std::vector<std::string> headers);

  // Adds a row; control characters in the cells are escaped
  // (escape_controls), so a cell is always one line of plain text.
  void add_row(std::vector<Cell> row);
  std::size_t size() const { return m_rows.size(); }
  // Writes the header and rows, two spaces between columns.
  void render(std::ostream& out, bool color) const;

private:
  std::vector<std::string> m_headers;
  std::vector<std::vector<Cell>> m_rows;
};

} // namespace credguard
