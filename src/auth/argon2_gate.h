// Admission to Argon2id work. An Argon2id hash is pure CPU and memory bandwidth (19 MiB per
// hash at the default cost): running more hashes at once than there are cores does not
// finish them sooner, it makes every one of them slower (time slicing over a working set
// that no longer fits the caches) while the threads doing it are not serving anything else.
// Every hash_pin / verify_pin therefore holds permits for its lanes (parallelism p) while
// libargon2 runs, and waits in arrival order when the permits are taken.
//
// The hashes themselves run on the gate's own threads (a core::WorkerPool named
// kakuin-argon2, at most one thread per permit, started on first use), not on the caller's: a
// caller queues its hash and sleeps until it is done. A hashing thread that finishes one hash
// takes the next queued one at once, on the core it is already running on. When callers hashed
// on their own threads, every hash began with a wake-up of a sleeping thread, which the kernel
// often queued behind a running hash while the other core went idle for a time slice (perf
// sched: 3-5 % of both cores idle under a full login queue).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>

#include "core/worker_pool.h"

namespace kakuin::auth {

class Argon2Gate {
public:
    explicit Argon2Gate(std::uint32_t permits);
    // Waits for queued work to finish, then stops the gate's threads.
    ~Argon2Gate() = default;
    Argon2Gate(const Argon2Gate&) = delete;
    Argon2Gate& operator=(const Argon2Gate&) = delete;

    // Runs `work` on one of the gate's threads while it holds min(lanes, limit) permits, in
    // arrival order, and returns once `work` has returned. `work` must not throw or call run().
    void run(std::uint32_t lanes, const std::function<void()>& work);

    // Holds min(lanes, limit) permits from construction to destruction.
    class Permit {
    public:
        Permit(Argon2Gate& gate, std::uint32_t lanes);
        ~Permit();
        Permit(const Permit&) = delete;
        Permit& operator=(const Permit&) = delete;

    private:
        Argon2Gate& gate_;
        std::uint64_t held_;
    };

    // Changes the number of permits (at least 1) and of threads. Holders keep theirs; waiters
    // re-check; surplus threads end once the queue no longer needs them.
    void set_limit(std::uint32_t permits);
    std::uint32_t limit() const;
    // Permits currently held (tests and diagnostics).
    std::uint32_t in_use() const;
    // The gate's threads running now (tests and diagnostics).
    std::size_t threads() const;
    // run() calls not yet returned (tests and diagnostics).
    std::size_t pending() const;

private:
    std::uint64_t acquire(std::uint32_t lanes);
    void release(std::uint64_t n);

    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::uint64_t limit_;
    std::uint64_t in_use_ = 0;
    std::uint64_t next_ticket_ = 0;  // arrival order: no hash waits behind later ones forever
    std::uint64_t serving_ = 0;

    core::WorkerPool pool_;  // last: destroyed (its threads joined) first
};

// The process's gate, used by hash_pin and verify_pin. Starts with one permit per hardware
// thread; `kakuin serve` sets it from [pin] hash_concurrency. Never destroyed: its threads
// end with the process.
Argon2Gate& argon2_gate();

}  // namespace kakuin::auth
