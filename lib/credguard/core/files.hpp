#pragma once

#include <cstddef>
#include <filesystem>
#include <istream>
#include <string>
#include <string_view>

namespace credguard {

// The most read_file reads unless told otherwise (configuration, runbooks,
// kubeconfigs, package lists), and of a secret (`file:` references, tokens).
constexpr std::size_t k_max_file_bytes = 64 * 1024 * 1024;
constexpr std::size_t k_max_secret_bytes = 64 * 1024;

// Reads a whole file (or device, FIFO) of at most `max_bytes`. Throws
// Error(io) naming the path when it cannot, Error(data) naming the path and
// the limit when it holds more (it stops reading there).
std::string read_file(const std::filesystem::path& path, std::size_t max_bytes = k_max_file_bytes);

// Reads the next line of `in` into `line` (without its '\n'); false at the
// end. Throws Error(data) "<what>:<number>: ..." naming the limit when the
// line is longer than `max_bytes` (it stops reading there).
bool read_line(std::istream& in, std::string& line, std::size_t max_bytes, std::string_view what, std::size_t number);

// Reads `in` to its end, at most `max_bytes`; `what` names it in the
// Error(data) thrown when there is more.
std::string read_stream(std::istream& in, std::size_t max_bytes, std::string_view what);

// Writes `content` to `path` atomically: a temporary file created with
// O_EXCL under a random name in the target's directory, fsync, rename.
// Readers see the old file or the new one, never half of it. A symbolic
// link is followed: the link stays, the file it names is replaced. What is
// not a regular file (a device such as /dev/null, a FIFO, /dev/stdout or
// /dev/fd/N) is written through, never replaced; /dev/stdout and /dev/fd/N
// write to this process's open descriptor (keeping O_APPEND). A directory
// is refused. Creates missing parent directories. Throws Error(io); on
// failure the temporary file is removed and the target is untouched.
void write_file_atomic(const std::filesystem::path& path, std::string_view content,
                       std::filesystem::perms mode = std::filesystem::perms::owner_read |
                                                     std::filesystem::perms::owner_write |
                                                     std::filesystem::perms::group_read |
                                                     std::filesystem::perms::others_read);

// The login name of the effective user, or "uid:<n>" when it has none.
std::string current_user();
// This machine's host name.
std::string host_name();
// True when running as root.
bool is_root();

} // namespace credguard
