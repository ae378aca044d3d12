#include <gtest/gtest.h>

#include <string>

#include "cli/config.h"
#include "config_text.h"

namespace kakuin::cli {
namespace {

using testing::replace;
using testing::with_passphrase;

TEST(ConfigPinConcurrency, DefaultIsOnePerCore) {
    auto c = parse_config(with_passphrase(), "/d");
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c.value().pin_hash.concurrency, 0);
}

TEST(ConfigPinConcurrency, ReadAndRangeChecked) {
    auto c = parse_config(replace(with_passphrase(), "hash_concurrency = 0", "hash_concurrency = 3"), "/d");
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c.value().pin_hash.concurrency, 3);
    for (const char* bad : {"hash_concurrency = -1", "hash_concurrency = 5000", "hash_concurrency = \"all\""}) {
        auto b = parse_config(replace(with_passphrase(), "hash_concurrency = 0", bad), "/d");
        ASSERT_FALSE(b.ok()) << bad;
        EXPECT_EQ(b.error().code, ErrorCode::config_invalid);
        EXPECT_NE(b.error().detail.find("pin.hash_concurrency"), std::string::npos) << b.error().detail;
    }
}

}  // namespace
}  // namespace kakuin::cli
