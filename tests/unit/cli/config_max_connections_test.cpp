#include <gtest/gtest.h>

#include <string>

#include "cli/config.h"
#include "config_text.h"

namespace kakuin::cli {
namespace {

using testing::replace;
using testing::with_passphrase;

TEST(ConfigMaxConnections, DefaultIsTenThousand) {
    auto c = parse_config(with_passphrase(), "/d");
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c.value().max_connections, 10000);
}

TEST(ConfigMaxConnections, ReadAndRangeChecked) {
    auto c = parse_config(replace(with_passphrase(), "max_connections = 10000", "max_connections = 20000"), "/d");
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c.value().max_connections, 20000);
    for (const char* bad : {"max_connections = 0", "max_connections = 15", "max_connections = 2000000",
                            "max_connections = \"many\""}) {
        auto b = parse_config(replace(with_passphrase(), "max_connections = 10000", bad), "/d");
        ASSERT_FALSE(b.ok()) << bad;
        EXPECT_EQ(b.error().code, ErrorCode::config_invalid);
        EXPECT_NE(b.error().detail.find("server.max_connections"), std::string::npos) << b.error().detail;
    }
}

TEST(ConfigIoThreads, DefaultZeroMeansCoresPlusOneAndIsRangeChecked) {
    auto d = parse_config(with_passphrase(), "/d");
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d.value().io_threads, 0);
    auto c = parse_config(replace(with_passphrase(), "io_threads = 0", "io_threads = 6"), "/d");
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c.value().io_threads, 6);
    for (const char* bad : {"io_threads = -1", "io_threads = 257", "io_threads = \"auto\""}) {
        auto b = parse_config(replace(with_passphrase(), "io_threads = 0", bad), "/d");
        ASSERT_FALSE(b.ok()) << bad;
        EXPECT_EQ(b.error().code, ErrorCode::config_invalid);
        EXPECT_NE(b.error().detail.find("server.io_threads"), std::string::npos) << b.error().detail;
    }
}

}  // namespace
}  // namespace kakuin::cli
