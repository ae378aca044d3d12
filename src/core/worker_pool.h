// Threads that run CPU-bound work handed over by callers that wait for it: Argon2id hashes
// (auth::Argon2Gate) and the CA's CSR checks and signatures (service::CertificateService).
//
// A caller queues its work and sleeps until it is done; the pool's threads take queued work in
// arrival order. Threads start on first use, at most `max_threads` of them (a lowered maximum
// lets surplus threads finish and end). A thread that finishes one work takes the next queued
// one at once, on the core it is already running on, without waking a sleeping thread.
//
// `nice` (0..19) lowers the scheduling priority of the pool's threads against the rest of the
// process: with nice 5 the kernel gives a waiting thread of normal priority (a request's I/O
// thread, the store's writer coming back from fdatasync) the core about three times as readily
// as a pool thread, so that batch-like CPU work does not stretch the time the store's single
// writer is held. Linux schedules threads, so the nice value is set per thread.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace kakuin::core {

class WorkerPool {
public:
    struct Options {
        std::string name;             // thread name, at most 15 characters (pthread_setname_np)
        std::size_t max_threads = 1;  // at least 1
        int nice = 0;                 // 0..19, added to the process's nice value
    };

    explicit WorkerPool(Options options);
    // Waits for queued work to finish, then stops the pool's threads.
    ~WorkerPool();
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    // Runs `work` on one of the pool's threads, in arrival order, and returns once it has
    // returned. An exception thrown by `work` is rethrown here, on the caller's thread.
    // `work` must not call run() of the same pool (it would wait for itself). Throws
    // std::system_error, without running `work`, when no thread runs and none can be started.
    void run(const std::function<void()>& work);

    // Changes the maximum number of threads (at least 1).
    void set_max_threads(std::size_t n);
    std::size_t max_threads() const;
    // Threads running now (tests and diagnostics).
    std::size_t threads() const;
    // run() calls not yet returned (tests and diagnostics).
    std::size_t pending() const;
    int nice() const { return nice_; }

private:
    struct Job;

    void work_loop();

    const std::string name_;
    const int nice_;
    mutable std::mutex mutex_;
    std::condition_variable queued_;  // a job was queued, the maximum lowered, or stopping
    std::deque<Job*> jobs_;           // guarded by mutex_
    std::size_t max_threads_;         // guarded by mutex_
    std::size_t running_ = 0;         // threads inside work_loop; guarded by mutex_
    std::size_t idle_ = 0;            // threads waiting for a job; guarded by mutex_
    std::size_t pending_ = 0;         // run() calls in progress; guarded by mutex_
    bool stopping_ = false;           // guarded by mutex_
    std::vector<std::thread> threads_;  // every thread started; joined by the destructor
};

}  // namespace kakuin::core
