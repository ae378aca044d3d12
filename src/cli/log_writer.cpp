#include "cli/log_writer.h"

#include <unistd.h>

#include <cerrno>
#include <utility>

namespace kakuin::cli {

LogWriter::LogWriter(Options options, Sink sink)
    : options_(options), sink_(std::move(sink)) {
    buffer_.reserve(options_.flush_bytes + 4096);
    thread_ = std::thread([this] { run(); });
}

LogWriter::~LogWriter() { stop(); }

bool LogWriter::add(std::string_view line) {
    if (buffer_.size() + line.size() + 1 > options_.max_buffer_bytes) {
        ++dropped_total_;
        ++dropped_unreported_;
        return false;
    }
    buffer_.append(line);
    buffer_.push_back('\n');
    return true;
}

void LogWriter::append(std::string_view line) {
    bool after_stop = false;
    {
        std::lock_guard lock(mu_);
        if (!add(line)) return;
        after_stop = stopped_;
        // Only the crossing wakes the thread: later appends in the same batch notify nobody.
        if (!after_stop && !wake_ && buffer_.size() >= options_.flush_bytes) {
            wake_ = true;
            cv_.notify_one();
        }
    }
    if (after_stop) write_pending();
}

void LogWriter::append_soon(std::string_view line) {
    bool after_stop = false;
    {
        std::lock_guard lock(mu_);
        add(line);  // a dropped line is still counted, and the count reported now
        after_stop = stopped_;
        if (!after_stop && !wake_) {
            wake_ = true;
            cv_.notify_one();
        }
    }
    if (after_stop) write_pending();
}

void LogWriter::flush() { write_pending(); }

void LogWriter::write_pending() {
    std::lock_guard write_lock(write_mu_);
    std::string batch;
    {
        std::lock_guard lock(mu_);
        if (dropped_unreported_ != 0) {
            // Written past the bound on purpose: one short line, once per batch.
            buffer_ += "event=log_dropped lines=" + std::to_string(dropped_unreported_) + '\n';
            dropped_unreported_ = 0;
        }
        batch.swap(buffer_);
        wake_ = false;
    }
    if (!batch.empty()) sink_(batch);
    // Give the capacity back so the next batch appends without reallocating. Under write_mu_
    // nobody else swaps; an append that came in meanwhile keeps its own (now larger) buffer.
    batch.clear();
    std::lock_guard lock(mu_);
    if (buffer_.capacity() < batch.capacity()) {
        batch.append(buffer_);
        buffer_.swap(batch);
    }
}

void LogWriter::run() {
    std::unique_lock lock(mu_);
    while (!stopping_) {
        cv_.wait_for(lock, options_.flush_interval, [this] { return wake_ || stopping_; });
        if (stopping_) break;
        lock.unlock();
        write_pending();
        lock.lock();
    }
}

void LogWriter::stop() {
    {
        std::lock_guard lock(mu_);
        if (stopping_) return;
        stopping_ = true;
        cv_.notify_one();
    }
    if (thread_.joinable()) thread_.join();
    {
        std::lock_guard lock(mu_);
        stopped_ = true;
    }
    write_pending();
}

std::uint64_t LogWriter::dropped() const {
    std::lock_guard lock(mu_);
    return dropped_total_;
}

LogWriter::Sink fd_log_sink(int fd) {
    return [fd](std::string_view batch) {
        while (!batch.empty()) {
            const ssize_t n = ::write(fd, batch.data(), batch.size());
            if (n < 0) {
                if (errno == EINTR) continue;
                return;
            }
            batch.remove_prefix(static_cast<std::size_t>(n));
        }
    };
}

}  // namespace kakuin::cli
