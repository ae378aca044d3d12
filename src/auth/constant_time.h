// Comparison of secrets (OTPs, card codes, CSRF tokens) whose timing must not reveal how
// many leading characters matched.
#pragma once

#include <string_view>

namespace kakuin::auth {

// True when a and b are byte-for-byte equal. The time taken depends only on the lengths,
// never on the contents (CRYPTO_memcmp); lengths are not treated as secret.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace kakuin::auth
