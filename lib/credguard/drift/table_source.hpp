#pragma once

#include <credguard/drift/row_source.hpp>

#include <optional>
#include <string>
#include <vector>

namespace credguard::drift {

// Rows already in memory (the result of an SQL query) as a RowSource. A
// null cell (nullopt) is a missing cell, as an empty one is. Row numbers
// stand in for line numbers: the first row is 1, so messages read
// "NAME:row".
class TableSource final : public RowSource {
public:
  using Cell = std::optional<std::string>;

  // `name` is how messages name the table. Throws Error(data) naming it
  // when a column name is repeated or a row has another number of cells
  // than there are columns.
  TableSource(std::string name, std::vector<std::string> columns, std::vector<std::vector<Cell>> rows,
              std::size_t rows_per_chunk = 65536);

  const std::string& name() const override { return m_name; }
  const std::vector<std::string>& columns() const override { return m_columns; }
  std::uint64_t first_line() const override { return 1; }
  std::unique_ptr<RowChunk> next_chunk() override;
  bool rewindable() const override { return true; }
  void rewind() override { m_next = 0; }

private:
  std::string m_name;
  std::vector<std::string> m_columns;
  std::vector<std::vector<Cell>> m_rows;
  std::size_t m_rows_per_chunk;
  std::size_t m_next = 0; // the first row of the next chunk
};

} // namespace credguard::drift
