// Standard base64 (RFC 4648 section 4) decoding for OCSP GET requests (RFC 6960 appendix A).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace kakuin::api {

// Decodes padded or unpadded base64; also accepts the URL-safe alphabet ('-', '_'), which
// some OCSP clients send. nullopt on any other character or a bad length/padding.
std::optional<std::vector<std::uint8_t>> decode_base64(std::string_view in);

}  // namespace kakuin::api
