#include "http/server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
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

// Accepts until the acceptor closes. On the shared pool each socket gets its own strand; on a
// plain-HTTP loop (one thread) the loop's executor already runs one handler at a time.
awaitable<void> accept_loop(ServerState& state, ListenerState& listener, bool own_loop) {
    for (;;) {
        boost::system::error_code ec;
        // Two statements: as a conditional expression with a co_await in each branch (g++ 12)
        // every accepted socket was closed at once.
        tcp::socket socket(listener.acceptor->get_executor());
        if (own_loop) {
            socket = co_await listener.acceptor->async_accept(
                asio::redirect_error(asio::use_awaitable, ec));
        } else {
            socket = co_await listener.acceptor->async_accept(
                asio::make_strand(state.ioc), asio::redirect_error(asio::use_awaitable, ec));
        }
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

// `reuse_port`: one of a group of listening sockets on the same port (SO_REUSEPORT), among
// which the kernel spreads new connections; `port` overrides the configured one.
Result<std::unique_ptr<tcp::acceptor>> open_acceptor(const asio::any_io_executor& executor,
                                                     const ListenerConfig& l, std::uint16_t port,
                                                     bool reuse_port, std::uint16_t& bound_port) {
    boost::system::error_code ec;
    auto address = asio::ip::make_address(l.address, ec);
    if (ec) return listen_error(l, "bad address", ec);
    tcp::endpoint endpoint(address, port);
    auto acceptor = std::make_unique<tcp::acceptor>(executor);
    if (acceptor->open(endpoint.protocol(), ec); ec) return listen_error(l, "open", ec);
    if (acceptor->set_option(asio::socket_base::reuse_address(true), ec); ec)
        return listen_error(l, "reuse_address", ec);
    if (reuse_port) {
        const int on = 1;
        if (::setsockopt(acceptor->native_handle(), SOL_SOCKET, SO_REUSEPORT, &on, sizeof on) != 0)
            return listen_error(l, "SO_REUSEPORT", {errno, boost::system::system_category()});
    }
    if (acceptor->bind(endpoint, ec); ec) return listen_error(l, "bind", ec);
    if (acceptor->listen(asio::socket_base::max_listen_connections, ec); ec)
        return listen_error(l, "listen", ec);
    auto bound = acceptor->local_endpoint(ec);
    if (ec) return listen_error(l, "local_endpoint", ec);
    bound_port = bound.port();
    return acceptor;
}

// SO_REUSEPORT would let a group join another process's listening group on the same port
// (same user only) instead of failing: a second server started on the same configuration
// would silently take half the connections. So a configured port is first bound alone.
Status port_is_free(const asio::any_io_executor& executor, const ListenerConfig& l) {
    if (l.port == 0) return {};
    boost::system::error_code ec;
    auto address = asio::ip::make_address(l.address, ec);
    if (ec) return listen_error(l, "bad address", ec);
    tcp::acceptor probe(executor);
    if (probe.open(address.is_v6() ? tcp::v6() : tcp::v4(), ec); ec)
        return listen_error(l, "open", ec);
    if (probe.set_option(asio::socket_base::reuse_address(true), ec); ec)
        return listen_error(l, "reuse_address", ec);
    if (probe.bind(tcp::endpoint(address, l.port), ec); ec) return listen_error(l, "bind", ec);
    return {};
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

    // The plain-HTTP listeners' event loops. Declared after `state`, so destroyed first: the
    // acceptors before their loops, and the loops (with any connection still on them, whose
    // destructor reports to state's registry) before the registry.
    std::vector<std::unique_ptr<asio::io_context>> loops;
    std::vector<std::unique_ptr<ListenerState>> loop_listeners;  // one per loop and listener
    std::vector<std::thread> loop_threads;

    int loop_count() const {
        const auto& c = state.config;
        if (c.plain_loops > 0) return c.plain_loops;
        const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
        return std::clamp(cores, 1, std::max(1, c.threads));
    }

    ~Impl() {
        loop_listeners.clear();
        loops.clear();
    }

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
        std::uint16_t bound_port = 0;
        if (l.tls == TlsMode::none) {
            if (impl_->loops.empty()) {
                for (int i = 0; i < impl_->loop_count(); ++i)
                    impl_->loops.push_back(std::make_unique<asio::io_context>(1));  // one thread
            }
            // One listening socket per loop (SO_REUSEPORT): the kernel gives each connection
            // to one loop; with one shared socket every loop would wake for each connection.
            const bool group = impl_->loops.size() > 1;
            KAKUIN_TRY_STATUS(port_is_free(impl_->loops[0]->get_executor(), l));
            KAKUIN_TRY(state->acceptor, open_acceptor(impl_->loops[0]->get_executor(), l, l.port,
                                                      group, bound_port));
            for (std::size_t i = 1; i < impl_->loops.size(); ++i) {
                auto member = std::make_unique<ListenerState>();
                member->config = l;
                std::uint16_t same_port = 0;
                KAKUIN_TRY(member->acceptor, open_acceptor(impl_->loops[i]->get_executor(), l,
                                                           bound_port, true, same_port));
                impl_->loop_listeners.push_back(std::move(member));
            }
            impl_->loop_listeners.push_back(std::move(state));
        } else {
            KAKUIN_TRY(state->tls, impl_->tls_context(l.tls));
            KAKUIN_TRY(state->acceptor,
                       open_acceptor(asio::make_strand(s.ioc), l, l.port, false, bound_port));
            s.listeners.push_back(std::move(state));
        }
        impl_->ports[l.name] = bound_port;
    }

    const auto spawn_accept = [&s](ListenerState& listener, bool own_loop) {
        asio::co_spawn(listener.acceptor->get_executor(), accept_loop(s, listener, own_loop),
                       [&s](std::exception_ptr e) {
                           if (e)
                               s.log(format_event_log("accept_loop_failed", "-", "-", "exception"));
                       });
    };
    for (auto& listener : s.listeners) spawn_accept(*listener, false);
    for (auto& listener : impl_->loop_listeners) spawn_accept(*listener, true);
    const auto run_loop = [&s](asio::io_context& ioc) {
        for (;;) {
            try {
                ioc.run();
                return;
            } catch (const std::exception& e) {
                s.log(format_event_log("io_thread_exception", "-", "-", e.what()));
            }
        }
    };
    for (auto& loop : impl_->loops)
        impl_->loop_threads.emplace_back([run_loop, ioc = loop.get()] { run_loop(*ioc); });
    for (int i = 0; i < s.config.threads; ++i)
        impl_->threads.emplace_back([run_loop, &s] { run_loop(s.ioc); });
    impl_->started = true;
    return impl_->ports;
}

void Server::stop() {
    std::lock_guard lock(impl_->lifecycle_mu);
    if (!impl_->started || impl_->stopped) return;
    impl_->stopped = true;
    ServerState& s = impl_->state;
    s.stopping = true;

    for (auto* list : {&s.listeners, &impl_->loop_listeners}) {
        for (auto& listener : *list) {
            tcp::acceptor* acceptor = listener->acceptor.get();
            asio::post(acceptor->get_executor(), [acceptor] {
                boost::system::error_code ec;
                acceptor->close(ec);
            });
        }
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
    for (auto& loop : impl_->loops) loop->stop();
    for (auto& t : impl_->threads) t.join();
    for (auto& t : impl_->loop_threads) t.join();
    impl_->threads.clear();
    impl_->loop_threads.clear();
}

BoundPorts Server::ports() const {
    std::lock_guard lock(impl_->lifecycle_mu);
    return impl_->ports;
}

}  // namespace kakuin::http
