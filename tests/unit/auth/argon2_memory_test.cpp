#include "auth/argon2_memory.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>

namespace kakuin::auth {
namespace {

constexpr std::size_t kMiB = std::size_t{1} << 20;

TEST(Argon2MemoryPool, BuffersAreAlignedWritableAndReused) {
    Argon2MemoryPool pool(2);
    std::uint8_t* a = pool.take(19 * kMiB);
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(a) % (2 * kMiB), 0u);
    std::memset(a, 0x5a, 19 * kMiB);
    EXPECT_EQ(pool.in_use(), 1u);
    pool.give_back(a, 19 * kMiB);
    EXPECT_EQ(pool.in_use(), 0u);
    EXPECT_EQ(pool.idle(), 1u);
    // The next hash of the same cost gets the same buffer, not a new mapping.
    EXPECT_EQ(pool.take(19 * kMiB), a);
    // A second one at the same time gets another.
    std::uint8_t* b = pool.take(1000);
    ASSERT_NE(b, nullptr);
    EXPECT_NE(b, a);
    pool.give_back(a, 19 * kMiB);
    pool.give_back(b, 1000);
    EXPECT_EQ(pool.idle(), 2u);
}

TEST(Argon2MemoryPool, KeepsAtMostMaxIdleDroppingTheSmallest) {
    Argon2MemoryPool pool(1);
    std::uint8_t* small = pool.take(kMiB);
    std::uint8_t* big = pool.take(8 * kMiB);
    pool.give_back(small, kMiB);
    pool.give_back(big, 8 * kMiB);
    EXPECT_EQ(pool.idle(), 1u);
    // The big one was kept: it also serves a smaller request.
    EXPECT_EQ(pool.take(kMiB), big);
    pool.give_back(big, kMiB);
    pool.set_max_idle(0);
    EXPECT_EQ(pool.idle(), 0u);
}

TEST(Argon2MemoryPool, TooSmallIdleBufferIsNotHandedOut) {
    Argon2MemoryPool pool(2);
    std::uint8_t* a = pool.take(2 * kMiB);
    pool.give_back(a, 2 * kMiB);
    std::uint8_t* b = pool.take(4 * kMiB + 1);
    ASSERT_NE(b, nullptr);
    EXPECT_NE(b, a);
    std::memset(b, 1, 4 * kMiB + 1);
    pool.give_back(b, 4 * kMiB + 1);
}

TEST(Argon2MemoryPool, ForeignPointerAndImpossibleSizeAreHandled) {
    Argon2MemoryPool pool(1);
    std::uint8_t local = 0;
    pool.give_back(&local, 1);  // not the pool's: ignored
    EXPECT_EQ(pool.idle(), 0u);
    EXPECT_EQ(pool.take(SIZE_MAX - 10), nullptr);
    EXPECT_EQ(pool.in_use(), 0u);
}

}  // namespace
}  // namespace kakuin::auth
