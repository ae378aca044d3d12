#include "auth/argon2_gate.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "auth/pin_hash.h"
#include "fake_random.h"

namespace kakuin::auth {
namespace {

using namespace std::chrono_literals;

// Runs `threads` holders of `lanes` permits each, every one holding for a moment, and
// returns the most permits seen in use at once.
std::uint32_t peak_in_use(Argon2Gate& gate, int threads, std::uint32_t lanes) {
    std::atomic<std::uint32_t> peak{0};
    std::vector<std::thread> pool;
    for (int i = 0; i < threads; ++i) {
        pool.emplace_back([&] {
            for (int round = 0; round < 5; ++round) {
                Argon2Gate::Permit permit(gate, lanes);
                const std::uint32_t now = gate.in_use();
                std::uint32_t seen = peak.load();
                while (now > seen && !peak.compare_exchange_weak(seen, now)) {
                }
                std::this_thread::sleep_for(2ms);
            }
        });
    }
    for (auto& t : pool) t.join();
    return peak.load();
}

TEST(Argon2Gate, NeverMoreHoldersThanPermits) {
    Argon2Gate gate(2);
    EXPECT_EQ(peak_in_use(gate, 8, 1), 2u);
    EXPECT_EQ(gate.in_use(), 0u);
}

TEST(Argon2Gate, LanesCountAsPermits) {
    Argon2Gate gate(4);
    // Two-lane hashes: at most two at once.
    EXPECT_EQ(peak_in_use(gate, 6, 2), 4u);
    // A hash with more lanes than the limit still runs, alone.
    Argon2Gate narrow(2);
    EXPECT_EQ(peak_in_use(narrow, 3, 8), 2u);
}

TEST(Argon2Gate, ZeroBecomesOne) {
    Argon2Gate gate(0);
    EXPECT_EQ(gate.limit(), 1u);
    EXPECT_EQ(peak_in_use(gate, 4, 1), 1u);
    gate.set_limit(0);
    EXPECT_EQ(gate.limit(), 1u);
}

TEST(Argon2Gate, RaisingTheLimitWakesWaiters) {
    Argon2Gate gate(1);
    Argon2Gate::Permit held(gate, 1);
    std::atomic<bool> entered{false};
    std::thread waiter([&] {
        Argon2Gate::Permit p(gate, 1);
        entered = true;
    });
    std::this_thread::sleep_for(50ms);
    EXPECT_FALSE(entered.load());  // waits while the only permit is held
    gate.set_limit(2);
    waiter.join();
    EXPECT_TRUE(entered.load());
}

TEST(Argon2Gate, PinHashingGoesThroughTheProcessGate) {
    Argon2Gate& gate = argon2_gate();
    EXPECT_GE(gate.limit(), 1u);
    const std::uint32_t old = gate.limit();
    gate.set_limit(1);
    const Argon2Params cheap{64, 1, 1};
    testing::SeededRandom random(7);
    const auto stored = hash_pin("abc123", cheap, random);
    ASSERT_TRUE(stored.ok());

    // While the test holds the only permit, neither hashing nor verifying can run.
    std::atomic<int> finished{0};
    std::vector<std::thread> pool;
    {
        Argon2Gate::Permit held(gate, 1);
        pool.emplace_back([&] {
            testing::SeededRandom r(1);
            EXPECT_TRUE(hash_pin("abc123", cheap, r).ok());
            ++finished;
        });
        pool.emplace_back([&] {
            EXPECT_TRUE(verify_pin("abc123", stored.value()).ok());
            ++finished;
        });
        std::this_thread::sleep_for(100ms);
        EXPECT_EQ(finished.load(), 0);
    }
    for (auto& t : pool) t.join();
    EXPECT_EQ(finished.load(), 2);

    // Under contention the permit is never held by two hashes at once.
    std::atomic<std::uint32_t> peak{0};
    std::atomic<bool> done{false};
    std::thread watcher([&] {
        while (!done) {
            const std::uint32_t now = gate.in_use();
            if (now > peak) peak = now;
        }
    });
    pool.clear();
    for (int i = 0; i < 4; ++i) {
        pool.emplace_back([&, i] {
            testing::SeededRandom r(static_cast<std::uint64_t>(i) + 1);
            for (int n = 0; n < 20; ++n) {
                auto h = hash_pin("abc123", cheap, r);
                ASSERT_TRUE(h.ok());
                EXPECT_TRUE(verify_pin("abc123", h.value()).ok());
            }
        });
    }
    for (auto& t : pool) t.join();
    done = true;
    watcher.join();
    EXPECT_LE(peak.load(), 1u);
    EXPECT_EQ(gate.in_use(), 0u);
    gate.set_limit(old);
}

}  // namespace
}  // namespace kakuin::auth
