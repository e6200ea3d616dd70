#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace credguard {

// Reads a whole file. Throws Error(io) naming the path when it cannot.
std::string read_file(const std::filesystem::path& path);

// Writes `content` to `path` atomically: a temporary file in the same
// directory, fsync, rename. Readers see the old file or the new one, never
// half of it. Creates missing parent directories. Throws Error(io).
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
