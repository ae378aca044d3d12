// CurlTransport against a tiny in-process TLS server (OpenSSL, one connection, canned
// answer): TLS verification against --ca-file, headers, status, size limit, timeouts.
#include "client/curl_transport.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <thread>

#include "client/keygen.h"
#include "test_ca.h"

namespace kakuin::client {
namespace {

int listen_on_loopback(int& port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 4) != 0) {
        ::close(fd);
        return -1;
    }
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    port = ntohs(addr.sin_port);
    return fd;
}

// Serves one TLS connection with `answer` and records the request.
class TinyTlsServer {
public:
    TinyTlsServer(X509* cert, EVP_PKEY* key, std::string answer, int max_version = 0)
        : answer_(std::move(answer)) {
        listen_fd_ = listen_on_loopback(port_);
        ctx_ = SSL_CTX_new(TLS_server_method());
        if (max_version != 0) {
            SSL_CTX_set_min_proto_version(ctx_, TLS1_VERSION);
            SSL_CTX_set_max_proto_version(ctx_, max_version);
            SSL_CTX_set_security_level(ctx_, 0);
        }
        SSL_CTX_use_certificate(ctx_, cert);
        SSL_CTX_use_PrivateKey(ctx_, key);
        thread_ = std::thread([this] { serve(); });
    }
    ~TinyTlsServer() {
        thread_.join();
        ::close(listen_fd_);
        SSL_CTX_free(ctx_);
    }
    int port() const { return port_; }
    // Valid after the client call returned.
    const std::string& request() const { return request_; }

private:
    void serve() {
        pollfd p{listen_fd_, POLLIN, 0};
        if (::poll(&p, 1, 10000) != 1) return;
        const int fd = ::accept(listen_fd_, nullptr, nullptr);
        if (fd < 0) return;
        SSL* ssl = SSL_new(ctx_);
        SSL_set_fd(ssl, fd);
        if (SSL_accept(ssl) == 1) {
            char buf[4096];
            std::size_t need = std::string::npos;
            while (need == std::string::npos || request_.size() < need) {
                const int n = SSL_read(ssl, buf, sizeof buf);
                if (n <= 0) break;
                request_.append(buf, static_cast<std::size_t>(n));
                const auto end = request_.find("\r\n\r\n");
                if (need == std::string::npos && end != std::string::npos) {
                    std::size_t length = 0;
                    const auto cl = request_.find("Content-Length: ");
                    if (cl != std::string::npos && cl < end) length = std::stoul(request_.substr(cl + 16));
                    need = end + 4 + length;
                }
            }
            std::size_t off = 0;
            while (off < answer_.size()) {
                const int n = SSL_write(ssl, answer_.data() + off,
                                        static_cast<int>(std::min<std::size_t>(answer_.size() - off, 16384)));
                if (n <= 0) break;
                off += static_cast<std::size_t>(n);
            }
            SSL_shutdown(ssl);
        }
        SSL_free(ssl);
        ::close(fd);
    }

    std::string answer_;
    int listen_fd_ = -1;
    int port_ = 0;
    SSL_CTX* ctx_ = nullptr;
    std::string request_;
    std::thread thread_;
};

std::string http_answer(int status, const std::string& type, const std::string& body) {
    return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: " + type +
           "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

class CurlTransportTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        std::signal(SIGPIPE, SIG_IGN);
        curl_global_init(CURL_GLOBAL_DEFAULT);
    }
    void SetUp() override {
        server_key_ = std::move(generate_key(KeyType::p256)).value();
        testing::LeafOptions o;
        o.server = true;
        o.common_name = "localhost";
        server_cert_ = ca_.issue(server_key_.get(), o);
        // The server sends only its leaf: the CA file holds the issuing CA as well.
        const std::string chain = ca_.chain_pem(server_cert_.get());
        testing::write_file(dir_.file("ca.pem"), chain.substr(chain.find("-----END CERTIFICATE-----") + 26));
    }
    CurlTransportOptions options(int port, Lang lang = Lang::ja) {
        CurlTransportOptions o;
        o.base_url = "https://127.0.0.1:" + std::to_string(port) + "/";
        o.ca_file = dir_.file("ca.pem");
        o.lang = lang;
        o.connect_timeout = std::chrono::seconds(2);
        o.total_timeout = std::chrono::seconds(3);
        return o;
    }
    HttpRequest request() {
        return HttpRequest{"/api/v1/enrollments", "application/json", "application/json", R"({"a":1})"};
    }

    testing::TestCa ca_{std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now())};
    testing::TempDir dir_;
    EvpPkeyPtr server_key_;
    X509Ptr server_cert_;
};

TEST_F(CurlTransportTest, PostsAndReadsTheAnswer) {
    TinyTlsServer server(server_cert_.get(), server_key_.get(),
                         http_answer(201, "application/json; charset=utf-8", R"({"ok":true})"));
    CurlTransport t(options(server.port(), Lang::en));
    auto r = t.post(request());
    ASSERT_TRUE(r.ok()) << r.failure().message << " / " << r.failure().technical;
    EXPECT_EQ(r->status, 201);
    EXPECT_EQ(r->content_type, "application/json");
    EXPECT_EQ(r->body, R"({"ok":true})");
    const std::string& req = server.request();
    EXPECT_EQ(req.rfind("POST /api/v1/enrollments HTTP/1.1\r\n", 0), 0u) << req;
    EXPECT_NE(req.find("Content-Type: application/json\r\n"), std::string::npos) << req;
    EXPECT_NE(req.find("Accept-Language: en\r\n"), std::string::npos) << req;
    EXPECT_NE(req.find("\r\n\r\n{\"a\":1}"), std::string::npos) << req;
}

TEST_F(CurlTransportTest, ReturnsErrorStatusesAsResponses) {
    TinyTlsServer server(server_cert_.get(), server_key_.get(),
                         http_answer(401, "application/problem+json", R"({"code":"pin_incorrect"})"));
    CurlTransport t(options(server.port()));
    auto r = t.post(request());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 401);
    EXPECT_EQ(r->content_type, "application/problem+json");
    EXPECT_NE(server.request().find("Accept-Language: ja\r\n"), std::string::npos);
}

TEST_F(CurlTransportTest, RefusesAServerTheCaFileDoesNotTrust) {
    testing::TestCa stranger;
    stranger.write_root(dir_.path() / "ca.pem");
    TinyTlsServer server(server_cert_.get(), server_key_.get(), http_answer(200, "text/plain", "x"));
    CurlTransport t(options(server.port()));
    auto r = t.post(request());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.failure().kind, FailureKind::server_untrusted) << r.failure().technical;
    EXPECT_EQ(exit_code_for(r.failure()), kExitNetwork);
    EXPECT_TRUE(server.request().empty());
}

TEST_F(CurlTransportTest, RefusesAServerWhoseNameDoesNotMatch) {
    testing::LeafOptions lo;
    lo.server = true;
    lo.common_name = "other.example";
    lo.san = "DNS:other.example";
    X509Ptr other = ca_.issue(server_key_.get(), lo);
    TinyTlsServer server(other.get(), server_key_.get(), http_answer(200, "text/plain", "x"));
    CurlTransport t(options(server.port()));
    auto r = t.post(request());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.failure().kind, FailureKind::server_untrusted) << r.failure().technical;
    EXPECT_TRUE(server.request().empty());
}

TEST_F(CurlTransportTest, RefusesTlsBelow12) {
    TinyTlsServer server(server_cert_.get(), server_key_.get(), http_answer(200, "text/plain", "x"),
                         TLS1_1_VERSION);
    CurlTransport t(options(server.port()));
    auto r = t.post(request());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.failure().kind, FailureKind::tls_failed) << r.failure().technical;
    EXPECT_EQ(exit_code_for(r.failure()), kExitNetwork);
    EXPECT_TRUE(server.request().empty());
}

TEST_F(CurlTransportTest, RefusesAnOversizedAnswer) {
    TinyTlsServer server(server_cert_.get(), server_key_.get(),
                         http_answer(201, "application/json", std::string(kMaxResponseBytes + 10, 'a')));
    CurlTransport t(options(server.port()));
    auto r = t.post(request());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.failure().kind, FailureKind::response_invalid);
}

TEST_F(CurlTransportTest, ReportsAClosedPortAsUnreachable) {
    int port = 0;
    const int fd = listen_on_loopback(port);
    ::close(fd);
    CurlTransport t(options(port));
    auto r = t.post(request());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.failure().kind, FailureKind::server_unreachable) << r.failure().technical;
    EXPECT_NE(r.failure().message.find("接続できません"), std::string::npos);
}

TEST_F(CurlTransportTest, TimesOutOnASilentServer) {
    int port = 0;
    const int fd = listen_on_loopback(port);  // accepts TCP (backlog), never answers TLS
    CurlTransportOptions o = options(port);
    o.total_timeout = std::chrono::seconds(1);
    CurlTransport t(o);
    const auto start = std::chrono::steady_clock::now();
    auto r = t.post(request());
    const auto took = std::chrono::steady_clock::now() - start;
    ::close(fd);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.failure().kind, FailureKind::timeout) << r.failure().technical;
    EXPECT_LT(took, std::chrono::seconds(5));
}

TEST_F(CurlTransportTest, RefusesPlainHttpUrls) {
    CurlTransportOptions o = options(1);
    o.base_url = "http://127.0.0.1:1";
    CurlTransport t(o);
    auto r = t.post(request());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.failure().kind, FailureKind::usage);
}

}  // namespace
}  // namespace kakuin::client
