#include "support/temp_dir.hpp"

#include <credguard/core/error.hpp>
#include <credguard/s3/digest.hpp>

#include <catch2/catch.hpp>

using namespace credguard;
using namespace credguard::s3;

TEST_CASE("digest: known SHA-256, MD5 and HMAC values")
{
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(md5_base64("") == "1B2M2Y8AsgTpgAmY7PhCfg==");
  CHECK(to_hex(*from_base64(md5_base64("abc"))) == "900150983cd24fb0d6963f7d28e17f72");
  // RFC 4231 test case 2.
  CHECK(to_hex(hmac_sha256("Jefe", "what do ya want for nothing?")) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("digest: base64 round-trips and rejects malformed text")
{
  for (const std::string& text : std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\0\xff\x10", 3)}) {
    CHECK(from_base64(to_base64(text)) == text);
  }
  CHECK(to_base64("ab") == "YWI=");
  CHECK_FALSE(from_base64("abc"));
  CHECK_FALSE(from_base64("a*c="));
}

TEST_CASE("digest: incremental digests equal one-shot ones")
{
  Digest sha(Digest::Algorithm::sha256);
  sha.update("hello ");
  sha.update("world");
  CHECK(to_hex(sha.finish()) == sha256_hex("hello world"));
  Digest md5(Digest::Algorithm::md5);
  md5.update("hello world");
  CHECK(to_base64(md5.finish()) == md5_base64("hello world"));
}

TEST_CASE("digest: file ranges are hashed in blocks, and feed a whole-file digest")
{
  test::TempDir dir;
  std::string data;
  for (int i = 0; i < 200'000; ++i) {
    data += static_cast<char>('a' + i % 26);
  }
  auto file = dir.write("data.bin", data);
  FileDigests whole = digest_file(file);
  CHECK(whole.size == data.size());
  CHECK(whole.sha256_hex == sha256_hex(data));
  CHECK(whole.md5_base64 == md5_base64(data));

  Digest all(Digest::Algorithm::sha256);
  FileDigests first = digest_file(file, 0, 70'000, &all);
  FileDigests second = digest_file(file, 70'000, 130'000, &all);
  CHECK(first.sha256_hex == sha256_hex(data.substr(0, 70'000)));
  CHECK(second.md5_base64 == md5_base64(data.substr(70'000)));
  CHECK(to_hex(all.finish()) == whole.sha256_hex);
}

TEST_CASE("digest: a missing or short file is an io error naming it")
{
  test::TempDir dir;
  try {
    digest_file(dir / "absent.bin");
    FAIL("hashed a missing file");
  } catch (const Error& error) {
    CHECK(error.kind() == ErrorKind::io);
    CHECK(std::string(error.what()).find("absent.bin") != std::string::npos);
  }
  auto file = dir.write("short.bin", "12345");
  CHECK_THROWS_AS(digest_file(file, 2, 10), Error);
}
