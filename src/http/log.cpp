#include "http/log.h"

#include <fmt/format.h>

#include <cstdio>
#include <iterator>

namespace kakuin::http {

LogSink stderr_log_sink() {
    return [](std::string_view line) {
        std::string s(line);
        s.push_back('\n');
        std::fwrite(s.data(), 1, s.size(), stderr);
    };
}

namespace {

// Appends `v` as a logfmt value (see log_value) without a temporary string.
void append_log_value(std::string& out, std::string_view v) {
    constexpr std::size_t kMax = 256;
    const bool cut = v.size() > kMax;
    if (cut) v = v.substr(0, kMax);
    bool bare = !v.empty() && !cut;
    for (unsigned char c : v) {
        if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c >= 0x7f) {
            bare = false;
            break;
        }
    }
    if (bare) {
        out.append(v);
        return;
    }
    static constexpr char kHex[] = "0123456789abcdef";
    out += '"';
    for (unsigned char c : v) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c < ' ' || c == 0x7f) {
            out += "\\x";
            out += kHex[c >> 4];
            out += kHex[c & 0xf];
        } else {
            out += static_cast<char>(c);  // UTF-8 passes through
        }
    }
    if (cut) out += "...";
    out += '"';
}

}  // namespace

std::string log_value(std::string_view v) {
    std::string out;
    append_log_value(out, v);
    return out;
}

// Built by appending into one string: it runs for every request.
std::string format_request_log(const RequestLogEntry& e) {
    std::string out;
    out.reserve(128 + e.path.size());
    out += "event=request listener=";
    append_log_value(out, e.listener);
    out += " method=";
    append_log_value(out, e.method);
    out += " path=";
    append_log_value(out, e.path);
    out += " status=";
    fmt::format_to(std::back_inserter(out), "{} duration_ms={:.3f}", e.status,
                   static_cast<double>(e.duration.count()) / 1000.0);
    out += " remote=";
    append_log_value(out, e.remote_address);
    return out;
}

std::string format_event_log(std::string_view event, std::string_view listener,
                             std::string_view remote, std::string_view reason) {
    std::string out = "event=";
    append_log_value(out, event);
    out += " listener=";
    append_log_value(out, listener);
    out += " remote=";
    append_log_value(out, remote);
    out += " reason=";
    append_log_value(out, reason);
    return out;
}

}  // namespace kakuin::http
