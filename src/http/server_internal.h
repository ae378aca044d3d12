// What server.cpp and connection.cpp share. Includes Asio: never include this from a
// public header.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "http/server.h"

namespace kakuin::http::detail {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

class Connection;

struct ListenerState {
    ListenerConfig config;
    asio::ssl::context* tls = nullptr;  // owned by ServerState; null for plain HTTP
    std::unique_ptr<tcp::acceptor> acceptor;
};

// Member order matters: the io_context is destroyed before the registry it reports to, and
// the acceptors before the io_context.
struct ServerState {
    ServerState(ServerConfig c, const Router& r, const Clock& cl)
        : config(std::move(c)),
          router(r),
          clock(cl),
          log(config.log ? config.log : stderr_log_sink()) {}

    const ServerConfig config;
    const Router& router;
    const Clock& clock;
    const LogSink log;

    // Live connections, so that stop() can close idle ones and wait for busy ones.
    std::mutex mu;
    std::condition_variable cv;  // notified when a connection goes away
    std::unordered_map<std::uint64_t, std::weak_ptr<Connection>> connections;
    std::uint64_t next_id = 0;

    std::atomic<bool> stopping{false};

    std::unique_ptr<asio::ssl::context> server_only_tls;
    std::unique_ptr<asio::ssl::context> client_cert_tls;

    asio::io_context ioc;
    std::vector<std::unique_ptr<ListenerState>> listeners;

    std::uint64_t add_connection(std::weak_ptr<Connection> c) {
        std::lock_guard lock(mu);
        connections.emplace(next_id, std::move(c));
        return next_id++;
    }
    std::size_t connection_count() {
        std::lock_guard lock(mu);
        return connections.size();
    }
    void remove_connection(std::uint64_t id) {
        {
            std::lock_guard lock(mu);
            connections.erase(id);
        }
        cv.notify_all();
    }
};

// Serves an accepted socket (whose executor is a strand) until it closes.
void start_connection(ServerState& state, ListenerState& listener, tcp::socket socket);

// Thread-safe: closes the connection now if it is between requests, or after the response
// to its current request.
void request_close(const std::shared_ptr<Connection>& connection);

}  // namespace kakuin::http::detail
