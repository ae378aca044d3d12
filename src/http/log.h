// One-line structured (logfmt) logging for the HTTP layer. Lines never carry headers,
// bodies or query strings: those hold cookies, PINs and tokens.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

namespace kakuin::http {

// Receives one complete line without the trailing newline. Called from any server thread.
using LogSink = std::function<void(std::string_view line)>;

// Writes to stderr, one write per line.
LogSink stderr_log_sink();

struct RequestLogEntry {
    std::string_view listener;
    std::string_view method;
    std::string_view path;  // without the query string
    int status = 0;
    std::chrono::microseconds duration{0};
    std::string_view remote_address;
};

// event=request listener=https method=GET path=/api/v1/users status=200 duration_ms=1.234
// remote=127.0.0.1
std::string format_request_log(const RequestLogEntry& entry);
// event=<event> listener=<listener> remote=<remote> reason="<reason>"
std::string format_event_log(std::string_view event, std::string_view listener,
                             std::string_view remote, std::string_view reason);

// A logfmt value: bare when safe, otherwise quoted with \" \\ and \xNN escapes, cut at 256 bytes.
std::string log_value(std::string_view v);

}  // namespace kakuin::http
