// Minimal DER reading and writing, for the one place where OpenSSL's template encoder is
// too slow: CRLs with a million entries (see crl.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "pki/ca.h"

namespace kakuin::pki::der {

// One TLV with a single-byte tag. `whole` covers tag, length and content.
struct Tlv {
    std::uint8_t tag = 0;
    std::span<const std::uint8_t> whole;
    std::span<const std::uint8_t> content;
};

// Reads the TLV at `pos` and moves `pos` past it. False on truncated input, non-minimal
// (non-DER) or indefinite lengths, and multi-byte tags.
bool read(std::span<const std::uint8_t> in, std::size_t& pos, Tlv& out);

void append_header(Bytes& out, std::uint8_t tag, std::size_t content_length);
void append(Bytes& out, std::span<const std::uint8_t> bytes);

// Content octets of a positive INTEGER from canonical hex (at most 20 octets, non-zero):
// leading zero octets dropped, 0x00 prepended when the top bit is set. False when invalid.
bool integer_from_hex(std::string_view hex, std::uint8_t (&out)[21], std::size_t& length);

// UTCTime (1950-2049) or GeneralizedTime (years 0-9999 otherwise), RFC 5280 4.1.2.5.
void append_time(Bytes& out, TimePoint t);

}  // namespace kakuin::pki::der
