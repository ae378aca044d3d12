#include "http/transport.h"

#include <openssl/err.h>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cerrno>
#include <csignal>
#include <mutex>

namespace kakuin::http::detail {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

namespace {

auto with(error_code& ec) { return asio::redirect_error(asio::use_awaitable, ec); }

// OpenSSL's socket BIO writes with write(2): a peer that has gone would raise SIGPIPE (Asio's
// own sends use MSG_NOSIGNAL). Like nginx, the process ignores it; a handler installed by the
// embedding program is left alone.
void ignore_sigpipe_once() {
    static std::once_flag once;
    std::call_once(once, [] {
        struct sigaction current {};
        if (sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) {
            struct sigaction ignore {};
            ignore.sa_handler = SIG_IGN;
            sigemptyset(&ignore.sa_mask);
            sigaction(SIGPIPE, &ignore, nullptr);
        }
    });
}

}  // namespace

Transport::Transport(tcp::socket socket)
    : socket_(std::move(socket)), executor_(socket_.get_executor()), timer_(executor_) {
    error_code ignored;
    // Reads and writes are attempted first and wait for readiness only when they would block.
    socket_.non_blocking(true, ignored);
}

Transport::~Transport() { close(); }

Status Transport::start_tls(SSL_CTX* ctx) {
    ignore_sigpipe_once();
    error_code ec;
    if (socket_.non_blocking(true, ec); ec)
        return make_error(ErrorCode::internal_error, "non-blocking socket: " + ec.message());
    ERR_clear_error();
    ssl_.reset(SSL_new(ctx));
    if (!ssl_) return make_error(ErrorCode::internal_error, "SSL_new failed");
    // RELEASE_BUFFERS: OpenSSL's record buffers (about 34 KiB) are freed while the connection
    // waits. PARTIAL_WRITE and MOVING_WRITE_BUFFER: a write that would block is retried with
    // the rest of the same bytes from wherever they are.
    SSL_set_mode(ssl_.get(), SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE |
                                 SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    if (SSL_set_fd(ssl_.get(), socket_.native_handle()) != 1) {
        ERR_clear_error();
        return make_error(ErrorCode::internal_error, "SSL_set_fd failed");
    }
    // One read(2) takes the record header and body, and whatever else has arrived, where
    // OpenSSL would otherwise read each record in two. SSL_has_pending() sees those bytes.
    SSL_set_read_ahead(ssl_.get(), 1);
    SSL_set_accept_state(ssl_.get());
    return {};
}

void Transport::expires_after(std::chrono::steady_clock::duration d) {
    deadline_ = std::chrono::steady_clock::now() + d;
    timed_out_ = false;
}

void Transport::cancel() {
    error_code ignored;
    socket_.cancel(ignored);
}

void Transport::arm_deadline() {
    armed_ = deadline_;
    const std::uint64_t generation = ++generation_;
    timer_.expires_at(deadline_);
    timer_.async_wait([this, owner = owner_, generation](const error_code& ec) {
        if (ec) return;  // re-armed, or the transport is going away
        auto alive = owner.lock();
        if (!alive || generation != generation_) return;
        armed_ = std::chrono::steady_clock::time_point::max();
        // The deadline moved later since the timer was set: wait for the new one.
        if (std::chrono::steady_clock::now() < deadline_) {
            arm_deadline();
            return;
        }
        timed_out_ = true;
        cancel();
    });
}

asio::awaitable<void> Transport::wait(Want want, error_code& ec) {
    // A timer set for an earlier deadline is kept (it re-arms itself when it fires): moving
    // the deadline later at every request costs no timer operation.
    if (deadline_ < armed_) arm_deadline();
    if (timed_out_) {
        ec = asio::error::timed_out;
        co_return;
    }
    co_await socket_.async_wait(
        want == Want::read ? tcp::socket::wait_read : tcp::socket::wait_write, with(ec));
    // The deadline may have passed while this wait's completion was already queued.
    if (timed_out_) ec = asio::error::timed_out;
}

Transport::Want Transport::ssl_failure(int ret, error_code& ec) {
    const int saved_errno = errno;
    switch (SSL_get_error(ssl_.get(), ret)) {
        case SSL_ERROR_WANT_READ:
            return Want::read;
        case SSL_ERROR_WANT_WRITE:
            return Want::write;
        case SSL_ERROR_ZERO_RETURN:  // the peer's close_notify
            ec = asio::error::eof;
            return Want::none;
        case SSL_ERROR_SYSCALL:
            ssl_failed_ = true;
            if (unsigned long e = ERR_get_error(); e != 0) {
                ec = error_code(static_cast<int>(e), asio::error::get_ssl_category());
            } else if (saved_errno != 0) {
                ec = error_code(saved_errno, boost::system::system_category());
            } else {
                ec = asio::ssl::error::stream_truncated;
            }
            ERR_clear_error();
            return Want::none;
        default: {
            ssl_failed_ = true;
            const unsigned long e = ERR_get_error();
            if (ERR_GET_LIB(e) == ERR_LIB_SSL &&
                ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
                ec = asio::ssl::error::stream_truncated;  // closed without close_notify
            } else if (e != 0) {
                ec = error_code(static_cast<int>(e), asio::error::get_ssl_category());
            } else {
                ec = asio::ssl::error::unexpected_result;
            }
            ERR_clear_error();
            return Want::none;
        }
    }
}

asio::awaitable<void> Transport::handshake(error_code& ec) {
    ec = {};
    for (;;) {
        ERR_clear_error();
        errno = 0;
        const int r = SSL_do_handshake(ssl_.get());
        if (r == 1) {
            handshake_done_ = true;
            co_return;
        }
        const Want want = ssl_failure(r, ec);
        if (want == Want::none) {
            if (!ec) ec = asio::ssl::error::unexpected_result;
            co_return;
        }
        co_await wait(want, ec);
        if (ec) co_return;
    }
}

asio::awaitable<std::size_t> Transport::read_some(asio::mutable_buffer b, error_code& ec) {
    ec = {};
    if (b.size() == 0) co_return 0;
    for (;;) {
        Want want = Want::read;
        if (ssl_) {
            ERR_clear_error();
            errno = 0;
            std::size_t n = 0;
            const int r = SSL_read_ex(ssl_.get(), b.data(), b.size(), &n);
            if (r == 1) co_return n;
            want = ssl_failure(r, ec);
        } else {
            const std::size_t n = socket_.read_some(b, ec);
            if (!ec) co_return n;
            if (ec != asio::error::would_block && ec != asio::error::try_again) co_return 0;
            ec = {};
        }
        if (want == Want::none) co_return 0;
        co_await wait(want, ec);
        if (ec) co_return 0;
    }
}

asio::awaitable<void> Transport::write_all(asio::const_buffer b, error_code& ec) {
    ec = {};
    while (b.size() > 0) {
        Want want = Want::write;
        if (ssl_) {
            ERR_clear_error();
            errno = 0;
            std::size_t n = 0;
            const int r = SSL_write_ex(ssl_.get(), b.data(), b.size(), &n);
            if (r == 1) {
                b += n;
                continue;
            }
            want = ssl_failure(r, ec);
            if (want == Want::none && !ec) ec = asio::ssl::error::unexpected_result;
        } else {
            const std::size_t n = socket_.write_some(b, ec);
            if (!ec) {
                b += n;
                continue;
            }
            if (ec != asio::error::would_block && ec != asio::error::try_again) co_return;
            ec = {};
        }
        if (want == Want::none) co_return;
        co_await wait(want, ec);
        if (ec) co_return;
    }
}

asio::awaitable<void> Transport::wait_readable(error_code& ec) {
    ec = {};
    if (ssl_ && SSL_has_pending(ssl_.get()) == 1) co_return;
    co_await wait(Want::read, ec);
}

void Transport::shutdown_send() {
    if (send_shut_ || !socket_.is_open()) return;
    send_shut_ = true;
    if (ssl_ && handshake_done_ && !ssl_failed_) {
        // Non-blocking: close_notify goes out if the socket takes it.
        ERR_clear_error();
        SSL_shutdown(ssl_.get());
        ERR_clear_error();
    }
    error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
}

void Transport::close() {
    if (!socket_.is_open()) return;
    shutdown_send();
    error_code ignored;
    socket_.close(ignored);
    timer_.cancel();
}

}  // namespace kakuin::http::detail
