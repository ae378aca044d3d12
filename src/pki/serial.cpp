// Serial numbers and revocation reason names.
#include <array>

#include "pki/ca.h"
#include "pki/ossl.h"

namespace kakuin::pki {

std::string random_serial_hex(Random& random) {
    // 16 bytes, top bit clear (positive INTEGER), first byte non-zero so every serial
    // encodes in exactly 16 octets: ~127 bits of entropy, well above RFC 5280's 20-octet cap
    // and the CA/B Forum's 64-bit floor. Redraw instead of forcing a bit to keep it uniform.
    std::array<std::uint8_t, 16> b{};
    do {
        random.fill(b);
        b[0] &= 0x7f;
    } while (b[0] == 0);
    static constexpr char kDigits[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(32);
    for (std::uint8_t v : b) {
        out.push_back(kDigits[v >> 4]);
        out.push_back(kDigits[v & 0xf]);
    }
    return out;
}

std::string_view revocation_reason_name(RevocationReason r) {
    switch (r) {
        case RevocationReason::unspecified: return "unspecified";
        case RevocationReason::key_compromise: return "keyCompromise";
        case RevocationReason::affiliation_changed: return "affiliationChanged";
        case RevocationReason::superseded: return "superseded";
        case RevocationReason::cessation_of_operation: return "cessationOfOperation";
        case RevocationReason::privilege_withdrawn: return "privilegeWithdrawn";
    }
    return "unspecified";
}

}  // namespace kakuin::pki
