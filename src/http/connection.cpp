// One client connection: TLS handshake, then HTTP/1.1 requests with keep-alive.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <chrono>
#include <optional>

#include "http/security_headers.h"
#include "http/server_internal.h"
#include "http/tls_context.h"

namespace kakuin::http::detail {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using boost::system::error_code;
using SteadyClock = std::chrono::steady_clock;

namespace {

auto with(error_code& ec) { return asio::redirect_error(asio::use_awaitable, ec); }

bool is_parse_error(const error_code& ec) {
    if (ec.category() != bhttp::make_error_code(bhttp::error::end_of_stream).category())
        return false;
    return ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
}

// Field names are tokens; values have no CR, LF or NUL (no header injection by a handler).
bool safe_field(std::string_view name, std::string_view value) {
    if (name.empty()) return false;
    for (unsigned char c : name) {
        if (c <= ' ' || c >= 0x7f || c == ':') return false;
    }
    return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

}  // namespace

class Connection : public std::enable_shared_from_this<Connection> {
  public:
    Connection(ServerState& state, ListenerState& listener, tcp::socket socket)
        : state_(state), listener_(listener) {
        error_code ec;
        auto ep = socket.remote_endpoint(ec);
        if (!ec) remote_ = ep.address().to_string();
        // A response goes out in several writes (TLS records, header then body): with Nagle's
        // algorithm the later ones wait for the client's delayed ACK, 40 ms a response on
        // Linux (bench row 8 measured p50 45 ms for a 30 KiB list). Best effort: a failure
        // only costs latency.
        socket.set_option(tcp::no_delay(true), ec);
        if (listener.tls != nullptr) {
            tls_.emplace(std::move(socket), *listener.tls);
        } else {
            plain_.emplace(std::move(socket));
        }
    }
    ~Connection() { state_.remove_connection(id_); }

    void set_id(std::uint64_t id) { id_ = id; }
    beast::tcp_stream& lowest() { return tls_ ? tls_->next_layer() : *plain_; }
    asio::any_io_executor executor() { return lowest().get_executor(); }

    asio::awaitable<void> run();

    // Runs on the connection's strand.
    void close_when_idle() {
        closing_ = true;
        if (!busy_) lowest().cancel();
    }

  private:
    template <class Stream>
    asio::awaitable<void> serve(Stream& stream);
    template <class Stream>
    asio::awaitable<void> respond(Stream& stream, Response response, std::string_view method,
                                  std::string_view path, SteadyClock::time_point started,
                                  bool keep_alive);
    void log_line(const std::string& line) { state_.log(line); }

    ServerState& state_;
    ListenerState& listener_;
    std::optional<beast::tcp_stream> plain_;
    std::optional<beast::ssl_stream<beast::tcp_stream>> tls_;
    std::optional<ClientCertificate> peer_;
    std::string remote_;
    std::uint64_t id_ = 0;
    bool busy_ = false;     // between the first byte of a request and the end of its response
    bool closing_ = false;  // close after the current response
};

asio::awaitable<void> Connection::run() {
    auto self = shared_from_this();  // the coroutine frame keeps the connection alive
    if (state_.stopping || closing_) co_return;
    const auto& t = state_.config.timeouts;
    if (!tls_) {
        co_await serve(*plain_);
        error_code ec;
        plain_->socket().shutdown(tcp::socket::shutdown_send, ec);
        co_return;
    }

    SSL* ssl = tls_->native_handle();
    // Frees OpenSSL's record buffers (about 34 KiB) while the connection waits between
    // requests, as nginx does: idle keep-alive connections are most of a bank's connections.
    SSL_set_mode(ssl, SSL_MODE_RELEASE_BUFFERS);
    if (!set_verify_time(ssl, state_.clock.now())) {
        log_line(format_event_log("tls_handshake_failed", listener_.config.name, remote_,
                                  "set_verify_time"));
        co_return;
    }
    error_code ec;
    lowest().expires_after(t.tls_handshake);
    co_await tls_->async_handshake(asio::ssl::stream_base::server, with(ec));
    if (ec) {
        if (ec != asio::error::operation_aborted) {
            std::string reason = handshake_failure_reason(ssl);
            if (reason.empty())
                reason = ec == beast::error::timeout ? std::string("timeout") : ec.message();
            log_line(
                format_event_log("tls_handshake_failed", listener_.config.name, remote_, reason));
        }
        co_return;
    }
    peer_ = verified_peer_certificate(ssl);
    co_await serve(*tls_);
    // close_notify, bounded: the peer may never answer it.
    lowest().expires_after(
        std::min<std::chrono::milliseconds>(t.tls_handshake, std::chrono::seconds(1)));
    co_await tls_->async_shutdown(with(ec));
}

template <class Stream>
asio::awaitable<void> Connection::serve(Stream& stream) {
    const auto& t = state_.config.timeouts;
    const auto& limits = state_.config.limits;
    beast::flat_buffer buffer(limits.header_bytes + 64 * 1024);
    bool first = true;
    for (;;) {
        busy_ = false;
        if (closing_ || state_.stopping) co_return;
        error_code ec;
        if (buffer.size() == 0) {
            // Idle until the next request's first byte; then the header timeout runs.
            lowest().expires_after(first ? t.header : t.keep_alive_idle);
            std::size_t n = co_await stream.async_read_some(buffer.prepare(4096), with(ec));
            if (ec) co_return;  // closed, timed out or stopped: all normal
            buffer.commit(n);
        }
        first = false;
        busy_ = true;
        const auto started = SteadyClock::now();

        bhttp::request_parser<bhttp::string_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(limits.header_bytes));
        parser.body_limit(boost::none);  // the route's limit is set once the path is known
        lowest().expires_after(t.header);
        co_await bhttp::async_read_header(stream, buffer, parser, with(ec));
        if (ec == bhttp::error::header_limit) {
            co_await respond(
                stream, Response::problem_with_status(ErrorCode::request_too_large, 431, Lang::ja),
                "-", "-", started, false);
            co_return;
        }
        if (is_parse_error(ec)) {
            co_await respond(stream, Response::problem(ErrorCode::invalid_request, Lang::ja), "-",
                             "-", started, false);
            co_return;
        }
        if (ec) co_return;

        auto& msg = parser.get();
        Request request;
        request.method = std::string(msg.method_string());
        request.target = std::string(msg.target());
        request.remote_address = remote_;
        request.listener = listener_.config.name;
        request.tls = tls_.has_value();
        request.client_certificate = peer_;
        for (const auto& field : msg)
            request.headers.add(std::string(field.name_string()), std::string(field.value()));
        if (!parse_target(request.target, request)) {
            co_await respond(stream,
                             Response::problem(ErrorCode::invalid_request, preferred_lang(request)),
                             request.method, "-", started, false);
            co_return;
        }

        RouteMatch match = state_.router.match(request.method, request.path);
        std::size_t body_limit = limits.body_bytes;
        if (match.kind == RouteMatch::Kind::found && match.max_body_bytes != 0)
            body_limit = match.max_body_bytes;
        const auto too_large = [&] {
            return respond(stream,
                           Response::problem(ErrorCode::request_too_large, preferred_lang(request)),
                           request.method, request.path, started, false);
        };
        if (auto length = parser.content_length(); length && *length > body_limit) {
            co_await too_large();
            co_return;
        }
        parser.body_limit(body_limit);
        if (!parser.is_done()) {
            auto expect = request.header("Expect");
            if (expect && iequals(*expect, "100-continue")) {
                static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
                lowest().expires_after(t.body);
                co_await asio::async_write(stream, asio::buffer(kContinue.data(), kContinue.size()),
                                           with(ec));
                if (ec) co_return;
            }
            lowest().expires_after(t.body);
            co_await bhttp::async_read(stream, buffer, parser, with(ec));
            if (ec == bhttp::error::body_limit) {
                co_await too_large();
                co_return;
            }
            if (is_parse_error(ec)) {
                co_await respond(
                    stream, Response::problem(ErrorCode::invalid_request, preferred_lang(request)),
                    request.method, request.path, started, false);
                co_return;
            }
            if (ec) co_return;
        }
        request.body = std::move(msg.body());
        const bool keep_alive = msg.keep_alive();

        // The handler runs here, on this connection's strand, on one of the pool's threads.
        Response response = state_.router.dispatch(request, std::move(match));
        const bool again = keep_alive && !closing_ && !state_.stopping;
        co_await respond(stream, std::move(response), request.method, request.path, started, again);
        if (!again) co_return;
    }
}

template <class Stream>
asio::awaitable<void> Connection::respond(Stream& stream, Response response,
                                          std::string_view method, std::string_view path,
                                          SteadyClock::time_point started, bool keep_alive) {
    if (response.status < 100 || response.status > 599)
        response = Response::problem(ErrorCode::internal_error, Lang::ja);
    add_default_headers(response, tls_.has_value());

    bhttp::response<bhttp::string_body> out;
    out.version(11);
    out.result(static_cast<unsigned>(response.status));
    for (const auto& [name, value] : response.headers.fields()) {
        if (safe_field(name, value)) out.insert(name, value);
    }
    if (!response.content_type.empty() && safe_field("Content-Type", response.content_type)) {
        out.set(bhttp::field::content_type, response.content_type);
    }
    out.keep_alive(keep_alive);
    const int s = response.status;
    const bool bodiless = s < 200 || s == 204 || s == 304;
    if (bodiless) {
        out.erase(bhttp::field::content_length);
    } else if (method == "HEAD") {
        out.content_length(response.body.size());
    } else {
        out.body() = std::move(response.body);
        out.prepare_payload();
    }

    error_code ec;
    lowest().expires_after(state_.config.timeouts.body);
    co_await bhttp::async_write(stream, out, with(ec));
    const auto duration =
        std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - started);
    log_line(format_request_log({listener_.config.name, method, path, s, duration, remote_}));
    if (ec) closing_ = true;
}

void start_connection(ServerState& state, ListenerState& listener, tcp::socket socket) {
    auto connection = std::make_shared<Connection>(state, listener, std::move(socket));
    connection->set_id(state.add_connection(connection));
    auto executor = connection->executor();
    asio::co_spawn(executor, connection->run(), [&state](std::exception_ptr e) {
        if (!e) return;
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& ex) {
            state.log(format_event_log("connection_failed", "-", "-", ex.what()));
        } catch (...) {
            state.log(format_event_log("connection_failed", "-", "-", "unknown exception"));
        }
    });
}

void request_close(const std::shared_ptr<Connection>& connection) {
    asio::post(connection->executor(), [connection] { connection->close_when_idle(); });
}

}  // namespace kakuin::http::detail
