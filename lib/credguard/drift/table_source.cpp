#include <credguard/core/error.hpp>
#include <credguard/drift/table_source.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <span>

namespace credguard::drift {

namespace {

class TableChunk final : public RowChunk {
public:
  explicit TableChunk(std::span<const std::vector<TableSource::Cell>> rows)
    : m_rows(rows)
  {}

  std::uint64_t parse(RowVisitor& visitor) const override
  {
    std::vector<std::string_view> cells;
    std::uint64_t line = 0;
    for (const auto& row : m_rows) {
      cells.clear();
      for (const auto& cell : row) {
        cells.emplace_back(cell ? std::string_view(*cell) : std::string_view());
      }
      visitor.row(cells, line++);
    }
    return line;
  }

private:
  std::span<const std::vector<TableSource::Cell>> m_rows;
};

} // namespace

TableSource::TableSource(std::string name, std::vector<std::string> columns, std::vector<std::vector<Cell>> rows,
                         std::size_t rows_per_chunk)
  : m_name(std::move(name))
  , m_columns(std::move(columns))
  , m_rows(std::move(rows))
  , m_rows_per_chunk(std::max<std::size_t>(1, rows_per_chunk))
{
  std::set<std::string> seen;
  for (const auto& column : m_columns) {
    if (!column.empty() && !seen.insert(column).second) {
      throw Error(ErrorKind::data,
                  fmt::format("{}: the column '{}' comes twice; name the columns apart (AS)", m_name, column));
    }
  }
  for (std::size_t i = 0; i < m_rows.size(); ++i) {
    if (m_rows[i].size() != m_columns.size()) {
      throw Error(ErrorKind::data, fmt::format("{}:{}: the row has {} cell{}, there are {} columns", m_name, i + 1,
                                               m_rows[i].size(), m_rows[i].size() == 1 ? "" : "s", m_columns.size()));
    }
  }
}

std::unique_ptr<RowChunk> TableSource::next_chunk()
{
  if (m_next >= m_rows.size()) {
    return nullptr;
  }
  auto count = std::min(m_rows_per_chunk, m_rows.size() - m_next);
  auto chunk = std::make_unique<TableChunk>(std::span(m_rows).subspan(m_next, count));
  m_next += count;
  return chunk;
}

} // namespace credguard::drift
