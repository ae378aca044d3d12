#include "cli/log_writer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace kakuin::cli {
namespace {

using namespace std::chrono_literals;

// Collects what the writer writes; can hold the writer inside the sink (a slow disk).
class Capture {
  public:
    LogWriter::Sink sink() {
        return [this](std::string_view batch) {
            std::unique_lock lock(mu_);
            held_cv_.wait(lock, [this] { return !hold_; });
            text_.append(batch);
            ++batches_;
            cv_.notify_all();
        };
    }
    std::string text() {
        std::lock_guard lock(mu_);
        return text_;
    }
    int batches() {
        std::lock_guard lock(mu_);
        return batches_;
    }
    bool wait_for_batches(int n, std::chrono::milliseconds limit) {
        std::unique_lock lock(mu_);
        return cv_.wait_for(lock, limit, [&] { return batches_ >= n; });
    }
    bool wait_for_text(std::string_view needle, std::chrono::milliseconds limit) {
        std::unique_lock lock(mu_);
        return cv_.wait_for(lock, limit,
                            [&] { return text_.find(needle) != std::string::npos; });
    }
    void hold(bool on) {
        std::lock_guard lock(mu_);
        hold_ = on;
        held_cv_.notify_all();
    }

  private:
    std::mutex mu_;
    std::condition_variable cv_;
    std::condition_variable held_cv_;
    std::string text_;
    int batches_ = 0;
    bool hold_ = false;
};

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

LogWriter::Options slow_options() {
    LogWriter::Options o;
    o.flush_interval = std::chrono::hours(1);  // only size, wake-ups, flush() and stop() write
    return o;
}

TEST(LogWriter, KeepsOrderAndLosesNothingOnStop) {
    Capture capture;
    std::string expected;
    {
        LogWriter writer(slow_options(), capture.sink());
        for (int i = 0; i < 1000; ++i) {
            const std::string line = "event=request n=" + std::to_string(i);
            writer.append(line);
            expected += line + "\n";
        }
        EXPECT_EQ(capture.batches(), 0);  // below 64 KiB and no interval yet: still in memory
        writer.stop();
        EXPECT_EQ(capture.text(), expected);
        writer.stop();  // idempotent
    }
    EXPECT_EQ(capture.text(), expected);
}

TEST(LogWriter, DestructorWritesEverything) {
    Capture capture;
    {
        LogWriter writer(slow_options(), capture.sink());
        writer.append("a");
        writer.append("b");
    }
    EXPECT_EQ(capture.text(), "a\nb\n");
}

TEST(LogWriter, WritesWhenFlushBytesGathered) {
    Capture capture;
    LogWriter::Options o = slow_options();
    o.flush_bytes = 1000;
    LogWriter writer(o, capture.sink());
    const std::string line(99, 'x');  // 100 bytes with the newline
    for (int i = 0; i < 9; ++i) writer.append(line);
    std::this_thread::sleep_for(50ms);
    EXPECT_EQ(capture.batches(), 0);
    writer.append(line + "end");
    EXPECT_TRUE(capture.wait_for_text("end\n", 5s));
}

TEST(LogWriter, WritesAtTheInterval) {
    Capture capture;
    LogWriter::Options o;
    o.flush_interval = 20ms;
    LogWriter writer(o, capture.sink());
    writer.append("event=request alone");
    EXPECT_TRUE(capture.wait_for_text("alone\n", 5s));
}

TEST(LogWriter, AppendSoonWakesTheWriter) {
    Capture capture;
    LogWriter writer(slow_options(), capture.sink());
    writer.append("event=request first");
    const auto start = std::chrono::steady_clock::now();
    writer.append_soon("event=listening listener=http port=8080");
    ASSERT_TRUE(capture.wait_for_text("event=listening", 5s));
    EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
    EXPECT_EQ(capture.text(), "event=request first\nevent=listening listener=http port=8080\n");
}

TEST(LogWriter, FlushWritesBeforeReturning) {
    Capture capture;
    LogWriter writer(slow_options(), capture.sink());
    writer.append("one");
    writer.flush();
    EXPECT_EQ(capture.text(), "one\n");
    writer.append("two");
    writer.flush();
    EXPECT_EQ(capture.text(), "one\ntwo\n");
}

TEST(LogWriter, LinesAfterStopAreWrittenAtOnce) {
    Capture capture;
    LogWriter writer(slow_options(), capture.sink());
    writer.stop();
    writer.append("late");
    EXPECT_EQ(capture.text(), "late\n");
}

TEST(LogWriter, BoundedMemoryDropsAndCountsWhileTheSinkIsSlow) {
    Capture capture;
    LogWriter::Options o = slow_options();
    o.flush_bytes = 100;
    o.max_buffer_bytes = 1000;
    LogWriter writer(o, capture.sink());
    capture.hold(true);  // the disk stalls
    writer.append(std::string(200, 'a'));  // crosses flush_bytes: the thread takes it, then waits
    std::this_thread::sleep_for(50ms);
    int appended = 1;
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 1000; ++i, ++appended) writer.append("event=request n=" + std::to_string(i));
    // No append waited for the stalled sink.
    EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
    EXPECT_GT(writer.dropped(), 0u);
    capture.hold(false);
    writer.stop();
    const auto lines = lines_of(capture.text());
    ASSERT_FALSE(lines.empty());
    EXPECT_EQ(lines.back(), "event=log_dropped lines=" + std::to_string(writer.dropped()));
    // Every line is either written or counted, and what was kept fits the bound.
    EXPECT_EQ(lines.size() - 1 + writer.dropped(), static_cast<std::size_t>(appended));
    EXPECT_LE(capture.text().size() - lines.back().size() - 1 - 201, o.max_buffer_bytes);
}

TEST(LogWriter, ConcurrentWritersKeepEachThreadsOrder) {
    Capture capture;
    LogWriter::Options o;
    o.flush_bytes = 4096;  // many batches while the threads append
    o.flush_interval = 5ms;
    constexpr int kThreads = 4;
    constexpr int kLines = 20000;
    {
        LogWriter writer(o, capture.sink());
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back([&writer, &capture, t] {
                for (int i = 0; i < kLines; ++i) {
                    // Halfway, wait until the writer has written a batch, so the order is
                    // checked across batches even when the scheduler lets these threads
                    // append everything before the writer thread first runs.
                    if (i == kLines / 2) capture.wait_for_batches(1, 5s);
                    writer.append("t=" + std::to_string(t) + " n=" + std::to_string(i));
                    if (i % 5000 == 0) writer.append_soon("t=" + std::to_string(t) + " soon");
                }
            });
        }
        for (auto& th : threads) th.join();
    }
    std::vector<int> next(kThreads, 0);
    int soon = 0;
    for (const auto& line : lines_of(capture.text())) {
        ASSERT_EQ(line.rfind("t=", 0), 0u) << line;
        const int t = line[2] - '0';
        ASSERT_GE(t, 0);
        ASSERT_LT(t, kThreads);
        if (line.ends_with(" soon")) {
            ++soon;
            continue;
        }
        ASSERT_EQ(line, "t=" + std::to_string(t) + " n=" + std::to_string(next[t])) << line;
        ++next[t];
    }
    for (int t = 0; t < kThreads; ++t) EXPECT_EQ(next[t], kLines);
    EXPECT_EQ(soon, kThreads * (kLines / 5000));
    EXPECT_GT(capture.batches(), 1);
}

}  // namespace
}  // namespace kakuin::cli
