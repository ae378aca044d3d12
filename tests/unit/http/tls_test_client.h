// A blocking TLS client over OpenSSL for the transport tests: every write() is one SSL_write
// (one TLS record), so a test decides how a request is cut into records.
#pragma once

#include <openssl/ssl.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace kakuin::http::testing {

struct HttpAnswer {
    bool complete = false;  // a whole response (header and Content-Length body) arrived
    int status = 0;
    std::string headers;
    std::string body;
};

class TlsTestClient {
  public:
    // Connects to 127.0.0.1:port. Empty cert/key: no client certificate.
    TlsTestClient(std::uint16_t port, const std::string& ca_file, const std::string& cert_file,
                  const std::string& key_file);
    ~TlsTestClient();
    TlsTestClient(const TlsTestClient&) = delete;
    TlsTestClient& operator=(const TlsTestClient&) = delete;

    bool handshake();
    bool write(std::string_view data);  // one SSL_write
    // Reads one response; fails after `timeout` without data.
    HttpAnswer read_response(std::chrono::milliseconds timeout = std::chrono::seconds(10));
    // Reads until the server closes. `close_notify`: it sent one (a clean TLS close).
    bool wait_close(std::chrono::milliseconds timeout, bool& close_notify);
    int fd() const { return fd_; }

  private:
    int fd_ = -1;
    SSL_CTX* ctx_ = nullptr;
    SSL* ssl_ = nullptr;
    std::string pending_;  // read past the previous response
};

}  // namespace kakuin::http::testing
