#include "core/random.h"

#include <array>
#include <cstring>

namespace kakuin {

std::uint64_t random_below(Random& r, std::uint64_t bound) {
    const std::uint64_t limit = UINT64_MAX - (UINT64_MAX % bound);
    for (;;) {
        std::array<std::uint8_t, 8> b{};
        r.fill(b);
        std::uint64_t v;
        std::memcpy(&v, b.data(), sizeof v);
        if (v < limit) return v % bound;
    }
}

std::string random_digits(Random& r, std::size_t n) {
    std::string s;
    s.reserve(n);
    for (std::size_t i = 0; i < n; ++i) s.push_back(char('0' + random_below(r, 10)));
    return s;
}

}  // namespace kakuin
