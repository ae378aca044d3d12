#include "auth/argon2_gate.h"

#include <pthread.h>

#include <algorithm>
#include <semaphore>

namespace kakuin::auth {

struct Argon2Gate::Job {
    std::uint32_t lanes;
    const std::function<void()>* work;
    std::binary_semaphore done{0};
};

Argon2Gate::Argon2Gate(std::uint32_t permits) : limit_(std::max<std::uint32_t>(permits, 1)) {}

Argon2Gate::~Argon2Gate() {
    std::vector<std::thread> threads;
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        threads.swap(threads_);
    }
    queued_.notify_all();
    for (auto& t : threads) t.join();
}

void Argon2Gate::run(std::uint32_t lanes, const std::function<void()>& work) {
    Job job{lanes, &work};
    {
        std::lock_guard lock(mutex_);
        ++pending_;
        jobs_.push_back(&job);
        // A thread per permit at most: more could only wait for permits.
        if (idle_threads_ < jobs_.size() && threads_.size() < limit_)
            threads_.emplace_back([this] { work_loop(); });
    }
    queued_.notify_one();
    job.done.acquire();
    std::lock_guard lock(mutex_);
    --pending_;
}

void Argon2Gate::work_loop() {
    pthread_setname_np(pthread_self(), "kakuin-argon2");
    std::unique_lock lock(mutex_);
    for (;;) {
        ++idle_threads_;
        queued_.wait(lock, [this] { return !jobs_.empty() || stopping_; });
        --idle_threads_;
        if (jobs_.empty()) return;  // stopping, nothing left to do
        Job* job = jobs_.front();
        jobs_.pop_front();
        lock.unlock();
        {
            const Permit permit(*this, job->lanes);
            (*job->work)();
        }
        job->done.release();  // `job` lives on the caller's stack: not touched after this
        lock.lock();
    }
}

std::size_t Argon2Gate::pending() const {
    std::lock_guard lock(mutex_);
    return pending_;
}

std::size_t Argon2Gate::threads() const {
    std::lock_guard lock(mutex_);
    return threads_.size();
}

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
