// SessionService: ID/PIN login, lockout, OTP step, idle timeout, single session, logout.
#include <thread>

#include "session_fixture.h"

namespace kakuin::service::testing {
namespace {

using store::TxMode;

class SessionLoginTest : public SessionTest {};

TEST_F(SessionLoginTest, PinLoginWithoutOtpIsActiveAndRecordsHistory) {
    otp_off();
    const auto before = counts();
    auto s = sessions->login_with_pin(pin_login(kUser));
    ASSERT_TRUE(s.ok()) << s.error().detail;
    EXPECT_EQ(s->token.size(), auth::kTokenChars);
    EXPECT_EQ(s->info.state, SessionState::active);
    EXPECT_EQ(s->info.person, kUser);
    EXPECT_FALSE(s->info.via_certificate);
    EXPECT_EQ(s->info.csrf_token.size(), auth::kTokenChars);
    EXPECT_FALSE(s->info.previous_login_at.has_value());
    EXPECT_EQ(counts().history, before.history + 1);
    EXPECT_EQ(count_kind(kUser, "login.succeeded"), 1);
    EXPECT_EQ(person(kUser).last_login_at, clock.now());
    EXPECT_EQ(session_rows(), 1);

    // The store keeps only the token's hash.
    auto hash = auth::session_token_hash(s->token);
    ASSERT_TRUE(hash.ok());
    auto rec = read()->find_session(*hash);
    ASSERT_TRUE(rec.ok() && rec->has_value());
    EXPECT_NE((*rec)->token_hash, s->token);

    auto who = sessions->authenticate(s->token, std::nullopt);
    ASSERT_TRUE(who.ok()) << who.error().detail;
    EXPECT_EQ(who->person, kUser);
    EXPECT_EQ(who->csrf_token, s->info.csrf_token);
}

TEST_F(SessionLoginTest, AdminLogsInWithoutUserId) {
    otp_off();
    auto s = sessions->login_with_pin(pin_login(kAdmin));
    ASSERT_TRUE(s.ok()) << s.error().detail;
    EXPECT_EQ(s->info.role(), Role::admin);
}

TEST_F(SessionLoginTest, SecondLoginEndsTheFirstAndShowsPreviousLogin) {
    otp_off();
    auto first = sessions->login_with_pin(pin_login(kUser));
    ASSERT_TRUE(first.ok());
    const TimePoint t1 = clock.now();
    clock.advance(Seconds(120));
    auto second = sessions->login_with_pin(pin_login(kUser));
    ASSERT_TRUE(second.ok());
    EXPECT_EQ(second->info.previous_login_at, t1);
    EXPECT_EQ(sessions->authenticate(first->token, std::nullopt).error().code,
              ErrorCode::session_expired);
    EXPECT_TRUE(sessions->authenticate(second->token, std::nullopt).ok());
    EXPECT_EQ(session_rows(), 1);
    // Another person's session is not touched.
    auto admin_s = sessions->login_with_pin(pin_login(kAdmin));
    ASSERT_TRUE(admin_s.ok());
    EXPECT_TRUE(sessions->authenticate(second->token, std::nullopt).ok());
}

TEST_F(SessionLoginTest, BadInputIsInvalidRequest) {
    PinLogin l = pin_login(kUser);
    l.contract_id = "123";
    EXPECT_EQ(sessions->login_with_pin(l).error().code, ErrorCode::invalid_request);
    l = pin_login(kUser);
    l.user_id = "";
    EXPECT_EQ(sessions->login_with_pin(l).error().code, ErrorCode::invalid_request);
    l = pin_login(kUser);
    l.user_id = "bad id!";
    EXPECT_EQ(sessions->login_with_pin(l).error().code, ErrorCode::invalid_request);
    l = pin_login(kAdmin);
    l.user_id = "riyousya";
    EXPECT_EQ(sessions->login_with_pin(l).error().code, ErrorCode::invalid_request);
}

TEST_F(SessionLoginTest, UnknownContractOrPersonIsPinIncorrectAndWritesNothing) {
    const auto before = counts();
    PinLogin l = pin_login(kUser);
    l.contract_id = "00000000001";
    EXPECT_EQ(sessions->login_with_pin(l).error().code, ErrorCode::pin_incorrect);
    l = pin_login(kUser);
    l.user_id = "nobody";
    EXPECT_EQ(sessions->login_with_pin(l).error().code, ErrorCode::pin_incorrect);
    EXPECT_EQ(counts(), before);
    EXPECT_EQ(session_rows(), 0);
}

TEST_F(SessionLoginTest, WrongPinIsCountedAndRecorded) {
    otp_off();
    auto r = sessions->login_with_pin(pin_login(kUser, kWrongPin));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::pin_incorrect);
    EXPECT_EQ(person(kUser).failure_count, 1);
    EXPECT_EQ(count_kind(kUser, "auth.failed", "pin_incorrect"), 1);
    for (const auto& h : history_of(kUser)) {
        EXPECT_EQ(h.detail.find(kWrongPin), std::string::npos);  // never a secret
    }
    EXPECT_EQ(session_rows(), 0);
    // Success resets the count.
    ASSERT_TRUE(sessions->login_with_pin(pin_login(kUser)).ok());
    EXPECT_EQ(person(kUser).failure_count, 0);
}

TEST_F(SessionLoginTest, LockoutAfterThresholdWrongPins) {
    otp_off();
    policy.lockout_threshold = 3;
    EXPECT_EQ(sessions->login_with_pin(pin_login(kUser, kWrongPin)).error().code, ErrorCode::pin_incorrect);
    EXPECT_EQ(sessions->login_with_pin(pin_login(kUser, kWrongPin)).error().code, ErrorCode::pin_incorrect);
    EXPECT_EQ(sessions->login_with_pin(pin_login(kUser, kWrongPin)).error().code, ErrorCode::locked);
    Person p = person(kUser);
    EXPECT_TRUE(p.locked);
    EXPECT_EQ(p.failure_count, 3);
    EXPECT_EQ(count_kind(kUser, "auth.failed", "pin_incorrect"), 3);
    EXPECT_EQ(count_kind(kUser, "person.locked", "locked"), 1);
    // Locked: even the right PIN is refused, and nothing more is written.
    const auto before = counts();
    EXPECT_EQ(sessions->login_with_pin(pin_login(kUser)).error().code, ErrorCode::locked);
    EXPECT_EQ(counts(), before);
    // The administrator is a different ID.
    EXPECT_TRUE(sessions->login_with_pin(pin_login(kAdmin)).ok());
}

TEST_F(SessionLoginTest, SuspendedContractAndPersonStates) {
    otp_off();
    ASSERT_TRUE(contracts->set_contract_flags(bank, kContract, true, false).ok());
    const auto before = counts();
    EXPECT_EQ(sessions->login_with_pin(pin_login(kUser)).error().code, ErrorCode::contract_suspended);
    EXPECT_EQ(sessions->login_with_pin(pin_login(kUser, kWrongPin)).error().code,
              ErrorCode::contract_suspended);
    EXPECT_EQ(counts(), before);
    ASSERT_TRUE(contracts->set_contract_flags(bank, kContract, false, false).ok());

    {
        auto tx = store->begin(TxMode::write);
        Person p = person(kUser);
        p.suspended = true;
        ASSERT_TRUE((*tx)->update_person(p).ok());
        ASSERT_TRUE((*tx)->commit().ok());
    }
    EXPECT_EQ(sessions->login_with_pin(pin_login(kUser)).error().code, ErrorCode::forbidden);
}

TEST_F(SessionLoginTest, CertificateIssuedMeansCertificateLoginOnly) {
    otp_off();
    acquire(kUser);
    auto r = sessions->login_with_pin(pin_login(kUser));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::certificate_login_only);
    // Still so after the certificate is revoked (R6: once issued).
    ASSERT_TRUE(certs->revoke(admin, kUser, CrlReason::key_compromise).ok());
    EXPECT_EQ(sessions->login_with_pin(pin_login(kUser)).error().code,
              ErrorCode::certificate_login_only);
    // A wrong PIN is still a counted pin_incorrect (the rule is checked after the PIN).
    EXPECT_EQ(sessions->login_with_pin(pin_login(kUser, kWrongPin)).error().code,
              ErrorCode::pin_incorrect);
    EXPECT_EQ(session_rows(), 0);
}

TEST_F(SessionLoginTest, OtpStepActivatesTheSession) {
    register_token(kAdmin);
    auto s = sessions->login_with_pin(pin_login(kAdmin));
    ASSERT_TRUE(s.ok()) << s.error().detail;
    EXPECT_EQ(s->info.state, SessionState::otp_required);
    EXPECT_EQ(count_kind(kAdmin, "login.succeeded"), 0);
    // Pending: refused unless the caller allows it.
    auto pending = sessions->authenticate(s->token, std::nullopt);
    ASSERT_FALSE(pending.ok());
    EXPECT_EQ(pending.error().code, ErrorCode::forbidden);
    EXPECT_TRUE(sessions->authenticate(s->token, std::nullopt, true).ok());

    auto active = sessions->submit_otp(s->token, code(kAdmin), "192.0.2.50");
    ASSERT_TRUE(active.ok()) << active.error().detail;
    EXPECT_EQ(active->state, SessionState::active);
    EXPECT_EQ(active->csrf_token, s->info.csrf_token);
    EXPECT_TRUE(sessions->authenticate(s->token, std::nullopt).ok());
    EXPECT_EQ(count_kind(kAdmin, "login.succeeded"), 1);
    EXPECT_EQ(person(kAdmin).last_login_at, clock.now());
    // Once active, the OTP step cannot be repeated.
    EXPECT_EQ(sessions->submit_otp(s->token, code(kAdmin, 1), "x").error().code,
              ErrorCode::invalid_request);
}

TEST_F(SessionLoginTest, AcceptedOtpIsNeverAcceptedAgain) {
    register_token(kAdmin);
    auto s1 = sessions->login_with_pin(pin_login(kAdmin));
    ASSERT_TRUE(s1.ok());
    const std::string c = code(kAdmin);
    ASSERT_TRUE(sessions->submit_otp(s1->token, c, "x").ok());
    auto s2 = sessions->login_with_pin(pin_login(kAdmin));
    ASSERT_TRUE(s2.ok());
    auto reused = sessions->submit_otp(s2->token, c, "x");
    ASSERT_FALSE(reused.ok());
    EXPECT_EQ(reused.error().code, ErrorCode::otp_reused);
    EXPECT_EQ(person(kAdmin).failure_count, 1);
    EXPECT_EQ(count_kind(kAdmin, "auth.failed", "otp_reused"), 1);
    // The next code works.
    clock.advance(Seconds(policy.otp_step_seconds));
    EXPECT_TRUE(sessions->submit_otp(s2->token, code(kAdmin), "x").ok());
    EXPECT_EQ(person(kAdmin).failure_count, 0);
}

TEST_F(SessionLoginTest, WrongOtpsLockTheId) {
    register_token(kAdmin);
    policy.lockout_threshold = 3;
    auto s = sessions->login_with_pin(pin_login(kAdmin));
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(sessions->submit_otp(s->token, "000000", "x").error().code, ErrorCode::otp_incorrect);
    EXPECT_EQ(sessions->submit_otp(s->token, "abc", "x").error().code, ErrorCode::otp_incorrect);
    // The PIN step does not reset the count while the OTP is still to come.
    auto again = sessions->login_with_pin(pin_login(kAdmin));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(person(kAdmin).failure_count, 2);
    EXPECT_EQ(sessions->submit_otp(again->token, "000000", "x").error().code, ErrorCode::locked);
    EXPECT_TRUE(person(kAdmin).locked);
    EXPECT_EQ(count_kind(kAdmin, "auth.failed", "otp_incorrect"), 3);
    EXPECT_EQ(count_kind(kAdmin, "person.locked"), 1);
    EXPECT_EQ(sessions->submit_otp(again->token, code(kAdmin), "x").error().code, ErrorCode::locked);
    EXPECT_EQ(sessions->login_with_pin(pin_login(kAdmin)).error().code, ErrorCode::locked);
}

TEST_F(SessionLoginTest, OtpRequiredWithoutTokenIsForbidden) {
    const auto before = counts();
    auto r = sessions->login_with_pin(pin_login(kUser));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::forbidden);
    EXPECT_NE(r.error().detail_ja.find("ワンタイムパスワードが登録されていません"), std::string::npos);
    EXPECT_EQ(counts(), before);
    EXPECT_EQ(session_rows(), 0);
}

TEST_F(SessionLoginTest, IdleTimeoutEndsTheSession) {
    otp_off();
    policy.session_idle_seconds = 600;
    auto s = sessions->login_with_pin(pin_login(kUser));
    ASSERT_TRUE(s.ok());
    clock.advance(Seconds(599));
    ASSERT_TRUE(sessions->authenticate(s->token, std::nullopt).ok());  // touches last_seen
    clock.advance(Seconds(599));
    auto touched = sessions->authenticate(s->token, std::nullopt);
    ASSERT_TRUE(touched.ok());
    EXPECT_EQ(touched->last_seen_at, clock.now());
    clock.advance(Seconds(600));
    auto expired = sessions->authenticate(s->token, std::nullopt);
    ASSERT_FALSE(expired.ok());
    EXPECT_EQ(expired.error().code, ErrorCode::session_expired);
    EXPECT_EQ(session_rows(), 0);  // deleted
    EXPECT_EQ(sessions->authenticate(s->token, std::nullopt).error().code, ErrorCode::session_expired);
}

TEST_F(SessionLoginTest, PendingOtpSessionAlsoTimesOut) {
    register_token(kAdmin);
    auto s = sessions->login_with_pin(pin_login(kAdmin));
    ASSERT_TRUE(s.ok());
    clock.advance(Seconds(policy.session_idle_seconds));
    EXPECT_EQ(sessions->submit_otp(s->token, code(kAdmin), "x").error().code,
              ErrorCode::session_expired);
    EXPECT_EQ(session_rows(), 0);
}

TEST_F(SessionLoginTest, LogoutDeletesTheSession) {
    otp_off();
    auto s = sessions->login_with_pin(pin_login(kUser));
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE(sessions->logout(s->token, "192.0.2.50").ok());
    EXPECT_EQ(session_rows(), 0);
    EXPECT_EQ(count_kind(kUser, "logout"), 1);
    EXPECT_EQ(sessions->authenticate(s->token, std::nullopt).error().code, ErrorCode::session_expired);
    EXPECT_EQ(sessions->logout(s->token, "x").error().code, ErrorCode::session_expired);
}

TEST_F(SessionLoginTest, GarbageTokensAreSessionExpired) {
    for (std::string t : {std::string(), std::string("short"), std::string(43, '!'),
                          std::string(44, 'A'), std::string(43, 'A')}) {
        EXPECT_EQ(sessions->authenticate(t, std::nullopt).error().code, ErrorCode::session_expired) << t;
        EXPECT_EQ(sessions->submit_otp(t, "123456", "x").error().code, ErrorCode::session_expired);
        EXPECT_EQ(sessions->logout(t, "x").error().code, ErrorCode::session_expired);
    }
}

TEST_F(SessionLoginTest, PinSessionRefusedWithACertificate) {
    otp_off();
    auto s = sessions->login_with_pin(pin_login(kUser));
    ASSERT_TRUE(s.ok());
    ClientCertificate other{"01AB", std::string(64, 'a')};
    EXPECT_EQ(sessions->authenticate(s->token, other).error().code, ErrorCode::session_expired);
    EXPECT_TRUE(sessions->authenticate(s->token, std::nullopt).ok());  // kept
}

TEST_F(SessionLoginTest, SuspendingTheContractStopsSessions) {
    otp_off();
    auto s = sessions->login_with_pin(pin_login(kUser));
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE(contracts->set_contract_flags(bank, kContract, true, false).ok());
    EXPECT_EQ(sessions->authenticate(s->token, std::nullopt).error().code,
              ErrorCode::contract_suspended);
}

TEST_F(SessionLoginTest, ParallelWrongPinsAreAllCounted) {
    otp_off();
    policy.lockout_threshold = 1000;
    constexpr int kThreads = 2, kEach = 5;
    std::vector<std::thread> threads;
    std::atomic<int> refused{0};
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < kEach; ++i) {
                auto r = sessions->login_with_pin(pin_login(kUser, kWrongPin));
                if (!r.ok() && r.error().code == ErrorCode::pin_incorrect) ++refused;
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(refused.load(), kThreads * kEach);
    EXPECT_EQ(person(kUser).failure_count, kThreads * kEach);
    EXPECT_EQ(count_kind(kUser, "auth.failed"), kThreads * kEach);
}

TEST_F(SessionLoginTest, ParallelSubmissionsOfOneCodeAcceptItOnce) {
    register_token(kAdmin);
    auto a = sessions->login_with_pin(pin_login(kAdmin));
    ASSERT_TRUE(a.ok());
    // The second login ends nothing yet: sessions end when one becomes active.
    auto b = sessions->login_with_pin(pin_login(kAdmin));
    ASSERT_TRUE(b.ok());
    const std::string c = code(kAdmin);
    Result<SessionInfo> ra = make_error(ErrorCode::internal_error);
    Result<SessionInfo> rb = make_error(ErrorCode::internal_error);
    std::thread ta([&] { ra = sessions->submit_otp(a->token, c, "x"); });
    std::thread tb([&] { rb = sessions->submit_otp(b->token, c, "x"); });
    ta.join();
    tb.join();
    EXPECT_NE(ra.ok(), rb.ok());
    const auto& failed = ra.ok() ? rb : ra;
    ASSERT_FALSE(failed.ok());
    // The loser's session was either ended by the winner (R11) or refused the reused code.
    EXPECT_TRUE(failed.error().code == ErrorCode::otp_reused ||
                failed.error().code == ErrorCode::session_expired)
        << error_code_name(failed.error().code);
    EXPECT_EQ(count_kind(kAdmin, "login.succeeded"), 1);
    EXPECT_EQ(session_rows(), 1);
}

TEST_F(SessionLoginTest, AbandonedSessionsAreRemovedAtTheNextLogin) {
    otp_off();
    ASSERT_TRUE(sessions->login_with_pin(pin_login(kUser)).ok());
    clock.advance(Seconds(policy.session_idle_seconds));
    ASSERT_TRUE(sessions->login_with_pin(pin_login(kAdmin)).ok());
    EXPECT_EQ(session_rows(), 1);
}

}  // namespace
}  // namespace kakuin::service::testing
