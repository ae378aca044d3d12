#include <openssl/rand.h>

#include <climits>
#include <cstdio>
#include <cstdlib>

#include "pki/ca.h"
#include "pki/ossl.h"

namespace kakuin::pki {

void OsRandom::fill(std::span<std::uint8_t> out) {
    std::size_t done = 0;
    int failures = 0;
    while (done < out.size()) {
        const int chunk = static_cast<int>(std::min<std::size_t>(out.size() - done, INT_MAX));
        if (RAND_bytes(out.data() + done, chunk) == 1) {
            done += static_cast<std::size_t>(chunk);
            continue;
        }
        // A DRBG that fails repeatedly (no entropy source) leaves nothing safe to do:
        // serials, tokens and OTP secrets would be predictable. Terminate loudly.
        if (++failures == 3) {
            const Error e = ossl_error("RAND_bytes");
            std::fprintf(stderr, "kakuin: fatal: %s\n", e.detail.c_str());
            std::abort();
        }
    }
}

}  // namespace kakuin::pki
