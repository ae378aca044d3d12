#include "http/log.h"

#include <gtest/gtest.h>

namespace kakuin::http {
namespace {

TEST(RequestLog, OneLogfmtLine) {
    auto line = format_request_log(
        {"https", "GET", "/api/v1/users", 200, std::chrono::microseconds(1500), "127.0.0.1"});
    EXPECT_EQ(line,
              "event=request listener=https method=GET path=/api/v1/users status=200 "
              "duration_ms=1.500 remote=127.0.0.1");
}

TEST(RequestLog, ValuesAreQuotedAndEscaped) {
    EXPECT_EQ(log_value("a b"), "\"a b\"");
    EXPECT_EQ(log_value("x\"y\\z"), "\"x\\\"y\\\\z\"");
    EXPECT_EQ(log_value("line\nbreak"), "\"line\\x0abreak\"");
    EXPECT_EQ(log_value(""), "\"\"");
    EXPECT_EQ(log_value("k=v"), "\"k=v\"");
    auto long_value = log_value(std::string(1000, 'a'));
    EXPECT_LT(long_value.size(), 300u);
    EXPECT_NE(long_value.find("..."), std::string::npos);
}

}  // namespace
}  // namespace kakuin::http
