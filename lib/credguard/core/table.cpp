#include <credguard/core/strings.hpp>
#include <credguard/core/table.hpp>

#include <algorithm>

namespace credguard {

Table::Table(std::vector<std::string> headers)
  : m_headers(std::move(headers))
{}

void Table::add_row(std::vector<Cell> row)
{
  row.resize(m_headers.size(), Cell(""));
  // Cells hold data from outside (event fields, journal targets, CSV
  // columns): no control sequence of theirs reaches the terminal.
  for (auto& cell : row) {
    cell.text = escape_controls(cell.text);
  }
  m_rows.push_back(std::move(row));
}

void Table::render(std::ostream& out, bool color) const
{
  std::vector<std::size_t> widths(m_headers.size(), 0);
  for (std::size_t c = 0; c < m_headers.size(); ++c) {
    widths[c] = display_width(m_headers[c]);
    for (const auto& row : m_rows) {
      widths[c] = std::max(widths[c], display_width(row[c].text));
    }
  }
  auto write_row = [&](const std::vector<Cell>& row) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      line += colorize(row[c].text, row[c].color, color);
      if (c + 1 < row.size()) {
        line.append(widths[c] - display_width(row[c].text) + 2, ' ');
      }
    }
    while (!line.empty() && line.back() == ' ') {
      line.pop_back();
    }
    out << line << '\n';
  };
  std::vector<Cell> header;
  for (const auto& h : m_headers) {
    header.emplace_back(h, Color::bold);
  }
  write_row(header);
  for (const auto& row : m_rows) {
    write_row(row);
  }
}

} // namespace credguard
