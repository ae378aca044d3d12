// One client connection: TLS handshake, then HTTP/1.1 requests with keep-alive.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>

#include <chrono>
#include <optional>

#include "http/security_headers.h"
#include "http/server_internal.h"
#include "http/tls_context.h"
#include "http/transport.h"
#include "http/transport_parser.h"
#include "http/transport_response.h"

namespace kakuin::http::detail {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using boost::system::error_code;
using SteadyClock = std::chrono::steady_clock;

namespace {

bool is_parse_error(const error_code& ec) {
    if (ec.category() != bhttp::make_error_code(bhttp::error::end_of_stream).category())
        return false;
    return ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
}

}  // namespace

class Connection : public std::enable_shared_from_this<Connection> {
  public:
    Connection(ServerState& state, ListenerState& listener, tcp::socket socket)
        : state_(state), listener_(listener), transport_(prepare(std::move(socket), remote_)) {}
    ~Connection() { state_.remove_connection(id_); }

    void set_id(std::uint64_t id) { id_ = id; }
    asio::any_io_executor executor() { return transport_.executor(); }

    asio::awaitable<void> run();

    // Runs on the connection's strand.
    void close_when_idle() {
        closing_ = true;
        if (!busy_) transport_.cancel();
    }

  private:
    using Parser = RequestParser;

    static tcp::socket prepare(tcp::socket socket, std::string& remote) {
        error_code ec;
        auto ep = socket.remote_endpoint(ec);
        if (!ec) remote = ep.address().to_string();
        // A response larger than one TLS record goes out in several writes: with Nagle's
        // algorithm the later ones wait for the client's delayed ACK, 40 ms a response on
        // Linux (bench row 8 measured p50 45 ms for a 30 KiB list). Best effort: a failure
        // only costs latency.
        socket.set_option(tcp::no_delay(true), ec);
        return socket;
    }

    // False when the connection must end (the reason is logged).
    asio::awaitable<bool> handshake();
    asio::awaitable<void> serve();
    asio::awaitable<void> drain();
    // Feeds the parser from `buffer`, reading more as needed, until the header (or the whole
    // message) is parsed. The errors of Beast's async_read_header / async_read.
    asio::awaitable<void> read(Parser& parser, beast::flat_buffer& buffer, bool header_only,
                               error_code& ec);
    asio::awaitable<void> respond(Response response, std::string_view method, std::string_view path,
                                  SteadyClock::time_point started, bool keep_alive);
    void log_line(const std::string& line) { state_.log(line); }

    ServerState& state_;
    ListenerState& listener_;
    std::string remote_;  // before transport_: prepare() fills it
    Transport transport_;
    std::optional<ClientCertificate> peer_;
    std::uint64_t id_ = 0;
    bool busy_ = false;     // between the first byte of a request and the end of its response
    bool closing_ = false;  // close after the current response
    bool linger_ = false;   // answered before the request was read to its end
};

asio::awaitable<void> Connection::run() {
    auto self = shared_from_this();  // the coroutine frame keeps the connection alive
    transport_.set_owner(self);
    if (state_.stopping || closing_) co_return;
    if (listener_.tls != nullptr) {
        if (!co_await handshake()) co_return;
    }
    co_await serve();
    transport_.shutdown_send();
    if (linger_) co_await drain();
    transport_.close();
}

asio::awaitable<void> Connection::drain() {
    // Closing with unread bytes from the client resets the connection, and a reset can make
    // the client drop the answer it has not read yet. Read and discard what the client still
    // sends, at most 1 MiB and 1 s (nginx's lingering close), then close.
    std::string scratch(4096, '\0');
    std::size_t total = 0;
    error_code ec;
    transport_.expires_after(std::chrono::seconds(1));
    while (total < 1024 * 1024) {
        total += co_await transport_.read_some(asio::buffer(scratch), ec);
        if (ec) co_return;
    }
}

asio::awaitable<bool> Connection::handshake() {
    const auto failed = [&](std::string_view reason) {
        log_line(format_event_log("tls_handshake_failed", listener_.config.name, remote_, reason));
    };
    if (auto started = transport_.start_tls(listener_.tls->native_handle()); !started.ok()) {
        failed(started.error().detail);
        co_return false;
    }
    SSL* ssl = transport_.ssl();
    if (!set_verify_time(ssl, state_.clock.now())) {
        failed("set_verify_time");
        co_return false;
    }
    error_code ec;
    transport_.expires_after(state_.config.timeouts.tls_handshake);
    co_await transport_.handshake(ec);
    if (ec) {
        if (ec != asio::error::operation_aborted) {  // aborted: the server is stopping
            std::string reason = handshake_failure_reason(ssl);
            if (reason.empty())
                reason = ec == asio::error::timed_out ? std::string("timeout") : ec.message();
            failed(reason);
        }
        co_return false;
    }
    peer_ = verified_peer_certificate(ssl);
    co_return true;
}

asio::awaitable<void> Connection::read(Parser& parser, beast::flat_buffer& buffer, bool header_only,
                                       error_code& ec) {
    ec = {};
    for (;;) {
        if (header_only ? parser.is_header_done() : parser.is_done()) co_return;
        if (buffer.size() > 0) {
            const std::size_t used = parser.put(buffer.data(), ec);
            buffer.consume(used);
            if (ec && ec != bhttp::error::need_more) co_return;
            const bool progressed = !ec && used > 0;
            ec = {};
            if (progressed) continue;
        }
        // More input. A request's first read takes up to 1000 bytes, which most requests fit
        // in: an allocation that small comes from malloc's per-thread cache, where 4 KiB would
        // consolidate the heap's free chunks at every request (perf: malloc_consolidate 2 %
        // of row 2). Later reads take at least 4 KiB.
        const std::size_t room = buffer.max_size() - buffer.size();
        const std::size_t least = buffer.capacity() == 0 ? 1000 : 4096;
        const std::size_t size = std::min(std::max(least, buffer.capacity() - buffer.size()), room);
        if (size == 0) {
            ec = bhttp::error::buffer_overflow;
            co_return;
        }
        const std::size_t n = co_await transport_.read_some(buffer.prepare(size), ec);
        buffer.commit(n);
        if (ec == asio::error::eof) {
            if (parser.got_some()) {
                ec = {};
                parser.put_eof(ec);
                if (!ec && !(header_only ? parser.is_header_done() : parser.is_done()))
                    ec = bhttp::error::partial_message;
            } else {
                ec = bhttp::error::end_of_stream;
            }
            co_return;
        }
        if (ec) co_return;
    }
}

// GCC 12 at -O2 reports Asio's awaitable frame delete as mismatched with its new inside this
// coroutine (a false positive of its coroutine lowering: both are awaitable_frame_base's).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
asio::awaitable<void> Connection::serve() {
    const auto& t = state_.config.timeouts;
    const auto& limits = state_.config.limits;
    beast::flat_buffer buffer(limits.header_bytes + 64 * 1024);
    bool first = true;
    for (;;) {
        busy_ = false;
        if (closing_ || state_.stopping) co_return;
        error_code ec;
        if (buffer.size() == 0) {
            // Idle until the next request's first byte, holding no read buffer; then the
            // header timeout runs.
            buffer.shrink_to_fit();
            transport_.expires_after(first ? t.header : t.keep_alive_idle);
            co_await transport_.wait_readable(ec);
            if (ec) co_return;  // timed out or stopped: both normal
        }
        first = false;
        busy_ = true;
        const auto started = SteadyClock::now();

        Request request;
        RequestParser parser(request);
        parser.header_limit(static_cast<std::uint32_t>(limits.header_bytes));
        parser.body_limit(boost::none);  // the route's limit is set once the path is known
        transport_.expires_after(t.header);
        co_await read(parser, buffer, true, ec);
        if (ec == bhttp::error::header_limit) {
            linger_ = true;
            co_await respond(
                Response::problem_with_status(ErrorCode::request_too_large, 431, Lang::ja), "-",
                "-", started, false);
            co_return;
        }
        if (is_parse_error(ec)) {
            linger_ = true;
            co_await respond(Response::problem(ErrorCode::invalid_request, Lang::ja), "-", "-",
                             started, false);
            co_return;
        }
        if (ec) co_return;

        request.remote_address = remote_;
        request.listener = listener_.config.name;
        request.tls = listener_.tls != nullptr;
        // Lent to the request and taken back after the handler: no copy of the certificate
        // (DER and strings) per request. Every path that does not take it back ends the
        // connection.
        request.client_certificate = std::move(peer_);
        if (!parse_target(request.target, request)) {
            linger_ = true;
            co_await respond(Response::problem(ErrorCode::invalid_request, preferred_lang(request)),
                             request.method, "-", started, false);
            co_return;
        }

        RouteMatch match = state_.router.match(request.method, request.path);
        std::size_t body_limit = limits.body_bytes;
        if (match.kind == RouteMatch::Kind::found && match.max_body_bytes != 0)
            body_limit = match.max_body_bytes;
        const auto too_large = [&] {
            return respond(Response::problem(ErrorCode::request_too_large, preferred_lang(request)),
                           request.method, request.path, started, false);
        };
        if (auto length = parser.content_length(); length && *length > body_limit) {
            linger_ = true;
            co_await too_large();
            co_return;
        }
        parser.body_limit(body_limit);
        if (!parser.is_done()) {
            auto expect = request.header("Expect");
            transport_.expires_after(t.body);
            if (expect && iequals(*expect, "100-continue")) {
                static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
                co_await transport_.write_all(asio::buffer(kContinue.data(), kContinue.size()), ec);
                if (ec) co_return;
            }
            parser.eager(true);
            co_await read(parser, buffer, false, ec);
            if (ec == bhttp::error::body_limit) {
                linger_ = true;
                co_await too_large();
                co_return;
            }
            if (is_parse_error(ec)) {
                linger_ = true;
                co_await respond(
                    Response::problem(ErrorCode::invalid_request, preferred_lang(request)),
                    request.method, request.path, started, false);
                co_return;
            }
            if (ec) co_return;
        }
        const bool keep_alive = parser.keep_alive();

        // The handler runs here, on this connection's strand, on one of the pool's threads.
        Response response = state_.router.dispatch(request, std::move(match));
        peer_ = std::move(request.client_certificate);
        const bool again = keep_alive && !closing_ && !state_.stopping;
        co_await respond(std::move(response), request.method, request.path, started, again);
        if (!again || closing_) co_return;
    }
}
#pragma GCC diagnostic pop

asio::awaitable<void> Connection::respond(Response response, std::string_view method,
                                          std::string_view path, SteadyClock::time_point started,
                                          bool keep_alive) {
    if (response.status < 100 || response.status > 599)
        response = Response::problem(ErrorCode::internal_error, Lang::ja);
    add_default_headers(response, listener_.tls != nullptr);
    const int s = response.status;
    // One buffer, one write: a small response leaves in one TLS record and one syscall.
    std::string out = serialize_response(response, method == "HEAD", keep_alive);

    error_code ec;
    transport_.expires_after(state_.config.timeouts.body);
    co_await transport_.write_all(asio::buffer(out), ec);
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
