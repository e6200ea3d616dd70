// The CSV reader of psi (drift::CsvSource): streamed (standard input, small
// chunks so that records straddle them) and mapped (a regular file), every
// cell also read as a number. Errors are credguard::Error or ChunkError;
// anything else escaping is a finding.

#include "fuzz_input.hpp"

#include <credguard/core/error.hpp>
#include <credguard/drift/cell.hpp>
#include <credguard/drift/csv_source.hpp>

#include <sstream>

namespace {

using namespace credguard;

class CellReader final : public drift::RowVisitor {
public:
  void row(std::span<const std::string_view> cells, std::uint64_t) override
  {
    for (auto cell : cells) {
      if (!drift::is_missing(cell) && drift::parse_number(cell)) {
        ++m_numbers;
      }
    }
  }

private:
  std::size_t m_numbers = 0;
};

void read_all(drift::CsvSource& source)
{
  CellReader reader;
  while (auto chunk = source.next_chunk()) {
    try {
      chunk->parse(reader);
    } catch (const drift::ChunkError&) {
      return;
    }
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  static const fuzz::ScratchFile file("input.csv");
  auto text = fuzz::as_text(data, size);
  std::size_t chunk = text.empty() ? 1 : 1 + static_cast<unsigned char>(text[0]) % 64;
  try {
    std::istringstream in{std::string(text)};
    drift::CsvSource streamed(drift::open_bytes("-", in), chunk);
    read_all(streamed);
  } catch (const Error&) {
  }
  try {
    std::istringstream unused;
    file.write(text);
    auto mapped = drift::open_csv(file.path().string(), unused);
    read_all(*mapped);
  } catch (const Error&) {
  }
  return 0;
}
