#include "core/worker_pool.h"

#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <exception>
#include <semaphore>

namespace kakuin::core {

struct WorkerPool::Job {
    const std::function<void()>* work;
    std::exception_ptr error;
    std::binary_semaphore done{0};
};

WorkerPool::WorkerPool(Options options)
    : name_(options.name.substr(0, 15)),
      nice_(std::clamp(options.nice, 0, 19)),
      max_threads_(std::max<std::size_t>(options.max_threads, 1)) {}

WorkerPool::~WorkerPool() {
    std::vector<std::thread> threads;
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        threads.swap(threads_);
    }
    queued_.notify_all();
    for (auto& t : threads) t.join();
}

void WorkerPool::run(const std::function<void()>& work) {
    Job job{&work, nullptr};
    {
        std::lock_guard lock(mutex_);
        ++pending_;
        jobs_.push_back(&job);
        // A new thread only when no idle one will take the job, and never past the maximum.
        if (idle_ < jobs_.size() && running_ < max_threads_) {
            ++running_;
            try {
                threads_.emplace_back([this] { work_loop(); });
            } catch (...) {  // no thread (resources): a running one serves the job later
                --running_;
                if (running_ == 0) {  // none: the job must not stay queued on this stack
                    jobs_.pop_back();
                    --pending_;
                    throw;
                }
            }
        }
    }
    queued_.notify_one();
    job.done.acquire();
    {
        std::lock_guard lock(mutex_);
        --pending_;
    }
    if (job.error) std::rethrow_exception(job.error);
}

void WorkerPool::work_loop() {
    pthread_setname_np(pthread_self(), name_.c_str());
    if (nice_ > 0) {
        // Per thread on Linux (PRIO_PROCESS with a thread ID). Raising the nice value needs no
        // privilege; if it fails anyway, the work still runs, at the process's priority.
        const int current = getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()));
        (void)setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), std::min(current + nice_, 19));
    }
    std::unique_lock lock(mutex_);
    for (;;) {
        ++idle_;
        queued_.wait(lock, [this] {
            return !jobs_.empty() || stopping_ || running_ > max_threads_;
        });
        --idle_;
        if (jobs_.empty() && (stopping_ || running_ > max_threads_)) {
            --running_;  // the thread object stays in threads_ until the destructor joins it
            return;
        }
        if (jobs_.empty()) continue;
        Job* job = jobs_.front();
        jobs_.pop_front();
        lock.unlock();
        try {
            (*job->work)();
        } catch (...) {
            job->error = std::current_exception();
        }
        job->done.release();  // `job` lives on the caller's stack: not touched after this
        lock.lock();
        if (running_ > max_threads_ && !stopping_) {
            --running_;  // lowered maximum: this thread ends; the others keep the queue
            return;
        }
    }
}

void WorkerPool::set_max_threads(std::size_t n) {
    {
        std::lock_guard lock(mutex_);
        max_threads_ = std::max<std::size_t>(n, 1);
    }
    queued_.notify_all();
}

std::size_t WorkerPool::max_threads() const {
    std::lock_guard lock(mutex_);
    return max_threads_;
}

std::size_t WorkerPool::threads() const {
    std::lock_guard lock(mutex_);
    return running_;
}

std::size_t WorkerPool::pending() const {
    std::lock_guard lock(mutex_);
    return pending_;
}

}  // namespace kakuin::core
