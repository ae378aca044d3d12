// The server over plain HTTP on 127.0.0.1 (TLS has its own file): routing, limits,
// timeouts, logs, ports.json and graceful stop, driven by curl and raw sockets.
#include "http/server.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <atomic>
#include <future>
#include <memory>
#include <thread>
#include <vector>

#include "test_support.h"

namespace kakuin::http {
namespace {

using namespace std::chrono_literals;
using testing::curl;
using testing::header_value;
using testing::LogCapture;
using testing::RawClient;
using testing::TempDir;

class PlainServerTest : public ::testing::Test {
  protected:
    PlainServerTest() {
        router.get("/api/v1/users/{user_id}", [](const Request& r) {
            boost::json::object o;
            o["user_id"] = r.path_param("user_id");
            o["listener"] = r.listener;
            o["tls"] = r.tls;
            o["remote"] = r.remote_address;
            o["has_cert"] = r.client_certificate.has_value();
            return Response::json(o);
        });
        router.del("/api/v1/users", [](const Request&) { return Response::no_content(); });
        router.post(
            "/small",
            [](const Request& r) {
                return Response::bytes("text/plain", std::to_string(r.body.size()));
            },
            RouteOptions{100});
        router.post(
            "/large",
            [](const Request& r) {
                return Response::bytes("text/plain", std::to_string(r.body.size()));
            },
            RouteOptions{256 * 1024});
        router.post("/default", [](const Request& r) {
            return Response::bytes("text/plain", std::to_string(r.body.size()));
        });
        router.get("/override", [](const Request&) {
            auto r = Response::bytes("text/plain", "x");
            r.headers.set("Cache-Control", "max-age=60");
            r.headers.set("X-Injected", "a\r\nSet-Cookie: evil=1");
            return r;
        });
        router.get("/slow", [this](const Request&) {
            in_handler = true;
            release.get_future().wait();
            return Response::bytes("text/plain", "finished");
        });
    }
    ~PlainServerTest() override {
        if (server) server->stop();
    }

    ServerConfig config() {
        ServerConfig c;
        c.listeners = {{"http", "127.0.0.1", 0, TlsMode::none}};
        c.log = logs.sink();
        return c;
    }
    void start(ServerConfig c) {
        server = std::make_unique<Server>(std::move(c), router, clock);
        auto r = server->start();
        ASSERT_TRUE(r.ok()) << r.error().detail;
        ports = *r;
    }
    std::string url(const std::string& path, const std::string& listener = "http") {
        return "http://127.0.0.1:" + std::to_string(ports.at(listener)) + path;
    }

    Router router;
    SimulatedClock clock{from_unix(1'800'000'000)};
    LogCapture logs;
    TempDir dir;
    std::unique_ptr<Server> server;
    BoundPorts ports;
    std::atomic<bool> in_handler{false};
    std::promise<void> release;
};

TEST_F(PlainServerTest, RoutesWithParametersAndSecurityHeaders) {
    start(config());
    auto r = curl(dir, {}, url("/api/v1/users/riyousya?pin=123456"));
    ASSERT_EQ(r.status, "200");
    auto o = boost::json::parse(r.body).as_object();
    EXPECT_EQ(o.at("user_id").as_string(), "riyousya");
    EXPECT_EQ(o.at("listener").as_string(), "http");
    EXPECT_FALSE(o.at("tls").as_bool());
    EXPECT_EQ(o.at("remote").as_string(), "127.0.0.1");
    EXPECT_FALSE(o.at("has_cert").as_bool());
    EXPECT_EQ(header_value(r.headers, "Content-Type"), "application/json; charset=utf-8");
    EXPECT_EQ(header_value(r.headers, "X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(header_value(r.headers, "Referrer-Policy"), "no-referrer");
    EXPECT_EQ(header_value(r.headers, "Content-Security-Policy"),
              "default-src 'self'; frame-ancestors 'none'");
    EXPECT_EQ(header_value(r.headers, "Cache-Control"), "no-store");
    EXPECT_EQ(header_value(r.headers, "Strict-Transport-Security"), "");  // plain HTTP: meaningless
}

TEST_F(PlainServerTest, HandlersOverrideDefaultsButCannotInjectHeaders) {
    start(config());
    auto r = curl(dir, {}, url("/override"));
    ASSERT_EQ(r.status, "200");
    EXPECT_EQ(header_value(r.headers, "Cache-Control"), "max-age=60");
    EXPECT_EQ(header_value(r.headers, "X-Injected"), "");
    EXPECT_EQ(header_value(r.headers, "Set-Cookie"), "");
}

TEST_F(PlainServerTest, NotFoundAndMethodNotAllowedAsProblems) {
    start(config());
    auto nf = curl(dir, {}, url("/nope"));
    EXPECT_EQ(nf.status, "404");
    EXPECT_EQ(header_value(nf.headers, "Content-Type"), "application/problem+json; charset=utf-8");
    auto o = boost::json::parse(nf.body).as_object();
    EXPECT_EQ(o.at("code").as_string(), "not_found");
    EXPECT_EQ(o.at("detail").as_string(), "対象が見つかりません。");

    auto en = curl(dir, {"-H", "Accept-Language: en-US,en;q=0.9,ja;q=0.5"}, url("/nope"));
    EXPECT_EQ(boost::json::parse(en.body).at("detail").as_string(), "Not found.");
    auto en_query = curl(dir, {}, url("/nope?lang=en"));
    EXPECT_EQ(boost::json::parse(en_query.body).at("detail").as_string(), "Not found.");

    auto na = curl(dir, {"-X", "PUT"}, url("/api/v1/users"));
    EXPECT_EQ(na.status, "405");
    EXPECT_EQ(header_value(na.headers, "Allow"), "DELETE");
    EXPECT_EQ(boost::json::parse(na.body).at("code").as_string(), "method_not_allowed");

    auto head = curl(dir, {"-I"}, url("/api/v1/users/x"));
    EXPECT_EQ(head.status, "200");
    EXPECT_EQ(head.body.find("user_id"),
              std::string::npos);  // -I puts the headers there, never a body
    EXPECT_NE(header_value(head.headers, "Content-Length"), "0");
}

TEST_F(PlainServerTest, BodyLimitsPerRoute) {
    start(config());
    testing::write_file(dir.file("50"), std::string(50, 'a'));
    testing::write_file(dir.file("200"), std::string(200, 'a'));
    testing::write_file(dir.file("100k"), std::string(100 * 1024, 'a'));

    auto ok = curl(dir, {"--data-binary", "@" + dir.file("50")}, url("/small"));
    EXPECT_EQ(ok.status, "200");
    EXPECT_EQ(ok.body, "50");

    auto big = curl(dir, {"--data-binary", "@" + dir.file("200")}, url("/small"));
    EXPECT_EQ(big.status, "413");
    EXPECT_EQ(boost::json::parse(big.body).at("code").as_string(), "request_too_large");
    EXPECT_EQ(header_value(big.headers, "Connection"), "close");

    auto chunked =
        curl(dir, {"-H", "Transfer-Encoding: chunked", "--data-binary", "@" + dir.file("200")},
             url("/small"));
    EXPECT_EQ(chunked.status, "413");

    auto over_default = curl(dir, {"--data-binary", "@" + dir.file("100k")}, url("/default"));
    EXPECT_EQ(over_default.status, "413");

    // A route may allow more than the default, in one piece or chunked.
    auto large = curl(dir, {"--data-binary", "@" + dir.file("100k")}, url("/large"));
    EXPECT_EQ(large.status, "200");
    EXPECT_EQ(large.body, "102400");
    auto large_chunked =
        curl(dir, {"-H", "Transfer-Encoding: chunked", "--data-binary", "@" + dir.file("100k")},
             url("/large"));
    EXPECT_EQ(large_chunked.body, "102400");

    // Expect: 100-continue gets its interim response, then the body is read.
    auto cont = curl(dir, {"-H", "Expect: 100-continue", "--data-binary", "@" + dir.file("50")},
                     url("/default"));
    EXPECT_EQ(cont.status, "200");
    EXPECT_EQ(cont.body, "50");
    EXPECT_NE(cont.headers.find("100 Continue"), std::string::npos);
}

TEST_F(PlainServerTest, HeaderTooLargeIs431) {
    start(config());
    auto r = curl(dir, {"-H", "X-Big: " + std::string(9000, 'a')}, url("/api/v1/users/x"));
    EXPECT_EQ(r.status, "431");
    EXPECT_EQ(boost::json::parse(r.body).at("code").as_string(), "request_too_large");
}

TEST_F(PlainServerTest, MalformedRequestIs400) {
    start(config());
    RawClient c(ports.at("http"));
    ASSERT_TRUE(c.send("GARBAGE\r\n\r\n"));
    bool closed = false;
    auto out = c.read_all(3s, closed);
    EXPECT_TRUE(closed);
    EXPECT_EQ(out.rfind("HTTP/1.1 400", 0), 0u) << out;
}

TEST_F(PlainServerTest, KeepAliveServesPipelinedRequests) {
    start(config());
    RawClient c(ports.at("http"));
    ASSERT_TRUE(
        c.send("GET /api/v1/users/a HTTP/1.1\r\nHost: x\r\n\r\n"
               "GET /api/v1/users/b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    bool closed = false;
    auto out = c.read_all(3s, closed);
    EXPECT_TRUE(closed);
    EXPECT_NE(out.find("\"user_id\":\"a\""), std::string::npos);
    EXPECT_NE(out.find("\"user_id\":\"b\""), std::string::npos);
}

// A client that stops half-way is dropped after the configured timeout.
TEST_F(PlainServerTest, SlowClientsTimeOut) {
    auto c = config();
    c.timeouts.header = 300ms;
    c.timeouts.body = 300ms;
    c.timeouts.keep_alive_idle = 300ms;
    start(c);
    const auto timed_close = [](RawClient& client) {
        bool closed = false;
        const auto t0 = std::chrono::steady_clock::now();
        auto out = client.read_all(5s, closed);
        EXPECT_TRUE(closed);
        EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
        return out;
    };
    RawClient no_bytes(ports.at("http"));
    EXPECT_EQ(timed_close(no_bytes), "");

    RawClient half_header(ports.at("http"));
    ASSERT_TRUE(half_header.send("GET /api/v1/users/a HTTP/1.1\r\nHost: x\r\n"));
    EXPECT_EQ(timed_close(half_header), "");

    RawClient half_body(ports.at("http"));
    ASSERT_TRUE(
        half_body.send("POST /default HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc"));
    EXPECT_EQ(timed_close(half_body), "");

    RawClient idle(ports.at("http"));
    ASSERT_TRUE(idle.send("GET /api/v1/users/a HTTP/1.1\r\nHost: x\r\n\r\n"));
    EXPECT_NE(timed_close(idle).find("200 OK"), std::string::npos);  // answered, then idle-closed
}

TEST_F(PlainServerTest, LogsOneLinePerRequestWithoutQueryOrHeaders) {
    start(config());
    auto r = curl(dir, {"-H", "Cookie: kakuin_session=SECRETTOKEN"},
                  url("/api/v1/users/riyousya?pin=987654"));
    ASSERT_EQ(r.status, "200");
    server->stop();
    bool found = false;
    for (const auto& line : logs.lines()) {
        EXPECT_EQ(line.find("987654"), std::string::npos) << line;
        EXPECT_EQ(line.find("SECRETTOKEN"), std::string::npos) << line;
        if (line.find(
                "event=request listener=http method=GET path=/api/v1/users/riyousya status=200") ==
            0) {
            found = true;
            EXPECT_NE(line.find("remote=127.0.0.1"), std::string::npos);
            EXPECT_NE(line.find("duration_ms="), std::string::npos);
        }
    }
    EXPECT_TRUE(found);
}

TEST_F(PlainServerTest, PortsJsonByListenerName) {
    auto c = config();
    c.listeners.push_back({"ocsp", "127.0.0.1", 0, TlsMode::none});
    start(c);
    ASSERT_EQ(ports.size(), 2u);
    EXPECT_NE(ports.at("http"), 0);
    EXPECT_NE(ports.at("ocsp"), ports.at("http"));
    EXPECT_EQ(server->ports(), ports);
    const auto path = dir.file("ports.json");
    ASSERT_TRUE(write_ports_json(path, ports).ok());
    auto o = boost::json::parse(testing::read_file(path)).as_object();
    EXPECT_EQ(o.size(), 2u);
    EXPECT_EQ(o.at("http").as_int64(), ports.at("http"));
    EXPECT_EQ(o.at("ocsp").as_int64(), ports.at("ocsp"));
    EXPECT_EQ(curl(dir, {}, url("/api/v1/users/x", "ocsp")).status, "200");

    auto bad = write_ports_json(dir.file("no/such/dir/ports.json"), ports);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code, ErrorCode::internal_error);
}

TEST_F(PlainServerTest, GracefulStopFinishesInFlightRequest) {
    // A plain-HTTP connection lives on one of the listener's loops, one thread each, chosen by
    // the kernel (SO_REUSEPORT). Idle connections on a loop that is free are closed at once
    // when stop begins; those on the loop whose thread runs /slow, when /slow returns. With
    // 16 idle connections over 2 loops, some are on the free loop (all 16 on one: 2^-15).
    auto c = config();
    c.plain_loops = 2;
    start(c);
    std::vector<std::unique_ptr<RawClient>> idle;
    for (int i = 0; i < 16; ++i) idle.push_back(std::make_unique<RawClient>(ports.at("http")));
    auto in_flight = std::async(std::launch::async, [&] { return curl(dir, {}, url("/slow")); });
    for (int i = 0; i < 500 && !in_handler; ++i) std::this_thread::sleep_for(10ms);
    ASSERT_TRUE(in_handler);

    auto stopping = std::async(std::launch::async, [&] { server->stop(); });
    std::this_thread::sleep_for(100ms);
    std::vector<bool> closed(idle.size(), false);
    int closed_at_once = 0;
    for (std::size_t i = 0; i < idle.size(); ++i) {
        bool done = false;
        idle[i]->read_all(150ms, done);
        closed[i] = done;
        closed_at_once += done ? 1 : 0;
    }
    EXPECT_GE(closed_at_once, 1);
    // No new connections while stopping.
    std::this_thread::sleep_for(100ms);
    EXPECT_EQ(curl(dir, {"--max-time", "2"}, url("/api/v1/users/x")).status, "000");
    EXPECT_EQ(stopping.wait_for(0s), std::future_status::timeout);  // still waiting for /slow

    release.set_value();
    auto r = in_flight.get();
    EXPECT_EQ(r.status, "200");
    EXPECT_EQ(r.body, "finished");
    EXPECT_EQ(header_value(r.headers, "Connection"), "close");
    EXPECT_EQ(stopping.wait_for(5s), std::future_status::ready);
    for (std::size_t i = 0; i < idle.size(); ++i) {
        if (closed[i]) continue;
        bool done = false;
        idle[i]->read_all(3s, done);
        EXPECT_TRUE(done) << "idle connection " << i << " left open after stop";
    }
}

TEST_F(PlainServerTest, StopIsBoundedWhenAHandlerHangs) {
    auto c = config();
    c.timeouts.graceful_stop = 200ms;
    start(c);
    auto in_flight = std::async(std::launch::async, [&] { return curl(dir, {}, url("/slow")); });
    for (int i = 0; i < 500 && !in_handler; ++i) std::this_thread::sleep_for(10ms);
    ASSERT_TRUE(in_handler);
    auto stopping = std::async(std::launch::async, [&] { server->stop(); });
    // stop() waits 200 ms, then joins the threads: the handler must return for that.
    std::this_thread::sleep_for(400ms);
    release.set_value();
    EXPECT_EQ(stopping.wait_for(5s), std::future_status::ready);
    in_flight.get();
}

TEST_F(PlainServerTest, ConnectionsOverTheLimitAreClosed) {
    auto c = config();
    c.limits.max_connections = 1;
    start(c);
    auto holder = std::make_unique<RawClient>(ports.at("http"));
    std::this_thread::sleep_for(100ms);  // let the server register it
    EXPECT_EQ(curl(dir, {"--max-time", "2"}, url("/api/v1/users/x")).status, "000");
    holder.reset();
    std::string status;
    for (int i = 0; i < 40 && status != "200"; ++i) {
        std::this_thread::sleep_for(50ms);
        status = curl(dir, {"--max-time", "2"}, url("/api/v1/users/x")).status;
    }
    EXPECT_EQ(status, "200");
    server->stop();
    EXPECT_TRUE(logs.contains("event=connection_refused listener=http"));
}

TEST_F(PlainServerTest, BadConfigurationIsRefused) {
    start(config());
    Router r;
    ServerConfig same_port;
    same_port.listeners = {{"http", "127.0.0.1", ports.at("http"), TlsMode::none}};
    same_port.log = logs.sink();
    Server second(std::move(same_port), r, clock);
    auto res = second.start();
    ASSERT_FALSE(res.ok());
    EXPECT_EQ(res.error().code, ErrorCode::config_invalid);

    ServerConfig bad_address;
    bad_address.listeners = {{"http", "not-an-address", 0, TlsMode::none}};
    Server third(std::move(bad_address), r, clock);
    EXPECT_EQ(third.start().error().code, ErrorCode::config_invalid);

    ServerConfig duplicate;
    duplicate.listeners = {{"a", "127.0.0.1", 0, TlsMode::none},
                           {"a", "127.0.0.1", 0, TlsMode::none}};
    Server fourth(std::move(duplicate), r, clock);
    EXPECT_EQ(fourth.start().error().code, ErrorCode::config_invalid);

    Server none(ServerConfig{}, r, clock);
    EXPECT_EQ(none.start().error().code, ErrorCode::config_invalid);
}

}  // namespace
}  // namespace kakuin::http
