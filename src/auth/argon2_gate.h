// Admission to Argon2id work. An Argon2id hash is pure CPU and memory bandwidth (19 MiB per
// hash at the default cost): running more hashes at once than there are cores does not
// finish them sooner, it makes every one of them slower (time slicing over a working set
// that no longer fits the caches) while the threads doing it are not serving anything else.
// Every hash_pin / verify_pin therefore holds permits for its lanes (parallelism p) while
// libargon2 runs, and waits in arrival order when the permits are taken.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace kakuin::auth {

class Argon2Gate {
public:
    explicit Argon2Gate(std::uint32_t permits);
    Argon2Gate(const Argon2Gate&) = delete;
    Argon2Gate& operator=(const Argon2Gate&) = delete;

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

    // Changes the number of permits (at least 1). Holders keep theirs; waiters re-check.
    void set_limit(std::uint32_t permits);
    std::uint32_t limit() const;
    // Permits currently held (tests and diagnostics).
    std::uint32_t in_use() const;

private:
    std::uint64_t acquire(std::uint32_t lanes);
    void release(std::uint64_t n);

    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::uint64_t limit_;
    std::uint64_t in_use_ = 0;
    std::uint64_t next_ticket_ = 0;  // arrival order: no hash waits behind later ones forever
    std::uint64_t serving_ = 0;
};

// The process's gate, used by hash_pin and verify_pin. Starts with one permit per hardware
// thread; `kakuin serve` sets it from [pin] hash_concurrency.
Argon2Gate& argon2_gate();

}  // namespace kakuin::auth
