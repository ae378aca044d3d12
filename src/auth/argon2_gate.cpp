#include "auth/argon2_gate.h"

#include <algorithm>
#include <thread>

namespace kakuin::auth {

Argon2Gate::Argon2Gate(std::uint32_t permits)
    : limit_(std::max<std::uint32_t>(permits, 1)),
      pool_({.name = "kakuin-argon2", .max_threads = limit_, .nice = 0}) {}

void Argon2Gate::run(std::uint32_t lanes, const std::function<void()>& work) {
    // A thread per permit at most (the pool's maximum follows the limit): more could only
    // wait for permits.
    pool_.run([&] {
        const Permit permit(*this, lanes);
        work();
    });
}

std::size_t Argon2Gate::pending() const { return pool_.pending(); }

std::size_t Argon2Gate::threads() const { return pool_.threads(); }

std::uint64_t Argon2Gate::acquire(std::uint32_t lanes) {
    std::unique_lock lock(mutex_);
    const std::uint64_t ticket = next_ticket_++;
    std::uint64_t want = 0;
    changed_.wait(lock, [&] {
        // Re-evaluated on every wake-up: set_limit may have lowered the limit meanwhile.
        want = std::min<std::uint64_t>(std::max<std::uint32_t>(lanes, 1), limit_);
        return ticket == serving_ && in_use_ + want <= limit_;
    });
    in_use_ += want;
    ++serving_;
    lock.unlock();
    changed_.notify_all();  // the next ticket may fit too
    return want;
}

void Argon2Gate::release(std::uint64_t n) {
    {
        std::lock_guard lock(mutex_);
        in_use_ -= n;
    }
    changed_.notify_all();
}

void Argon2Gate::set_limit(std::uint32_t permits) {
    {
        std::lock_guard lock(mutex_);
        limit_ = std::max<std::uint32_t>(permits, 1);
    }
    pool_.set_max_threads(permits);  // one thread per permit; the pool makes 0 one too
    changed_.notify_all();
}

std::uint32_t Argon2Gate::limit() const {
    std::lock_guard lock(mutex_);
    return static_cast<std::uint32_t>(limit_);
}

std::uint32_t Argon2Gate::in_use() const {
    std::lock_guard lock(mutex_);
    return static_cast<std::uint32_t>(in_use_);
}

Argon2Gate::Permit::Permit(Argon2Gate& gate, std::uint32_t lanes)
    : gate_(gate), held_(gate.acquire(lanes)) {}

Argon2Gate::Permit::~Permit() { gate_.release(held_); }

Argon2Gate& argon2_gate() {
    static Argon2Gate* gate = new Argon2Gate(std::max(1u, std::thread::hardware_concurrency()));
    return *gate;
}

}  // namespace kakuin::auth
