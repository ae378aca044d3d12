#include "auth/argon2_gate.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
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

TEST(Argon2Gate, RunUsesTheGatesOwnThreadsOnePerPermitAtMost) {
    Argon2Gate gate(2);
    std::atomic<int> running{0};
    std::atomic<int> peak{0};
    std::mutex mu;
    std::set<std::thread::id> workers;
    std::vector<std::thread> callers;
    std::set<std::thread::id> caller_ids;
    for (int i = 0; i < 6; ++i) {
        callers.emplace_back([&] {
            for (int n = 0; n < 5; ++n) {
                gate.run(1, [&] {
                    const int now = ++running;
                    int seen = peak.load();
                    while (now > seen && !peak.compare_exchange_weak(seen, now)) {
                    }
                    {
                        std::lock_guard lock(mu);
                        workers.insert(std::this_thread::get_id());
                    }
                    std::this_thread::sleep_for(1ms);
                    --running;
                });
            }
        });
        caller_ids.insert(callers.back().get_id());
    }
    for (auto& t : callers) t.join();
    EXPECT_LE(peak.load(), 2);  // one per permit at most (RaisingTheLimitAddsThreads: more)
    EXPECT_GE(peak.load(), 1);
    EXPECT_LE(gate.threads(), 2u);
    EXPECT_GE(gate.threads(), 1u);
    EXPECT_EQ(workers.size(), gate.threads());
    for (const auto& id : workers) EXPECT_EQ(caller_ids.count(id), 0u);  // never the caller's
    EXPECT_EQ(gate.in_use(), 0u);
}

TEST(Argon2Gate, RunWaitsForTheWorkAndServesInArrivalOrder) {
    Argon2Gate gate(1);
    std::vector<int> order;
    std::mutex mu;
    std::vector<std::thread> callers;
    {
        Argon2Gate::Permit held(gate, 1);  // queue everyone behind a held permit
        for (int i = 0; i < 4; ++i) {
            callers.emplace_back([&, i] {
                bool ran = false;
                gate.run(1, [&] {
                    std::lock_guard lock(mu);
                    order.push_back(i);
                    ran = true;
                });
                EXPECT_TRUE(ran);  // run() returned only after the work
            });
            // Each caller queued before the next one starts.
            for (int w = 0; w < 2000 && gate.pending() < static_cast<std::size_t>(i) + 1; ++w)
                std::this_thread::sleep_for(1ms);
            EXPECT_EQ(gate.pending(), static_cast<std::size_t>(i) + 1);
        }
        std::lock_guard lock(mu);
        EXPECT_TRUE(order.empty());
    }
    for (auto& t : callers) t.join();
    EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3}));
}

TEST(Argon2Gate, RaisingTheLimitAddsThreads) {
    Argon2Gate gate(1);
    std::atomic<int> running{0};
    std::atomic<int> peak{0};
    std::atomic<bool> await_company{false};
    auto work = [&] {
        const int now = ++running;
        int seen = peak.load();
        while (now > seen && !peak.compare_exchange_weak(seen, now)) {
        }
        // With room for several, stay until another work runs beside this one (bounded), so
        // that a slow start of the callers cannot hide the added threads.
        for (int i = 0; i < 200 && await_company && peak.load() < 2; ++i)
            std::this_thread::sleep_for(10ms);
        std::this_thread::sleep_for(20ms);
        --running;
    };
    auto burst = [&] {
        std::vector<std::thread> callers;
        for (int i = 0; i < 3; ++i) callers.emplace_back([&] { gate.run(1, work); });
        for (auto& t : callers) t.join();
    };
    burst();
    EXPECT_EQ(peak.load(), 1);
    EXPECT_EQ(gate.threads(), 1u);
    gate.set_limit(3);
    peak = 0;
    await_company = true;
    burst();
    EXPECT_GE(peak.load(), 2);
    EXPECT_LE(gate.threads(), 3u);
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
