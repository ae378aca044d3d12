// Secrets given as files (--pin-file, --p12-password-file), so they never appear in the
// process list or the shell history.
#pragma once

#include <string>

#include "client/secret.h"
#include "core/result.h"

namespace kakuin::client {

inline constexpr std::size_t kMaxSecretFileBytes = 4096;

// The first line of the file (without "\r\n"). invalid_request when the file cannot be read,
// is larger than kMaxSecretFileBytes or the line is empty or too long.
Result<SecretString> read_secret_file(const std::string& path);

}  // namespace kakuin::client
