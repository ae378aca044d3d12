#include "core/worker_pool.h"

#include <gtest/gtest.h>
#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <latch>
#include <mutex>
#include <semaphore>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace kakuin::core {
namespace {

using namespace std::chrono_literals;

// Waits until `pred` holds (at most 10 s: a loaded CI machine may be slow to start threads).
template <class Pred>
bool eventually(Pred pred) {
    for (int i = 0; i < 10000; ++i) {
        if (pred()) return true;
        std::this_thread::sleep_for(1ms);
    }
    return pred();
}

std::string thread_name() {
    char name[16] = {};
    pthread_getname_np(pthread_self(), name, sizeof name);
    return name;
}

int thread_nice() { return getpriority(PRIO_PROCESS, static_cast<id_t>(gettid())); }

TEST(WorkerPool, RunsTheWorkOnItsOwnNamedThreadAtItsNiceValue) {
    WorkerPool pool({.name = "kakuin-test", .max_threads = 1, .nice = 7});
    const int caller_nice = thread_nice();
    std::thread::id worker;
    std::string name;
    int nice = 0;
    pool.run([&] {
        worker = std::this_thread::get_id();
        name = thread_name();
        nice = thread_nice();
    });
    EXPECT_NE(worker, std::this_thread::get_id());
    EXPECT_EQ(name, "kakuin-test");
    EXPECT_EQ(nice, std::min(caller_nice + 7, 19));
    EXPECT_EQ(thread_nice(), caller_nice);  // the caller's own priority is untouched
    EXPECT_EQ(pool.nice(), 7);
}

TEST(WorkerPool, NiceIsClampedAndNamesAreCut) {
    WorkerPool high({.name = "a-name-longer-than-fifteen", .max_threads = 1, .nice = 40});
    WorkerPool low({.name = "low", .max_threads = 1, .nice = -5});
    EXPECT_EQ(high.nice(), 19);
    EXPECT_EQ(low.nice(), 0);
    std::string name;
    high.run([&] { name = thread_name(); });
    EXPECT_EQ(name, "a-name-longer-t");
    int nice = -100;
    const int caller_nice = thread_nice();
    low.run([&] { nice = thread_nice(); });
    EXPECT_EQ(nice, caller_nice);  // a negative value never raises the priority
}

TEST(WorkerPool, RunReturnsOnlyAfterTheWorkAndRethrowsItsException) {
    WorkerPool pool({.name = "t", .max_threads = 2});
    std::atomic<bool> done{false};
    pool.run([&] {
        std::this_thread::sleep_for(30ms);
        done = true;
    });
    EXPECT_TRUE(done.load());
    EXPECT_THROW(pool.run([] { throw std::runtime_error("boom"); }), std::runtime_error);
    // The pool still works after a throwing work.
    int n = 0;
    pool.run([&] { n = 42; });
    EXPECT_EQ(n, 42);
    EXPECT_EQ(pool.pending(), 0u);
}

TEST(WorkerPool, NeverMoreThreadsThanTheMaximum) {
    WorkerPool pool({.name = "t", .max_threads = 2});
    std::atomic<int> running{0}, peak{0};
    std::mutex mu;
    std::set<std::thread::id> workers;
    std::vector<std::thread> callers;
    for (int i = 0; i < 8; ++i) {
        callers.emplace_back([&] {
            for (int round = 0; round < 3; ++round) {
                pool.run([&] {
                    const int now = ++running;
                    int seen = peak.load();
                    while (now > seen && !peak.compare_exchange_weak(seen, now)) {
                    }
                    {
                        std::lock_guard lock(mu);
                        workers.insert(std::this_thread::get_id());
                    }
                    std::this_thread::sleep_for(2ms);
                    --running;
                });
            }
        });
    }
    for (auto& t : callers) t.join();
    EXPECT_LE(peak.load(), 2);
    EXPECT_LE(workers.size(), 2u);
    EXPECT_LE(pool.threads(), 2u);
    EXPECT_GE(pool.threads(), 1u);
    EXPECT_EQ(pool.pending(), 0u);
}

TEST(WorkerPool, OneThreadServesInArrivalOrder) {
    WorkerPool pool({.name = "t", .max_threads = 1});
    std::binary_semaphore release{0};
    std::thread first([&] { pool.run([&] { release.acquire(); }); });
    ASSERT_TRUE(eventually([&] { return pool.pending() == 1; }));
    std::mutex mu;
    std::vector<int> order;
    std::vector<std::thread> callers;
    for (int i = 0; i < 4; ++i) {
        callers.emplace_back([&, i] {
            pool.run([&, i] {
                std::lock_guard lock(mu);
                order.push_back(i);
            });
        });
        // Queued one after the other: caller i is waiting before caller i + 1 starts.
        ASSERT_TRUE(eventually([&] { return pool.pending() == static_cast<std::size_t>(i + 2); }));
    }
    {
        std::lock_guard lock(mu);
        EXPECT_TRUE(order.empty());  // nothing overtook the work holding the only thread
    }
    release.release();
    first.join();
    for (auto& t : callers) t.join();
    EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3}));
}

TEST(WorkerPool, RaisingTheMaximumAddsThreadsAndLoweringItEndsSurplusOnes) {
    WorkerPool pool({.name = "t", .max_threads = 1});
    std::counting_semaphore<8> release{0};
    std::latch started(3);
    std::vector<std::thread> callers;
    pool.set_max_threads(3);
    EXPECT_EQ(pool.max_threads(), 3u);
    for (int i = 0; i < 3; ++i) {
        callers.emplace_back([&] {
            pool.run([&] {
                started.count_down();
                release.acquire();
            });
        });
    }
    // Three works at once: only possible on three threads.
    started.wait();
    EXPECT_EQ(pool.threads(), 3u);
    pool.set_max_threads(1);
    release.release(3);
    for (auto& t : callers) t.join();
    EXPECT_TRUE(eventually([&] { return pool.threads() == 1u; }));
    int n = 0;
    pool.run([&] { n = 1; });  // the remaining thread still serves
    EXPECT_EQ(n, 1);
    pool.set_max_threads(0);
    EXPECT_EQ(pool.max_threads(), 1u);
}

}  // namespace
}  // namespace kakuin::core
