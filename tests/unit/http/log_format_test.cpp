#include <gtest/gtest.h>

#include "http/log.h"

namespace kakuin::http {
namespace {

TEST(EventLog, OneLogfmtLineWithQuotedReason) {
    EXPECT_EQ(format_event_log("tls_handshake_failed", "mtls", "127.0.0.1", "no certificate"),
              "event=tls_handshake_failed listener=mtls remote=127.0.0.1 reason=\"no certificate\"");
}

TEST(RequestLog, EscapesEveryField) {
    auto line = format_request_log(
        {"http", "G\x01T", "/a b", 404, std::chrono::microseconds(12), "::1"});
    EXPECT_EQ(line,
              "event=request listener=http method=\"G\\x01T\" path=\"/a b\" status=404 "
              "duration_ms=0.012 remote=::1");
}

TEST(RequestLog, DeleteAndLongValues) {
    EXPECT_EQ(log_value("a\x7f"), "\"a\\x7f\"");
    EXPECT_EQ(log_value(std::string(256, 'b')), std::string(256, 'b'));
    EXPECT_EQ(log_value(std::string(257, 'b')), "\"" + std::string(256, 'b') + "...\"");
}

}  // namespace
}  // namespace kakuin::http
