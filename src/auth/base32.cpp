#include "auth/base32.h"

namespace kakuin::auth {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

int decode_char(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a';
    if (c >= '2' && c <= '7') return c - '2' + 26;
    return -1;
}

Error bad_base32(std::string detail) {
    return make_error(ErrorCode::invalid_request, "base32: " + std::move(detail));
}

}  // namespace

std::string base32_encode(std::span<const std::uint8_t> data, bool pad) {
    std::string out;
    out.reserve((data.size() + 4) / 5 * 8);
    std::uint32_t buffer = 0;
    int bits = 0;
    for (std::uint8_t byte : data) {
        buffer = (buffer << 8) | byte;
        bits += 8;
        while (bits >= 5) {
            out.push_back(kAlphabet[(buffer >> (bits - 5)) & 0x1f]);
            bits -= 5;
        }
    }
    if (bits > 0) out.push_back(kAlphabet[(buffer << (5 - bits)) & 0x1f]);
    if (pad) {
        while (out.size() % 8 != 0) out.push_back('=');
    }
    return out;
}

Result<std::vector<std::uint8_t>> base32_decode(std::string_view text) {
    if (text.size() > kMaxBase32Chars) return bad_base32("input too long");
    std::string_view body = text;
    while (!body.empty() && body.back() == '=') body.remove_suffix(1);
    const std::size_t padding = text.size() - body.size();
    if (padding > 0 && text.size() % 8 != 0) return bad_base32("padded input is not a multiple of 8");
    // Characters in the last group of 8 -> valid counts: 0, 2, 4, 5, 7.
    const std::size_t tail = body.size() % 8;
    if (tail == 1 || tail == 3 || tail == 6) return bad_base32("impossible length");
    if (padding > 0 && padding != (8 - tail) % 8) return bad_base32("wrong padding");

    std::vector<std::uint8_t> out;
    out.reserve(body.size() * 5 / 8);
    std::uint32_t buffer = 0;
    int bits = 0;
    for (char c : body) {
        const int v = decode_char(c);
        if (v < 0) return bad_base32("invalid character");
        buffer = (buffer << 5) | std::uint32_t(v);
        bits += 5;
        if (bits >= 8) {
            out.push_back(std::uint8_t((buffer >> (bits - 8)) & 0xff));
            bits -= 8;
        }
    }
    // The leftover bits of a canonical encoding are zero.
    if ((buffer & ((1u << bits) - 1)) != 0) return bad_base32("non-zero trailing bits");
    return out;
}

}  // namespace kakuin::auth
