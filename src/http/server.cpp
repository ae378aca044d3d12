#include "http/server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <set>
#include <thread>

#include "http/server_internal.h"
#include "http/tls_context.h"

namespace kakuin::http {

using detail::ListenerState;
using detail::ServerState;
using detail::tcp;
using detail::asio::awaitable;
namespace asio = boost::asio;

namespace {

awaitable<void> accept_loop(ServerState& state, ListenerState& listener) {
    for (;;) {
        boost::system::error_code ec;
        tcp::socket socket = co_await listener.acceptor->async_accept(
            asio::make_strand(state.ioc), asio::redirect_error(asio::use_awaitable, ec));
        if (ec == asio::error::operation_aborted || !listener.acceptor->is_open()) co_return;
        if (ec) {
            // E.g. out of file descriptors: say so, and do not spin.
            state.log(format_event_log("accept_failed", listener.config.name, "-", ec.message()));
            asio::steady_timer pause(listener.acceptor->get_executor(),
                                     std::chrono::milliseconds(100));
            co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            continue;
        }
        if (state.stopping) continue;  // the socket closes as it goes out of scope
        if (state.connection_count() >= state.config.limits.max_connections) {
            state.log(format_event_log("connection_refused", listener.config.name, "-",
                                       "max_connections"));
            continue;
        }
        detail::start_connection(state, listener, std::move(socket));
    }
}

Error listen_error(const ListenerConfig& l, const std::string& what,
                   const boost::system::error_code& ec) {
    return make_error(ErrorCode::config_invalid, "listener " + l.name + " (" + l.address + ":" +
                                                     std::to_string(l.port) + "): " + what + ": " +
                                                     ec.message());
}

}  // namespace

struct Server::Impl {
    Impl(ServerConfig c, const Router& r, const Clock& cl) : state(std::move(c), r, cl) {}
    ServerState state;
    std::vector<std::thread> threads;
    BoundPorts ports;
    std::mutex lifecycle_mu;
    bool started = false;
    bool stopped = false;

    Result<asio::ssl::context*> tls_context(TlsMode mode) {
        auto& slot =
            mode == TlsMode::client_cert_required ? state.client_cert_tls : state.server_only_tls;
        if (!slot) {
            KAKUIN_TRY(auto ctx, make_server_tls_context(state.config.tls,
                                                         mode == TlsMode::client_cert_required));
            slot = std::make_unique<asio::ssl::context>(ctx.release());  // takes ownership
        }
        return slot.get();
    }
};

Server::Server(ServerConfig config, const Router& router, const Clock& clock)
    : impl_(std::make_unique<Impl>(std::move(config), router, clock)) {}

Server::~Server() { stop(); }

Result<BoundPorts> Server::start() {
    std::lock_guard lock(impl_->lifecycle_mu);
    if (impl_->started) return make_error(ErrorCode::internal_error, "Server::start called twice");
    ServerState& s = impl_->state;
    if (s.config.listeners.empty())
        return make_error(ErrorCode::config_invalid, "no listener configured");
    if (s.config.threads < 1)
        return make_error(ErrorCode::config_invalid, "threads must be at least 1");

    std::set<std::string> names;
    for (const auto& l : s.config.listeners) {
        if (l.name.empty() || !names.insert(l.name).second) {
            return make_error(ErrorCode::config_invalid,
                              "listener names must be unique and non-empty");
        }
        auto state = std::make_unique<ListenerState>();
        state->config = l;
        if (l.tls != TlsMode::none) {
            KAKUIN_TRY(state->tls, impl_->tls_context(l.tls));
        }
        boost::system::error_code ec;
        auto address = asio::ip::make_address(l.address, ec);
        if (ec) return listen_error(l, "bad address", ec);
        tcp::endpoint endpoint(address, l.port);
        state->acceptor = std::make_unique<tcp::acceptor>(asio::make_strand(s.ioc));
        auto& acceptor = *state->acceptor;
        if (acceptor.open(endpoint.protocol(), ec); ec) return listen_error(l, "open", ec);
        if (acceptor.set_option(asio::socket_base::reuse_address(true), ec); ec)
            return listen_error(l, "reuse_address", ec);
        if (acceptor.bind(endpoint, ec); ec) return listen_error(l, "bind", ec);
        if (acceptor.listen(asio::socket_base::max_listen_connections, ec); ec)
            return listen_error(l, "listen", ec);
        auto bound = acceptor.local_endpoint(ec);
        if (ec) return listen_error(l, "local_endpoint", ec);
        impl_->ports[l.name] = bound.port();
        s.listeners.push_back(std::move(state));
    }

    for (auto& listener : s.listeners) {
        asio::co_spawn(listener->acceptor->get_executor(), accept_loop(s, *listener),
                       [&s](std::exception_ptr e) {
                           if (e)
                               s.log(format_event_log("accept_loop_failed", "-", "-", "exception"));
                       });
    }
    for (int i = 0; i < s.config.threads; ++i) {
        impl_->threads.emplace_back([&s] {
            for (;;) {
                try {
                    s.ioc.run();
                    return;
                } catch (const std::exception& e) {
                    s.log(format_event_log("io_thread_exception", "-", "-", e.what()));
                }
            }
        });
    }
    impl_->started = true;
    return impl_->ports;
}

void Server::stop() {
    std::lock_guard lock(impl_->lifecycle_mu);
    if (!impl_->started || impl_->stopped) return;
    impl_->stopped = true;
    ServerState& s = impl_->state;
    s.stopping = true;

    for (auto& listener : s.listeners) {
        tcp::acceptor* acceptor = listener->acceptor.get();
        asio::post(acceptor->get_executor(), [acceptor] {
            boost::system::error_code ec;
            acceptor->close(ec);
        });
    }
    // Take strong references outside the registry lock: the last one released runs the
    // connection's destructor, which takes that lock.
    std::vector<std::shared_ptr<detail::Connection>> live;
    {
        std::lock_guard registry(s.mu);
        for (auto& [id, weak] : s.connections) {
            if (auto c = weak.lock()) live.push_back(std::move(c));
        }
    }
    for (auto& c : live) detail::request_close(c);
    live.clear();
    {
        std::unique_lock registry(s.mu);
        s.cv.wait_for(registry, s.config.timeouts.graceful_stop,
                      [&s] { return s.connections.empty(); });
    }
    s.ioc.stop();
    for (auto& t : impl_->threads) t.join();
    impl_->threads.clear();
}

BoundPorts Server::ports() const {
    std::lock_guard lock(impl_->lifecycle_mu);
    return impl_->ports;
}

}  // namespace kakuin::http
