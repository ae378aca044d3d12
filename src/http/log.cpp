#include "http/log.h"

#include <fmt/format.h>

#include <cstdio>

namespace kakuin::http {

LogSink stderr_log_sink() {
    return [](std::string_view line) {
        std::string s(line);
        s.push_back('\n');
        std::fwrite(s.data(), 1, s.size(), stderr);
    };
}

std::string log_value(std::string_view v) {
    constexpr std::size_t kMax = 256;
    const bool cut = v.size() > kMax;
    if (cut) v = v.substr(0, kMax);
    bool bare = !v.empty() && !cut;
    for (unsigned char c : v) {
        if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c >= 0x7f) bare = false;
    }
    if (bare) return std::string(v);
    std::string out = "\"";
    for (unsigned char c : v) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c < ' ' || c == 0x7f) {
            out += fmt::format("\\x{:02x}", c);
        } else {
            out += static_cast<char>(c);  // UTF-8 passes through
        }
    }
    if (cut) out += "...";
    out += '"';
    return out;
}

std::string format_request_log(const RequestLogEntry& e) {
    return fmt::format(
        "event=request listener={} method={} path={} status={} duration_ms={:.3f} remote={}",
        log_value(e.listener), log_value(e.method), log_value(e.path), e.status,
        static_cast<double>(e.duration.count()) / 1000.0, log_value(e.remote_address));
}

std::string format_event_log(std::string_view event, std::string_view listener,
                             std::string_view remote, std::string_view reason) {
    return fmt::format("event={} listener={} remote={} reason={}", log_value(event),
                       log_value(listener), log_value(remote), log_value(reason));
}

}  // namespace kakuin::http
