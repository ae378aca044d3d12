// Randomness is injected: the real source is pki::OsRandom (OpenSSL's DRBG); tests may
// pass a deterministic one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace kakuin {

class Random {
public:
    virtual ~Random() = default;
    virtual void fill(std::span<std::uint8_t> out) = 0;
};

// A uniform integer in [0, bound) without modulo bias. REQUIRES: bound > 0.
std::uint64_t random_below(Random& r, std::uint64_t bound);
// n random decimal digits, e.g. for initial PINs and the certificate CN suffix.
std::string random_digits(Random& r, std::size_t n);

}  // namespace kakuin
