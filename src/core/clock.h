// Time is injected: nothing below src/cli reads the system clock directly.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace kakuin {

using TimePoint = std::chrono::sys_seconds;
using Seconds = std::chrono::seconds;
using Days = std::chrono::days;

class Clock {
public:
    virtual ~Clock() = default;
    virtual TimePoint now() const = 0;
};

class SystemClock final : public Clock {
public:
    TimePoint now() const override;
};

// A clock tests move by hand. Thread-safe: the server's test clock is moved by one request
// while others read it.
class SimulatedClock final : public Clock {
public:
    explicit SimulatedClock(TimePoint start) : t_(start.time_since_epoch().count()) {}
    TimePoint now() const override { return TimePoint(Seconds(t_.load())); }
    void advance(Seconds d) { t_ += d.count(); }
    void set(TimePoint t) { t_ = t.time_since_epoch().count(); }

private:
    std::atomic<std::int64_t> t_;
};

inline std::int64_t to_unix(TimePoint t) { return t.time_since_epoch().count(); }
inline TimePoint from_unix(std::int64_t s) { return TimePoint(Seconds(s)); }

// "2026-11-21T09:00:00Z"
std::string format_iso8601(TimePoint t);
// Japan Standard Time (UTC+9, no DST), as screens show it: "2026年11月21日 18時00分00秒".
std::string format_jst_ja(TimePoint t);
// Parses "YYYY-MM-DDTHH:MM:SSZ"; false on anything else.
bool parse_iso8601(const std::string& s, TimePoint& out);

}  // namespace kakuin
