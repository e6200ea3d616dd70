#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace credguard {

// Reads a whole file. Throws Error(io) naming the path when it cannot.
std::string read_file(const std::filesystem::path& path);

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
