// RFC 4648 base32 (alphabet A-Z 2-7), the encoding of TOTP secrets in otpauth:// URIs and
// on bank forms.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace kakuin::auth {

// Longest text base32_decode accepts (a 64-byte secret is 104 characters).
inline constexpr std::size_t kMaxBase32Chars = 1024;

// Encodes with '=' padding to a multiple of 8 characters when `pad` (RFC 4648 form);
// otpauth:// URIs use pad = false.
std::string base32_encode(std::span<const std::uint8_t> data, bool pad = true);

// Decodes upper- or lower-case text, with or without correct trailing padding. Spaces,
// other characters, misplaced or wrong padding, non-zero trailing bits, an impossible
// length and input over kMaxBase32Chars are invalid_request.
Result<std::vector<std::uint8_t>> base32_decode(std::string_view text);

}  // namespace kakuin::auth
