// Small file helpers for the command line tools. Every read has a size limit.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"

namespace kakuin::cli {

Result<std::vector<std::uint8_t>> read_file_limited(const std::string& path, std::size_t max_bytes);
// Writes atomically (temp file + rename) with the given mode.
Status write_file(const std::string& path, const void* data, std::size_t size, unsigned mode = 0644);
inline Status write_file(const std::string& path, const std::string& s, unsigned mode = 0644) {
    return write_file(path, s.data(), s.size(), mode);
}
void print_error(const Error& e);

}  // namespace kakuin::cli
