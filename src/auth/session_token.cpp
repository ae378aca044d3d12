#include "auth/session_token.h"

#include <openssl/sha.h>

#include <array>

#include "auth/constant_time.h"
#include "core/base64.h"

namespace kakuin::auth {
namespace {

std::string random_token(Random& random) {
    std::array<std::uint8_t, kTokenBytes> bytes{};
    random.fill(bytes);
    return base64url_encode(
        std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

bool is_base64url_token(std::string_view s) {
    if (s.size() != kTokenChars) return false;
    for (char c : s) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok) return false;
    }
    return true;
}

std::string sha256_hex(std::string_view text) {
    std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
    // SHA256() cannot fail for in-memory input.
    SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest.data());
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(digest.size() * 2);
    for (unsigned char b : digest) {
        hex.push_back(kHex[b >> 4]);
        hex.push_back(kHex[b & 0x0f]);
    }
    return hex;
}

}  // namespace

std::string base64url_encode(std::string_view bytes) {
    return encode_base64url_unpadded(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                     bytes.size());
}

IssuedSessionToken issue_session_token(Random& random) {
    IssuedSessionToken t;
    t.token = random_token(random);
    t.hash_hex = sha256_hex(t.token);
    return t;
}

Result<std::string> session_token_hash(std::string_view presented) {
    if (!is_base64url_token(presented))
        return make_error(ErrorCode::session_expired, "malformed session token");
    return sha256_hex(presented);
}

std::string issue_csrf_token(Random& random) { return random_token(random); }

Status check_csrf_token(std::string_view expected, std::string_view presented) {
    if (expected.empty() || !constant_time_equal(expected, presented))
        return make_error(ErrorCode::csrf_failed, "CSRF token missing or wrong");
    return {};
}

bool session_idle_expired(TimePoint last_seen, TimePoint now, Seconds idle) {
    return now >= last_seen && now - last_seen >= idle;
}

Status check_session_idle(TimePoint last_seen, TimePoint now, Seconds idle) {
    if (session_idle_expired(last_seen, now, idle))
        return make_error(ErrorCode::session_expired, "session idle too long");
    return {};
}

}  // namespace kakuin::auth
