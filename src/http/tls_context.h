// Server TLS contexts and the peer certificate, in plain OpenSSL (no Asio here).
// Internal to src/http.
#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <optional>

#include "core/clock.h"
#include "core/result.h"
#include "http/request.h"
#include "http/server.h"

namespace kakuin::http {

struct SslCtxFree {
    void operator()(SSL_CTX* p) const { SSL_CTX_free(p); }
};
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxFree>;

// TLS 1.2 minimum, ECDHE+AEAD suites for 1.2, server preference, no compression, no
// renegotiation. With `require_client_cert`: peer verification against
// material.client_ca_pem, purpose sslclient, and no session resumption (see the .cpp).
// Errors: config_invalid, with OpenSSL's reason (never the passphrase).
Result<SslCtxPtr> make_server_tls_context(const TlsMaterial& material, bool require_client_cert);

// Sets the time at which this connection's peer certificate chain is verified.
// REQUIRES: called before the handshake.
bool set_verify_time(SSL* ssl, TimePoint now);

// The peer's leaf certificate after a successful handshake that verified it; nullopt when
// none was presented or verification did not succeed.
std::optional<ClientCertificate> verified_peer_certificate(SSL* ssl);

// A short reason for a failed handshake: the verify error when there is one.
std::string handshake_failure_reason(SSL* ssl);

}  // namespace kakuin::http
