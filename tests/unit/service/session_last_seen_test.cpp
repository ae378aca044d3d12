// SessionService::authenticate writes last_seen at most every 10 s (a read-only fast path in
// between); the idle timeout can come at most that much earlier, never later, and a logout,
// a suspended contract or a certificate mismatch still ends or refuses the session at once.
#include "session_fixture.h"

namespace kakuin::service::testing {
namespace {

class SessionLastSeenTest : public SessionTest {
protected:
    TimePoint stored_last_seen(const std::string& token) {
        auto hash = auth::session_token_hash(token);
        EXPECT_TRUE(hash.ok());
        auto rec = read()->find_session(*hash);
        EXPECT_TRUE(rec.ok() && rec->has_value());
        return rec.ok() && rec->has_value() ? (*rec)->last_seen_at : TimePoint{};
    }
};

TEST_F(SessionLastSeenTest, WrittenAtMostEveryTenSeconds) {
    otp_off();
    auto s = sessions->login_with_pin(pin_login(kUser));
    ASSERT_TRUE(s.ok()) << s.error().detail;
    const TimePoint t0 = clock.now();
    EXPECT_EQ(stored_last_seen(s->token), t0);

    clock.advance(Seconds(9));
    ASSERT_TRUE(sessions->authenticate(s->token, std::nullopt).ok());
    EXPECT_EQ(stored_last_seen(s->token), t0);  // fast path: not written

    clock.advance(Seconds(1));
    ASSERT_TRUE(sessions->authenticate(s->token, std::nullopt).ok());
    EXPECT_EQ(stored_last_seen(s->token), clock.now());  // 10 s: written
}

TEST_F(SessionLastSeenTest, IdleTimeoutNeverLaterThanTheLastUse) {
    otp_off();
    auto s = sessions->login_with_pin(pin_login(kUser));
    ASSERT_TRUE(s.ok());
    clock.advance(Seconds(5));
    ASSERT_TRUE(sessions->authenticate(s->token, std::nullopt).ok());  // not written
    // Idle measured from the stored last_seen (login): ends at idle after login at the latest.
    clock.advance(Seconds(policy.session_idle_seconds - 5));
    auto late = sessions->authenticate(s->token, std::nullopt);
    ASSERT_FALSE(late.ok());
    EXPECT_EQ(late.error().code, ErrorCode::session_expired);
    EXPECT_EQ(session_rows(), 0);  // the write path deleted it
}

TEST_F(SessionLastSeenTest, LogoutAndMismatchEndAtOnceOnTheFastPath) {
    otp_off();
    auto s = sessions->login_with_pin(pin_login(kUser));
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE(sessions->authenticate(s->token, std::nullopt).ok());
    ClientCertificate other;
    other.sha256_fingerprint_hex = std::string(64, 'a');
    auto mismatch = sessions->authenticate(s->token, other);
    ASSERT_FALSE(mismatch.ok());
    EXPECT_EQ(mismatch.error().code, ErrorCode::session_expired);
    ASSERT_TRUE(sessions->logout(s->token, "127.0.0.1").ok());
    auto after = sessions->authenticate(s->token, std::nullopt);
    ASSERT_FALSE(after.ok());
    EXPECT_EQ(after.error().code, ErrorCode::session_expired);
}

}  // namespace
}  // namespace kakuin::service::testing
