// Base64 (RFC 4648 sections 4 and 5): decoding for OCSP GET requests (RFC 6960 appendix A) and
// the salt and hash of stored PIN hashes (PHC strings); unpadded encoding for the latter, and
// unpadded base64url for session tokens and generated secrets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kakuin {

// Decodes padded or unpadded base64; also accepts the URL-safe alphabet ('-', '_'), which
// some OCSP clients send. nullopt on any other character or a bad length/padding.
std::optional<std::vector<std::uint8_t>> decode_base64(std::string_view in);

// Standard alphabet, no '=' padding (the PHC string format's base64).
std::string encode_base64_unpadded(const std::uint8_t* data, std::size_t size);

// URL-safe alphabet ('-', '_'), no '=' padding.
std::string encode_base64url_unpadded(const std::uint8_t* data, std::size_t size);

}  // namespace kakuin
