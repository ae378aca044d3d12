#include "auth/otpauth_uri.h"

#include "auth/base32.h"
#include "auth/totp.h"

namespace kakuin::auth {

std::string percent_encode(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size() * 3);
    for (char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                                (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
                                c == '~';
        if (unreserved) {
            out.push_back(ch);
        } else {
            out.push_back('%');
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 0x0f]);
        }
    }
    return out;
}

std::string otpauth_uri(const OtpauthAccount& who, std::span<const std::uint8_t> secret,
                        int step_seconds) {
    const std::string issuer = percent_encode(who.issuer);
    return "otpauth://totp/" + issuer + ":" + percent_encode(who.account) +
           "?secret=" + base32_encode(secret, false) + "&issuer=" + issuer +
           "&algorithm=SHA1&digits=" + std::to_string(kTotpDigits) +
           "&period=" + std::to_string(step_seconds);
}

}  // namespace kakuin::auth
