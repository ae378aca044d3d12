// SQLite store: sessions, OTP tokens, used OTP steps, enrollments, person_has_certificate.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "store/sqlite/sqlite_store.h"
#include "temp_dir.h"

namespace kakuin::store {
namespace {

using sqlite::SqliteStore;

const TimePoint kT0 = from_unix(1'790'000'000);
const PersonKey kUser{"00009876543", "riyousya"};
const PersonKey kAdmin{"00009876543", ""};

using testing::TempDir;

class SessionStoreTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto s = SqliteStore::open(dir.file("kakuin.db"));
        ASSERT_TRUE(s.ok()) << s.error().detail;
        store = std::move(s).value();
        auto tx = begin();
        Contract c;
        c.contract_id = kUser.contract_id;
        c.name_kanji = "株式会社かくいん";
        c.name_kana = "ｶﾌﾞｼｷｶﾞｲｼｬｶｸｲﾝ";
        c.created_at = kT0;
        ASSERT_TRUE(tx->insert_contract(c).ok());
        for (const PersonKey& k : {kAdmin, kUser}) {
            Person p;
            p.key = k;
            p.name_kana = "ﾘﾖｳｼｬ";
            p.created_at = kT0;
            ASSERT_TRUE(tx->insert_person(p).ok());
        }
        ASSERT_TRUE(tx->commit().ok());
    }
    std::unique_ptr<Transaction> begin(TxMode mode = TxMode::write) {
        auto tx = store->begin(mode);
        EXPECT_TRUE(tx.ok());
        return std::move(tx).value();
    }
    static SessionRecord session(const std::string& hash, const PersonKey& who) {
        SessionRecord s;
        s.token_hash = hash;
        s.person = who;
        s.csrf_token = "csrf-" + hash;
        s.created_at = kT0;
        s.last_seen_at = kT0;
        return s;
    }

    TempDir dir;
    std::unique_ptr<SqliteStore> store;
};

TEST_F(SessionStoreTest, SessionRoundTripUpdateAndDelete) {
    auto tx = begin();
    SessionRecord s = session("h1", kUser);
    s.cert_serial = "01AB";
    s.cert_fingerprint = "ff00";
    s.cert_not_after = kT0 + Days(365);
    s.previous_login_at = kT0 - Days(1);
    ASSERT_TRUE(tx->insert_session(s).ok());
    EXPECT_EQ(tx->insert_session(s).error().code, ErrorCode::conflict);
    auto found = tx->find_session("h1");
    ASSERT_TRUE(found.ok() && found->has_value());
    EXPECT_EQ(**found, s);

    s.phase = SessionPhase::active;
    s.last_seen_at = kT0 + Seconds(30);
    s.previous_login_at.reset();
    ASSERT_TRUE(tx->update_session(s).ok());
    EXPECT_EQ(**tx->find_session("h1"), s);
    EXPECT_EQ(tx->update_session(session("nope", kUser)).error().code, ErrorCode::not_found);

    ASSERT_TRUE(tx->delete_session("h1").ok());
    EXPECT_FALSE(tx->find_session("h1")->has_value());
    EXPECT_EQ(tx->delete_session("h1").error().code, ErrorCode::not_found);
}

TEST_F(SessionStoreTest, SessionNeedsAPerson) {
    auto tx = begin();
    EXPECT_FALSE(tx->insert_session(session("h", PersonKey{"00009876543", "ghost"})).ok());
}

TEST_F(SessionStoreTest, DeleteSessionsOfKeepsOneAndOthersPersons) {
    auto tx = begin();
    ASSERT_TRUE(tx->insert_session(session("a", kUser)).ok());
    ASSERT_TRUE(tx->insert_session(session("b", kUser)).ok());
    ASSERT_TRUE(tx->insert_session(session("c", kUser)).ok());
    ASSERT_TRUE(tx->insert_session(session("d", kAdmin)).ok());
    auto n = tx->delete_sessions_of(kUser, "b");
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(*n, 2);
    EXPECT_TRUE(tx->find_session("b")->has_value());
    EXPECT_TRUE(tx->find_session("d")->has_value());
    EXPECT_FALSE(tx->find_session("a")->has_value());

    SessionRecord old = session("e", kAdmin);
    old.last_seen_at = kT0 - Seconds(1000);
    ASSERT_TRUE(tx->insert_session(old).ok());
    auto idle = tx->delete_sessions_idle_since(kT0 - Seconds(10));
    ASSERT_TRUE(idle.ok());
    EXPECT_EQ(*idle, 1);
    EXPECT_FALSE(tx->find_session("e")->has_value());
}

TEST_F(SessionStoreTest, DeletingThePersonDeletesSessionsTokensAndEnrollments) {
    auto tx = begin();
    ASSERT_TRUE(tx->insert_session(session("a", kUser)).ok());
    ASSERT_TRUE(tx->upsert_otp_token(OtpToken{kUser, OtpTokenKind::software, {1, 2, 3}, 30, 6, kT0}).ok());
    ASSERT_TRUE(tx->record_used_otp_step(kUser, 5).ok());
    ASSERT_TRUE(tx->insert_enrollment(EnrollmentRecord{"e1", kUser, EnrollmentPhase::ready, kT0, kT0 + Seconds(600)}).ok());
    ASSERT_TRUE(tx->delete_person(kUser).ok());
    EXPECT_FALSE(tx->find_session("a")->has_value());
    EXPECT_FALSE(tx->find_otp_token(kUser)->has_value());
    EXPECT_FALSE(tx->last_used_otp_step(kUser)->has_value());
    EXPECT_FALSE(tx->find_enrollment("e1")->has_value());
}

TEST_F(SessionStoreTest, OtpTokenUpsertReplacesAndForgetsUsedSteps) {
    auto tx = begin();
    EXPECT_FALSE(tx->find_otp_token(kUser)->has_value());
    OtpToken t{kUser, OtpTokenKind::hardware, {9, 8, 7}, 60, 6, kT0};
    ASSERT_TRUE(tx->upsert_otp_token(t).ok());
    EXPECT_EQ(**tx->find_otp_token(kUser), t);
    ASSERT_TRUE(tx->record_used_otp_step(kUser, 100).ok());
    t.kind = OtpTokenKind::software;
    t.secret = {1};
    t.step_seconds = 30;
    ASSERT_TRUE(tx->upsert_otp_token(t).ok());
    EXPECT_EQ(**tx->find_otp_token(kUser), t);
    EXPECT_FALSE(tx->last_used_otp_step(kUser)->has_value());
    EXPECT_FALSE(tx->upsert_otp_token(OtpToken{PersonKey{"00009876543", "ghost"}, OtpTokenKind::software, {1}, 30, 6, kT0}).ok());
    ASSERT_TRUE(tx->delete_otp_token(kUser).ok());
    EXPECT_EQ(tx->delete_otp_token(kUser).error().code, ErrorCode::not_found);
}

TEST_F(SessionStoreTest, UsedStepsKeepTheNewestAndRefuseRepeats) {
    auto tx = begin();
    EXPECT_FALSE(tx->last_used_otp_step(kUser)->has_value());
    ASSERT_TRUE(tx->record_used_otp_step(kUser, 10).ok());
    ASSERT_TRUE(tx->record_used_otp_step(kUser, 12).ok());
    EXPECT_EQ(*tx->last_used_otp_step(kUser), std::optional<std::int64_t>(12));
    EXPECT_EQ(tx->record_used_otp_step(kUser, 12).error().code, ErrorCode::conflict);
    EXPECT_FALSE(tx->last_used_otp_step(kAdmin)->has_value());
}

TEST_F(SessionStoreTest, EnrollmentsRoundTripAndExpire) {
    auto tx = begin();
    EnrollmentRecord e{"e1", kUser, EnrollmentPhase::otp_required, kT0, kT0 + Seconds(600)};
    ASSERT_TRUE(tx->insert_enrollment(e).ok());
    EXPECT_EQ(tx->insert_enrollment(e).error().code, ErrorCode::conflict);
    EXPECT_EQ(**tx->find_enrollment("e1"), e);
    ASSERT_TRUE(tx->update_enrollment_phase("e1", EnrollmentPhase::done).ok());
    EXPECT_EQ((*tx->find_enrollment("e1"))->phase, EnrollmentPhase::done);
    EXPECT_EQ(tx->update_enrollment_phase("zz", EnrollmentPhase::ready).error().code, ErrorCode::not_found);
    ASSERT_TRUE(tx->insert_enrollment(EnrollmentRecord{"e2", kAdmin, EnrollmentPhase::ready, kT0, kT0 + Seconds(900)}).ok());
    auto n = tx->delete_expired_enrollments(kT0 + Seconds(600));
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(*n, 1);
    EXPECT_FALSE(tx->find_enrollment("e1")->has_value());
    EXPECT_TRUE(tx->find_enrollment("e2")->has_value());
}

TEST_F(SessionStoreTest, PersonHasCertificate) {
    auto tx = begin();
    EXPECT_FALSE(*tx->person_has_certificate(kUser));
    CertificateRecord c;
    c.serial_hex = "01";
    c.person = kUser;
    c.issue_number = 1;
    c.not_before = kT0;
    c.not_after = kT0 + Days(365);
    c.der = {0x30, 0x00};
    c.sha256_fingerprint_hex = "fp";
    ASSERT_TRUE(tx->insert_certificate(c).ok());
    EXPECT_TRUE(*tx->person_has_certificate(kUser));
    EXPECT_FALSE(*tx->person_has_certificate(kAdmin));
}

TEST_F(SessionStoreTest, RolledBackWritesAreGone) {
    {
        auto tx = begin();
        ASSERT_TRUE(tx->insert_session(session("a", kUser)).ok());
    }
    EXPECT_FALSE(begin(TxMode::read)->find_session("a")->has_value());
}

}  // namespace
}  // namespace kakuin::store
