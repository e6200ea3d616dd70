#include "support/temp_dir.hpp"

#include <credguard/backup/gzip_file.hpp>
#include <credguard/core/error.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

using namespace credguard;
using namespace credguard::backup;
namespace fs = std::filesystem;

namespace {

std::string dump_text()
{
  std::string text = "-- MariaDB dump\n";
  for (int i = 0; i < 20000; ++i) {
    text += "INSERT INTO `t` VALUES (" + std::to_string(i * 7919 % 10007) + ",'row');\n";
  }
  return text + "-- Dump completed on 2026-11-23  8:00:00\n";
}

fs::path write_backup(const test::TempDir& dir, const std::string& text)
{
  auto path = dir / "credguard-20261123-080000.sql.gz";
  GzipFileWriter writer(path);
  writer.write(text.substr(0, text.size() / 2));
  writer.write(text.substr(text.size() / 2));
  writer.commit();
  return path;
}

std::string read_all(const fs::path& path)
{
  GzipFileReader reader(path);
  std::string text;
  char buffer[1000];
  while (auto n = reader.read(buffer, sizeof buffer)) {
    text.append(buffer, n);
  }
  return text;
}

} // namespace

TEST_CASE("gzip file: the file appears only on commit, with a checksum that matches")
{
  test::TempDir dir;
  auto path = dir / "credguard-20261123-080000.sql.gz";
  auto text = dump_text();
  {
    GzipFileWriter writer(path);
    writer.write(text);
    CHECK(fs::exists(writer.temp_path()));
    CHECK(writer.temp_path().filename().string().front() == '.');
    CHECK_FALSE(fs::exists(path));
    auto written = writer.commit();
    CHECK(written.raw_bytes == text.size());
    CHECK(written.bytes == fs::file_size(path));
    CHECK(written.bytes < text.size() / 3);
    CHECK(written.sha256 == sha256_file(path));
    CHECK(recorded_sha256(path) == written.sha256);
    CHECK_FALSE(fs::exists(writer.temp_path()));
  }
  CHECK(read_all(path) == text);
  auto integrity = check_integrity(path, k_dump_completed);
  CHECK(integrity.ok);
  CHECK(integrity.raw_bytes == text.size());
}

TEST_CASE("gzip file: abandoned without commit leaves nothing behind")
{
  test::TempDir dir;
  {
    GzipFileWriter writer(dir / "credguard-20261123-080000.sql.gz");
    writer.write("-- partial");
  }
  CHECK(fs::is_empty(dir.path()));
}

TEST_CASE("gzip file: integrity catches truncation, corruption, a missing checksum and a missing end marker")
{
  test::TempDir dir;
  auto text = dump_text();
  auto path = write_backup(dir, text);
  auto size = fs::file_size(path);

  SECTION("truncated, checksum rewritten to match")
  {
    fs::resize_file(path, size / 2);
    std::ofstream(path.string() + ".sha256") << sha256_file(path) << "  x\n";
    auto integrity = check_integrity(path, k_dump_completed);
    CHECK_FALSE(integrity.ok);
    CHECK_THAT(integrity.problem, Catch::Contains("ends early"));
  }
  SECTION("one byte flipped")
  {
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(size / 2));
    file.put('\x55');
    file.close();
    auto integrity = check_integrity(path, k_dump_completed);
    CHECK_FALSE(integrity.ok);
    CHECK_THAT(integrity.problem, Catch::Contains("does not match its recorded SHA-256"));
    std::ofstream(path.string() + ".sha256") << sha256_file(path) << "  x\n";
    integrity = check_integrity(path, k_dump_completed);
    CHECK_FALSE(integrity.ok);
    CHECK_THAT(integrity.problem, Catch::Contains("gzip"));
  }
  SECTION("no checksum file")
  {
    fs::remove(path.string() + ".sha256");
    CHECK_THAT(check_integrity(path, k_dump_completed).problem, Catch::Contains(".sha256 is missing"));
  }
  SECTION("a complete gzip of an incomplete dump")
  {
    auto partial = write_backup(dir, text.substr(0, text.size() - 60));
    auto integrity = check_integrity(partial, k_dump_completed);
    CHECK_FALSE(integrity.ok);
    CHECK_THAT(integrity.problem, Catch::Contains("the dump is incomplete"));
  }
}

TEST_CASE("gzip file: a malformed checksum file is named")
{
  test::TempDir dir;
  auto path = write_backup(dir, dump_text());
  std::ofstream(path.string() + ".sha256") << "not-a-checksum\n";
  CHECK_THROWS_WITH(recorded_sha256(path), Catch::Contains(".sha256:1"));
}
