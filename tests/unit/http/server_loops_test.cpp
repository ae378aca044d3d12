// Plain-HTTP listeners on their own event loops (ServerConfig::plain_loops): each loop has its
// own listening socket in one SO_REUSEPORT group on the listener's port.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "http/server.h"
#include "test_support.h"

namespace kakuin::http {
namespace {

using namespace std::chrono_literals;
using testing::LogCapture;
using testing::RawClient;

class ServerLoopsTest : public ::testing::Test {
  protected:
    ServerLoopsTest() {
        router.get("/ping", [](const Request&) { return Response::bytes("text/plain", "pong"); });
    }
    ServerConfig config(std::uint16_t port, int loops) {
        ServerConfig c;
        c.listeners = {{"http", "127.0.0.1", port, TlsMode::none}};
        c.plain_loops = loops;
        c.log = logs.sink();
        return c;
    }
    Router router;
    LogCapture logs;
    SimulatedClock clock{from_unix(1'800'000'000)};
};

TEST_F(ServerLoopsTest, EveryConnectionIsAnsweredAndStopWaitsForAll) {
    Server server(config(0, 3), router, clock);
    auto ports = server.start();
    ASSERT_TRUE(ports.ok()) << ports.error().detail;
    const std::uint16_t port = ports->at("http");
    // Many connections at once, so that the kernel spreads them over the loops.
    std::vector<std::unique_ptr<RawClient>> clients;
    for (int i = 0; i < 40; ++i) {
        clients.push_back(std::make_unique<RawClient>(port));
        ASSERT_TRUE(clients.back()->send("GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    }
    for (auto& c : clients) {
        bool closed = false;
        const std::string out = c->read_all(5s, closed);
        EXPECT_TRUE(closed);
        EXPECT_EQ(out.rfind("HTTP/1.1 200 OK", 0), 0u) << out;
        EXPECT_NE(out.find("pong"), std::string::npos);
    }
    // A keep-alive connection left idle on some loop: stop() closes it and returns.
    RawClient idle(port);
    ASSERT_TRUE(idle.send("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n"));
    const auto answered = [this] {
        int n = 0;
        for (const auto& line : logs.lines())
            if (line.rfind("event=request ", 0) == 0) ++n;
        return n;
    };
    for (int i = 0; i < 500 && answered() < 41; ++i) std::this_thread::sleep_for(10ms);
    ASSERT_EQ(answered(), 41);  // answered, now idle between requests
    const auto t0 = std::chrono::steady_clock::now();
    server.stop();
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
    bool closed = false;
    EXPECT_NE(idle.read_all(5s, closed).find("pong"), std::string::npos);
    EXPECT_TRUE(closed);
    EXPECT_EQ(answered(), 41);
}

TEST_F(ServerLoopsTest, ASecondServerOnTheSamePortIsRefusedNotJoined) {
    Server first(config(0, 2), router, clock);
    auto ports = first.start();
    ASSERT_TRUE(ports.ok()) << ports.error().detail;
    Server second(config(ports->at("http"), 2), router, clock);
    auto again = second.start();
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().code, ErrorCode::config_invalid);
    first.stop();
}

}  // namespace
}  // namespace kakuin::http
