// The HTTP/1.1 server: plain and TLS listeners, one thread pool, graceful stop.
// Boost.Beast/Asio stay behind the pimpl (server.cpp, connection.cpp).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "http/log.h"
#include "http/router.h"

namespace kakuin::http {

enum class TlsMode {
    none,                  // plain HTTP (CRL / OCSP)
    server_only,           // HTTPS, no client certificate requested
    client_cert_required,  // HTTPS, a client certificate chaining to client_ca_pem required
};

struct ListenerConfig {
    std::string name;  // "https", "mtls", "http": the key in ports.json and in logs
    std::string address = "127.0.0.1";
    std::uint16_t port = 0;  // 0: an ephemeral port, see Server::start()
    TlsMode tls = TlsMode::server_only;
};

struct TlsMaterial {
    std::string certificate_chain_pem;   // server leaf first, then intermediates
    std::string private_key_pem;         // PKCS#8, encrypted or not
    std::string private_key_passphrase;  // never logged; unused for an unencrypted key
    std::string client_ca_pem;           // trust anchors for client certificates (the issuing CA)
    // Let a client certificate whose validity has ended (by the injected clock) through the
    // handshake, so that the application can refuse it with its own message (R23: a user is
    // told to ask the administrator, an administrator the bank) instead of a bare TLS alert.
    // Only the leaf's expiry is waived; chain, signatures, purpose, intermediates' validity
    // and not-yet-valid leaves are still enforced. REQUIRES the application to check expiry.
    bool accept_expired_client_leaf = false;
};

struct Timeouts {
    std::chrono::milliseconds tls_handshake{10'000};
    std::chrono::milliseconds header{10'000};  // from the first byte to the end of the header
    std::chrono::milliseconds body{30'000};    // the body, and writing the response
    std::chrono::milliseconds keep_alive_idle{60'000};  // between requests
    std::chrono::milliseconds graceful_stop{
        10'000};  // stop() waits this long for in-flight requests
};

struct Limits {
    std::size_t header_bytes = 8 * 1024;
    std::size_t body_bytes = 64 * 1024;  // default; a route may set its own
    std::size_t max_connections = 1024;  // over this, new connections are closed at once
};

struct ServerConfig {
    std::vector<ListenerConfig> listeners;
    TlsMaterial tls;  // needed when a listener uses TLS
    int threads = 2;
    // Plain-HTTP listeners (CRL, OCSP: short handlers, a new connection per request) get
    // their own event loops, one thread each, every loop accepting on the same socket, as
    // nginx's workers do: a connection lives on one thread, with no hand-off between threads.
    // 0: one loop per core (at most `threads`).
    int plain_loops = 0;
    Timeouts timeouts;
    Limits limits;
    LogSink log;  // empty: stderr
};

using BoundPorts = std::map<std::string, std::uint16_t>;

// Use (src/cli wires it):
//   http::Router router;  router.get("/api/v1/users/{user_id}", handler);  ...
//   http::Server server(config, router, clock);
//   auto ports = server.start();  write_ports_json(dir + "/ports.json", *ports);
//   ... wait for SIGTERM ...;  server.stop();
// Handlers run on the I/O threads (`threads`; a plain-HTTP listener's on its `plain_loops`),
// one request per connection at a time; a handler that blocks holds one of those threads (on
// a plain-HTTP loop, every connection of that loop waits).
class Server {
  public:
    // `router` and `clock` must outlive the server. The clock drives client-certificate
    // verification (X509_VERIFY_PARAM_set_time at every handshake).
    Server(ServerConfig config, const Router& router, const Clock& clock);
    ~Server();  // stop()s
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Builds the TLS contexts, binds every listener and starts the threads. Errors:
    // config_invalid (bad address, key, certificate or passphrase; port in use).
    // REQUIRES: called once.
    Result<BoundPorts> start();

    // Stops accepting, closes idle connections, lets in-flight requests finish (at most
    // timeouts.graceful_stop), then closes everything and joins the threads. Idempotent.
    // Must not be called from a handler.
    void stop();

    BoundPorts ports() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Writes {"https": 8443, "mtls": 8444, ...} to `path` (via a temporary file and rename).
Status write_ports_json(const std::string& path, const BoundPorts& ports);

}  // namespace kakuin::http
