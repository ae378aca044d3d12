#include "tls_test_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>

#include <stdexcept>

namespace kakuin::http::testing {

namespace {

void set_timeout(int fd, std::chrono::milliseconds t) {
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(t.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((t.count() % 1000) * 1000);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

}  // namespace

TlsTestClient::TlsTestClient(std::uint16_t port, const std::string& ca_file,
                             const std::string& cert_file, const std::string& key_file) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) throw std::runtime_error("socket");
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // each record its own segment
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
        throw std::runtime_error("connect");
    ctx_ = SSL_CTX_new(TLS_client_method());
    if (ctx_ == nullptr || SSL_CTX_load_verify_locations(ctx_, ca_file.c_str(), nullptr) != 1)
        throw std::runtime_error("client context");
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
    if (!cert_file.empty() &&
        (SSL_CTX_use_certificate_file(ctx_, cert_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
         SSL_CTX_use_PrivateKey_file(ctx_, key_file.c_str(), SSL_FILETYPE_PEM) != 1))
        throw std::runtime_error("client certificate");
    ssl_ = SSL_new(ctx_);
    if (ssl_ == nullptr || SSL_set_fd(ssl_, fd_) != 1) throw std::runtime_error("SSL_new");
    SSL_set_tlsext_host_name(ssl_, "localhost");
    set_timeout(fd_, std::chrono::seconds(10));
}

TlsTestClient::~TlsTestClient() {
    SSL_free(ssl_);
    SSL_CTX_free(ctx_);
    if (fd_ >= 0) ::close(fd_);
}

bool TlsTestClient::handshake() {
    const bool ok = SSL_connect(ssl_) == 1;
    ERR_clear_error();
    return ok;
}

bool TlsTestClient::write(std::string_view data) {
    std::size_t written = 0;
    const bool ok = SSL_write_ex(ssl_, data.data(), data.size(), &written) == 1;
    ERR_clear_error();
    return ok && written == data.size();
}

HttpAnswer TlsTestClient::read_response(std::chrono::milliseconds timeout) {
    set_timeout(fd_, timeout);
    HttpAnswer a;
    std::string& in = pending_;
    std::size_t header_end = std::string::npos;
    std::size_t length = 0;
    for (;;) {
        if (header_end == std::string::npos) {
            header_end = in.find("\r\n\r\n");
            if (header_end != std::string::npos) {
                a.headers = in.substr(0, header_end + 2);
                a.status = std::stoi(a.headers.substr(9, 3));
                const auto at = a.headers.find("Content-Length: ");
                if (at != std::string::npos) length = std::stoul(a.headers.substr(at + 16));
                in.erase(0, header_end + 4);
            }
        }
        if (header_end != std::string::npos && in.size() >= length) {
            a.body = in.substr(0, length);
            in.erase(0, length);
            a.complete = true;
            return a;
        }
        char buf[16384];
        std::size_t n = 0;
        if (SSL_read_ex(ssl_, buf, sizeof buf, &n) != 1) {
            ERR_clear_error();
            return a;
        }
        in.append(buf, n);
    }
}

bool TlsTestClient::wait_close(std::chrono::milliseconds timeout, bool& close_notify) {
    set_timeout(fd_, timeout);
    close_notify = false;
    for (;;) {
        char buf[4096];
        std::size_t n = 0;
        if (SSL_read_ex(ssl_, buf, sizeof buf, &n) == 1) continue;
        const int e = SSL_get_error(ssl_, 0);
        close_notify = e == SSL_ERROR_ZERO_RETURN;
        const bool timed_out = e == SSL_ERROR_WANT_READ || errno == EAGAIN;
        ERR_clear_error();
        return !timed_out || close_notify;
    }
}

}  // namespace kakuin::http::testing
