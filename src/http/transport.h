// One connection's byte stream: a non-blocking TCP socket, optionally with TLS. Includes
// Asio: internal to src/http.
#pragma once

#include <openssl/ssl.h>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <memory>

#include "core/result.h"

namespace kakuin::http::detail {

struct SslFree {
    void operator()(SSL* p) const { SSL_free(p); }
};
using SslPtr = std::unique_ptr<SSL, SslFree>;

// With TLS the SSL object reads and writes the socket's fd itself (a socket BIO, as nginx
// does) and the transport waits for readiness with async_wait: there is no buffer of its
// own. Asio's ssl::stream kept two 17 KiB buffers and a BIO pair with two more per
// connection for the connection's whole life; with SSL_MODE_RELEASE_BUFFERS an idle
// connection here holds only OpenSSL's session state.
//
// Every wait is bounded by the deadline of the last expires_after(): when it passes, the
// operation fails with asio::error::timed_out. cancel() ends a pending wait with
// operation_aborted.
// Threading: use only from the socket's executor (the connection's strand), one operation at
// a time.
class Transport {
  public:
    using error_code = boost::system::error_code;

    explicit Transport(boost::asio::ip::tcp::socket socket);
    ~Transport();
    Transport(const Transport&) = delete;
    Transport& operator=(const Transport&) = delete;

    // Server side of TLS over this socket, with `ctx`'s settings (its verify callback too).
    // REQUIRES: called once, before any other operation. Errors: internal_error.
    Status start_tls(SSL_CTX* ctx);
    // Null for plain TCP.
    SSL* ssl() const { return ssl_.get(); }
    const boost::asio::any_io_executor& executor() const { return executor_; }

    // The deadline timer's handler holds `owner` weakly: the object that owns this transport,
    // so that a deadline firing after the connection ended touches nothing.
    void set_owner(std::weak_ptr<void> owner) { owner_ = std::move(owner); }
    // Bounds every wait from now on, until the next call. Cheap: the timer is armed only
    // when an operation actually has to wait.
    void expires_after(std::chrono::steady_clock::duration d);
    void cancel();

    boost::asio::awaitable<void> handshake(error_code& ec);
    // Some bytes (at least one) or an error; asio::error::eof when the peer closed.
    boost::asio::awaitable<std::size_t> read_some(boost::asio::mutable_buffer b, error_code& ec);
    boost::asio::awaitable<void> write_all(boost::asio::const_buffer b, error_code& ec);
    // Until a read would find data. At once when TLS holds decrypted or buffered bytes.
    boost::asio::awaitable<void> wait_readable(error_code& ec);

    // No more bytes from this side: TLS's close_notify (the peer's is not awaited, as nginx
    // does), then the TCP FIN. Reading stays possible. Idempotent.
    void shutdown_send();
    // shutdown_send(), then closes the socket. Idempotent.
    void close();

  private:
    enum class Want { none, read, write };
    // What a failed SSL_* call (returning `ret`) waits for, or its error in `ec`.
    Want ssl_failure(int ret, error_code& ec);
    boost::asio::awaitable<void> wait(Want want, error_code& ec);
    void arm_deadline();

    boost::asio::ip::tcp::socket socket_;
    boost::asio::any_io_executor executor_;
    SslPtr ssl_;
    bool ssl_failed_ = false;  // after a fatal TLS error no close_notify may be sent
    bool handshake_done_ = false;
    bool send_shut_ = false;

    boost::asio::steady_timer timer_;
    std::weak_ptr<void> owner_;
    std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::time_point::max();
    std::chrono::steady_clock::time_point armed_ = std::chrono::steady_clock::time_point::max();
    std::uint64_t generation_ = 0;
    bool timed_out_ = false;
};

}  // namespace kakuin::http::detail
