// The TLS transport of src/http/transport.cpp through the server, with a client of our own
// (tls_test_client.h) that decides how requests are cut into TLS records and how it stalls.
#include <gtest/gtest.h>

#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <thread>

#include "http/server.h"
#include "test_pki.h"
#include "test_support.h"
#include "tls_test_client.h"

namespace kakuin::http {
namespace {

using namespace std::chrono_literals;
using testing::HttpAnswer;
using testing::LogCapture;
using testing::TempDir;
using testing::TestCa;
using testing::TlsTestClient;
using testing::write_file;

std::time_t real_now() {
    return std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
}

struct Pki {
    Pki()
        : now(real_now()),
          ca("kakuin transport test CA", now - 86400, now + 10 * 365 * 86400),
          server(ca.issue_server(now - 86400, now + 365 * 86400, 2)),
          client(ca.issue_client("00001234567 transport 0001", now - 3600, now + 30 * 86400,
                                 0xABCDEF)) {
        write_file(dir.file("ca.pem"), ca.pem());
        write_file(dir.file("client.pem"), client.cert_pem);
        write_file(dir.file("client.key"), client.key_pem);
    }
    std::time_t now;
    TempDir dir;
    TestCa ca;
    testing::Issued server;
    testing::Issued client;
};

Pki& pki() {
    static Pki p;
    return p;
}

// Deterministic bytes that show a missing, repeated or reordered piece.
std::string pattern(std::size_t n) {
    std::string s(n, '\0');
    for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7 + i / 4096) % 26);
    return s;
}

class TransportTest : public ::testing::Test {
  protected:
    TransportTest() : clock(from_unix(pki().now)) {
        router.get("/serial", [](const Request& r) {
            Response out;
            out.content_type = "text/plain";
            out.body = r.client_certificate ? r.client_certificate->serial_hex : "none";
            return out;
        });
        router.get("/large", [](const Request&) {
            return Response::bytes("application/octet-stream", pattern(3 * 1024 * 1024 + 17));
        });
        router.post("/echo", [](const Request& r) {
            return Response::bytes("application/octet-stream", r.body);
        });
    }
    ~TransportTest() override {
        if (server) server->stop();
    }
    void start(std::chrono::milliseconds header_timeout = 10s) {
        ServerConfig c;
        c.listeners = {{"mtls", "127.0.0.1", 0, TlsMode::client_cert_required}};
        c.tls.certificate_chain_pem = pki().server.cert_pem + pki().ca.pem();
        c.tls.private_key_pem = pki().server.key_pem;
        c.tls.client_ca_pem = pki().ca.pem();
        c.timeouts.header = header_timeout;
        c.timeouts.tls_handshake = header_timeout;
        c.timeouts.keep_alive_idle = header_timeout;
        c.log = logs.sink();
        server = std::make_unique<Server>(std::move(c), router, clock);
        auto r = server->start();
        ASSERT_TRUE(r.ok()) << r.error().detail;
        port = r->at("mtls");
    }
    std::unique_ptr<TlsTestClient> client(bool with_certificate = true) {
        const auto& d = pki().dir;
        return std::make_unique<TlsTestClient>(port, d.file("ca.pem"),
                                               with_certificate ? d.file("client.pem") : "",
                                               with_certificate ? d.file("client.key") : "");
    }

    Router router;
    SimulatedClock clock;
    LogCapture logs;
    std::unique_ptr<Server> server;
    std::uint16_t port = 0;
};

TEST_F(TransportTest, RequestsOverOneConnectionWithAClientCertificate) {
    start();
    auto c = client();
    ASSERT_TRUE(c->handshake());
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(c->write("GET /serial HTTP/1.1\r\nHost: localhost\r\n\r\n"));
        HttpAnswer a = c->read_response();
        ASSERT_TRUE(a.complete) << i;
        EXPECT_EQ(a.status, 200);
        EXPECT_EQ(a.body, "ABCDEF");
        EXPECT_EQ(a.headers.find("Connection: close"), std::string::npos);
    }
    // Pipelined: two requests in one record, two answers in order.
    ASSERT_TRUE(c->write(
        "GET /serial HTTP/1.1\r\nHost: x\r\n\r\nGET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n"));
    EXPECT_EQ(c->read_response().status, 200);
    EXPECT_EQ(c->read_response().status, 404);
    // Connection: close is answered, then a close_notify ends the connection.
    ASSERT_TRUE(c->write("GET /serial HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    HttpAnswer last = c->read_response();
    ASSERT_TRUE(last.complete);
    EXPECT_NE(last.headers.find("Connection: close"), std::string::npos);
    bool close_notify = false;
    EXPECT_TRUE(c->wait_close(5s, close_notify));
    EXPECT_TRUE(close_notify);
}

TEST_F(TransportTest, NoClientCertificateFailsTheHandshakeAndIsLogged) {
    start();
    auto c = client(false);
    // TLS 1.3: the client finishes first and learns of the refusal at its first read.
    if (c->handshake()) {
        c->write("GET /serial HTTP/1.1\r\nHost: x\r\n\r\n");
        EXPECT_FALSE(c->read_response(5s).complete);
    }
    server->stop();
    EXPECT_TRUE(logs.contains("event=tls_handshake_failed listener=mtls remote=127.0.0.1"));
}

TEST_F(TransportTest, LargeResponseArrivesIntact) {
    start();
    auto c = client();
    ASSERT_TRUE(c->handshake());
    ASSERT_TRUE(c->write("GET /large HTTP/1.1\r\nHost: x\r\n\r\n"));
    HttpAnswer a = c->read_response(30s);
    ASSERT_TRUE(a.complete);
    EXPECT_EQ(a.status, 200);
    EXPECT_EQ(a.body.size(), 3u * 1024 * 1024 + 17);
    EXPECT_TRUE(a.body == pattern(3 * 1024 * 1024 + 17));
    // The connection still serves.
    ASSERT_TRUE(c->write("GET /serial HTTP/1.1\r\nHost: x\r\n\r\n"));
    EXPECT_EQ(c->read_response().body, "ABCDEF");
}

TEST_F(TransportTest, RequestSplitAcrossManyRecords) {
    start();
    auto c = client();
    ASSERT_TRUE(c->handshake());
    const std::string body = pattern(20000);
    const std::string request =
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
        "Content-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body;
    // One byte per record through the header, then 997-byte records.
    std::size_t at = 0;
    const std::size_t header = request.find("\r\n\r\n") + 4;
    while (at < request.size()) {
        const std::size_t n = at < header ? 1 : std::min<std::size_t>(997, request.size() - at);
        ASSERT_TRUE(c->write(std::string_view(request).substr(at, n))) << at;
        at += n;
    }
    HttpAnswer a = c->read_response();
    ASSERT_TRUE(a.complete);
    EXPECT_EQ(a.status, 200);
    EXPECT_TRUE(a.body == body) << a.body.size();
}

// The answer comes before the body is read; the client, still sending, must get it anyway.
TEST_F(TransportTest, TooLargeBodyIsAnsweredWhileTheClientStillSends) {
    start();
    auto c = client();
    ASSERT_TRUE(c->handshake());
    ASSERT_TRUE(c->write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4000000\r\n\r\n"));
    const std::string chunk = pattern(16000);
    for (int i = 0; i < 40; ++i) {
        if (!c->write(chunk)) break;  // the server may have closed by now
    }
    HttpAnswer a = c->read_response();
    ASSERT_TRUE(a.complete);
    EXPECT_EQ(a.status, 413);
    EXPECT_NE(a.headers.find("Connection: close"), std::string::npos);
}

// The deadline moves with every request: a connection in use longer than the idle timeout
// is not cut, and is cut once it is idle that long.
TEST_F(TransportTest, BusyConnectionOutlivesTheIdleTimeout) {
    start(300ms);
    auto c = client();
    ASSERT_TRUE(c->handshake());
    for (int i = 0; i < 12; ++i) {
        ASSERT_TRUE(c->write("GET /serial HTTP/1.1\r\nHost: x\r\n\r\n")) << i;
        ASSERT_EQ(c->read_response().body, "ABCDEF") << i;
        std::this_thread::sleep_for(100ms);
    }
    bool close_notify = false;
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_TRUE(c->wait_close(5s, close_notify));
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
}

TEST_F(TransportTest, StalledRequestIsTimedOut) {
    start(300ms);
    auto c = client();
    ASSERT_TRUE(c->handshake());
    ASSERT_TRUE(c->write("GET /serial HTTP/1.1\r\nHost: x\r\n"));  // never ends the header
    const auto t0 = std::chrono::steady_clock::now();
    bool close_notify = false;
    EXPECT_TRUE(c->wait_close(5s, close_notify));
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 3s);
}

TEST_F(TransportTest, IdleConnectionIsTimedOutAndStalledHandshakeToo) {
    start(300ms);
    auto idle = client();
    ASSERT_TRUE(idle->handshake());
    ASSERT_TRUE(idle->write("GET /serial HTTP/1.1\r\nHost: x\r\n\r\n"));
    ASSERT_TRUE(idle->read_response().complete);
    const auto t0 = std::chrono::steady_clock::now();
    bool close_notify = false;
    EXPECT_TRUE(idle->wait_close(5s, close_notify));
    EXPECT_TRUE(close_notify);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 3s);

    testing::RawClient silent(port);  // connects, never says hello
    bool closed = false;
    silent.read_all(5s, closed);
    EXPECT_TRUE(closed);
    server->stop();
    EXPECT_TRUE(logs.contains("reason=timeout"));
}

// A ClientHello cut in half, then the peer goes: logged, and nothing else is disturbed.
TEST_F(TransportTest, PeerClosingMidHandshake) {
    start();
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    SSL* ssl = SSL_new(ctx);
    BIO* in = BIO_new(BIO_s_mem());
    BIO* out = BIO_new(BIO_s_mem());
    SSL_set_bio(ssl, in, out);
    SSL_set_connect_state(ssl);
    EXPECT_NE(SSL_do_handshake(ssl), 1);  // wants the server's answer; the hello is in `out`
    char* data = nullptr;
    const long n = BIO_get_mem_data(out, &data);
    ASSERT_GT(n, 100);
    std::string hello(data, static_cast<std::size_t>(n));
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    ERR_clear_error();
    {
        testing::RawClient half(port);
        ASSERT_TRUE(half.send(hello.substr(0, hello.size() / 2)));
        std::this_thread::sleep_for(100ms);
    }
    {
        testing::RawClient whole(port);  // the whole hello, then gone before the answer
        ASSERT_TRUE(whole.send(hello));
    }
    auto c = client();
    ASSERT_TRUE(c->handshake());
    ASSERT_TRUE(c->write("GET /serial HTTP/1.1\r\nHost: x\r\n\r\n"));
    EXPECT_EQ(c->read_response().body, "ABCDEF");
    server->stop();
    EXPECT_TRUE(logs.contains("event=tls_handshake_failed listener=mtls"));
}

TEST_F(TransportTest, StopClosesIdleConnectionsAtOnce) {
    start();
    auto c = client();
    ASSERT_TRUE(c->handshake());
    ASSERT_TRUE(c->write("GET /serial HTTP/1.1\r\nHost: x\r\n\r\n"));
    ASSERT_TRUE(c->read_response().complete);
    const auto t0 = std::chrono::steady_clock::now();
    server->stop();
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
    bool close_notify = false;
    EXPECT_TRUE(c->wait_close(2s, close_notify));
}

}  // namespace
}  // namespace kakuin::http
