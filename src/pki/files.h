// Small file helpers for the CA directory.
#pragma once

#include <string>
#include <string_view>
#include <sys/types.h>

#include "core/result.h"

namespace kakuin::pki {

// Whole file, refusing files larger than `max_bytes`. Errors: config_invalid.
Result<std::string> read_small_file(const std::string& path, std::size_t max_bytes);
// Creates `path` (which must not exist) with exactly `mode`, writes and fsyncs it.
// Errors: storage_failure.
Status write_new_file(const std::string& path, std::string_view content, mode_t mode);

}  // namespace kakuin::pki
