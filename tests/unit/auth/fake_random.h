// Deterministic Random sources for the auth tests.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/random.h"

namespace kakuin::auth::testing {

// SplitMix64: distinct seeds give distinct, well-mixed streams.
class SeededRandom final : public Random {
public:
    explicit SeededRandom(std::uint64_t seed = 1) : state_(seed) {}
    void fill(std::span<std::uint8_t> out) override {
        for (auto& b : out) {
            if (left_ == 0) {
                word_ = next();
                left_ = 8;
            }
            b = std::uint8_t(word_ & 0xff);
            word_ >>= 8;
            --left_;
        }
        ++fills;
    }
    int fills = 0;

private:
    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    std::uint64_t state_;
    std::uint64_t word_ = 0;
    int left_ = 0;
};

// Always the same byte: two draws from it are identical.
class ConstantRandom final : public Random {
public:
    explicit ConstantRandom(std::uint8_t b) : b_(b) {}
    void fill(std::span<std::uint8_t> out) override {
        for (auto& x : out) x = b_;
    }

private:
    std::uint8_t b_;
};

}  // namespace kakuin::auth::testing
