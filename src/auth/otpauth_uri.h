// The otpauth:// URI (Google Authenticator "Key Uri Format") that provisions a software
// token, usually shown as a QR code.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace kakuin::auth {

struct OtpauthAccount {
    std::string_view issuer;   // the bank, e.g. "かくいん銀行" (UTF-8)
    std::string_view account;  // e.g. "00009876543 riyousya"
};

// "otpauth://totp/<issuer>:<account>?secret=<BASE32>&issuer=<issuer>&algorithm=SHA1
// &digits=6&period=<step>". Issuer and account are UTF-8, percent-encoded byte by byte
// except RFC 3986 unreserved characters (so a space is %20 and ':' inside them is %3A);
// the secret is base32 without padding.
std::string otpauth_uri(const OtpauthAccount& who, std::span<const std::uint8_t> secret,
                        int step_seconds);

// RFC 3986 percent-encoding of everything but unreserved characters, upper-case hex.
std::string percent_encode(std::string_view text);

}  // namespace kakuin::auth
