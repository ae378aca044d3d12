#include "auth/constant_time.h"

#include <gtest/gtest.h>

#include <string>

namespace kakuin::auth {
namespace {

TEST(ConstantTimeEqual, ComparesWholeContents) {
    EXPECT_TRUE(constant_time_equal("", ""));
    EXPECT_TRUE(constant_time_equal("123456", "123456"));
    EXPECT_FALSE(constant_time_equal("123456", "123457"));
    EXPECT_FALSE(constant_time_equal("123456", "023456"));
    EXPECT_FALSE(constant_time_equal("123456", "12345"));
    EXPECT_FALSE(constant_time_equal("12345", "123456"));
    EXPECT_FALSE(constant_time_equal("", "1"));
    // Embedded NULs are data, not terminators.
    EXPECT_FALSE(constant_time_equal(std::string("ab\0c", 4), std::string("ab\0d", 4)));
    EXPECT_TRUE(constant_time_equal(std::string("ab\0c", 4), std::string("ab\0c", 4)));
}

}  // namespace
}  // namespace kakuin::auth
