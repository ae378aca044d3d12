#include "auth/lockout.h"

#include <gtest/gtest.h>

namespace kakuin::auth {
namespace {

TEST(Lockout, LocksAtTheThreshold) {
    LockoutState s;
    for (int i = 1; i <= 5; ++i) {
        s = apply_failure(s, 6);
        EXPECT_EQ(s.consecutive_failures, i);
        EXPECT_FALSE(s.locked) << i;
        EXPECT_TRUE(check_not_locked(s).ok());
    }
    s = apply_failure(s, 6);
    EXPECT_TRUE(s.locked);
    EXPECT_EQ(s.consecutive_failures, 6);
    EXPECT_EQ(check_not_locked(s).error().code, ErrorCode::locked);
    // More failures keep it locked and the count bounded.
    s = apply_failure(s, 6);
    EXPECT_TRUE(s.locked);
    EXPECT_EQ(s.consecutive_failures, 6);
}

TEST(Lockout, SuccessResetsTheCount) {
    LockoutState s;
    for (int i = 0; i < 5; ++i) s = apply_failure(s, 6);
    s = apply_success(s);
    EXPECT_EQ(s, LockoutState{});
    for (int i = 0; i < 5; ++i) s = apply_failure(s, 6);
    EXPECT_FALSE(s.locked);  // the count started again from zero
}

TEST(Lockout, SuccessNeverUnlocksOnlyUnlockDoes) {
    LockoutState s;
    for (int i = 0; i < 3; ++i) s = apply_failure(s, 3);
    ASSERT_TRUE(s.locked);
    EXPECT_TRUE(apply_success(s).locked);
    EXPECT_EQ(apply_unlock(s), LockoutState{});
    EXPECT_TRUE(check_not_locked(apply_unlock(s)).ok());
}

TEST(Lockout, ThresholdOneAndBelow) {
    EXPECT_TRUE(apply_failure(LockoutState{}, 1).locked);
    EXPECT_TRUE(apply_failure(LockoutState{}, 0).locked);
    EXPECT_TRUE(apply_failure(LockoutState{}, -5).locked);
}

TEST(Lockout, LoweredThresholdLocksAtTheNextFailure) {
    LockoutState s{4, false};
    s = apply_failure(s, 3);
    EXPECT_TRUE(s.locked);
    EXPECT_EQ(s.consecutive_failures, 3);
    // A corrupt negative count from the store still counts up from zero.
    EXPECT_EQ(apply_failure(LockoutState{-7, false}, 6).consecutive_failures, 1);
}

}  // namespace
}  // namespace kakuin::auth
