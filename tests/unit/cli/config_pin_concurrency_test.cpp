#include <gtest/gtest.h>

#include <string>

#include "cli/config.h"

namespace kakuin::cli {
namespace {

std::string with_passphrase() { return default_config_toml("passphrase_file = \"secrets/ca.pass\""); }

std::string replace(std::string s, const std::string& from, const std::string& to) {
    const auto pos = s.find(from);
    EXPECT_NE(pos, std::string::npos) << from;
    if (pos != std::string::npos) s.replace(pos, from.size(), to);
    return s;
}

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
