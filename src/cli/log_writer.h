// The server's log writer: lines gathered in memory and written by one background thread, so
// that a request never waits for the disk (nginx: `access_log ... buffer=64k flush=1s`).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace kakuin::cli {

class LogWriter {
  public:
    struct Options {
        std::size_t flush_bytes = 64 * 1024;  // the thread writes once this much is gathered
        std::chrono::milliseconds flush_interval{1000};  // and at least this often
        // Bound on the gathered bytes. A line that does not fit is dropped and counted (a
        // request never blocks on a slow disk); the count is written as
        // `event=log_dropped lines=N` with the next batch.
        std::size_t max_buffer_bytes = 4 * 1024 * 1024;
    };
    // Writes one batch (whole lines, each ending in '\n'); called by one thread at a time.
    using Sink = std::function<void(std::string_view batch)>;

    // Starts the writer thread.
    LogWriter(Options options, Sink sink);
    ~LogWriter();  // stop()s
    LogWriter(const LogWriter&) = delete;
    LogWriter& operator=(const LogWriter&) = delete;

    // Thread-safe, never blocks on the sink. `line` without its trailing newline.
    void append(std::string_view line);
    // As append(), and wakes the writer thread to write now (events a reader waits for).
    void append_soon(std::string_view line);
    // Writes everything appended so far, in order, before returning. Blocks on the sink:
    // for the main thread's own lines (listening, stopping), not for request threads.
    void flush();
    // Writes everything and ends the thread. Idempotent. Lines appended afterwards are
    // written at once (synchronously).
    void stop();

    std::uint64_t dropped() const;  // lines dropped so far for want of room

  private:
    bool add(std::string_view line);  // REQUIRES: mu_ held
    void write_pending();             // takes write_mu_ then mu_
    void run();

    const Options options_;
    const Sink sink_;
    // Order: write_mu_ before mu_. write_mu_ keeps batches in order between the thread and
    // flush(); mu_ guards the buffer and is held only to append or swap.
    std::mutex write_mu_;
    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::string buffer_;
    std::uint64_t dropped_total_ = 0;
    std::uint64_t dropped_unreported_ = 0;
    bool wake_ = false;
    bool stopping_ = false;
    bool stopped_ = false;
    std::thread thread_;
};

// A sink that write(2)s to `fd` (whole batch, retried on EINTR and short writes; errors are
// ignored: there is nowhere left to report them).
LogWriter::Sink fd_log_sink(int fd);

}  // namespace kakuin::cli
