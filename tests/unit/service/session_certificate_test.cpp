// SessionService: certificate login (R5, R6, R20, R23) and the certificate binding of sessions.
#include "session_fixture.h"

namespace kakuin::service::testing {
namespace {

using store::TxMode;

class SessionCertificateTest : public SessionTest {
protected:
    void SetUp() override {
        SessionTest::SetUp();
        otp_off();
    }
};

TEST_F(SessionCertificateTest, CertificateLoginRecordsFirstUseAndBindsTheSession) {
    const std::string serial = acquire(kUser);
    const ClientCertificate cert = client_cert(serial);
    auto s = sessions->login_with_certificate(cert_login(Role::user, cert));
    ASSERT_TRUE(s.ok()) << s.error().detail;
    EXPECT_EQ(s->info.state, SessionState::active);
    EXPECT_EQ(s->info.person, kUser);
    EXPECT_TRUE(s->info.via_certificate);
    EXPECT_EQ(s->info.certificate_serial, serial);
    ASSERT_TRUE(s->info.certificate_not_after.has_value());

    // R20: the first use ends the retry.
    auto slot = certs->slot(kUser);
    ASSERT_TRUE(slot.ok());
    EXPECT_EQ(slot->first_used_at, clock.now());
    EXPECT_EQ(count_kind(kUser, "certificate.first_used"), 1);
    EXPECT_EQ(certs->issue_from_csr(Actor::person(kUser), kUser, csr_der(p256.get())).error().code,
              ErrorCode::acquisition_already_used);

    // Accepted only with the same certificate.
    EXPECT_TRUE(sessions->authenticate(s->token, cert).ok());
    EXPECT_EQ(sessions->authenticate(s->token, std::nullopt).error().code, ErrorCode::session_expired);
    ClientCertificate other = cert;
    other.sha256_fingerprint_hex[0] = other.sha256_fingerprint_hex[0] == 'a' ? 'b' : 'a';
    EXPECT_EQ(sessions->authenticate(s->token, other).error().code, ErrorCode::session_expired);
    EXPECT_TRUE(sessions->authenticate(s->token, cert).ok());  // not ended by the refusals

    // A second login records no second first use.
    clock.advance(Seconds(60));
    ASSERT_TRUE(sessions->login_with_certificate(cert_login(Role::user, cert)).ok());
    EXPECT_EQ(count_kind(kUser, "certificate.first_used"), 1);
}

TEST_F(SessionCertificateTest, AdminCertificateOnAdminPortal) {
    const std::string serial = acquire(kAdmin);
    auto s = sessions->login_with_certificate(cert_login(Role::admin, client_cert(serial)));
    ASSERT_TRUE(s.ok()) << s.error().detail;
    EXPECT_EQ(s->info.person, kAdmin);
}

TEST_F(SessionCertificateTest, UnknownCertificateIsRefused) {
    const auto before = counts();
    ClientCertificate unknown{"0123456789ABCDEF", std::string(64, 'c')};
    EXPECT_EQ(sessions->login_with_certificate(cert_login(Role::user, unknown)).error().code,
              ErrorCode::certificate_required);
    // A known fingerprint with another serial is not that certificate.
    ClientCertificate mixed = client_cert(acquire(kUser));
    mixed.serial_hex = "0123456789ABCDEF";
    EXPECT_EQ(sessions->login_with_certificate(cert_login(Role::user, mixed)).error().code,
              ErrorCode::certificate_required);
    EXPECT_EQ(session_rows(), 0);
    (void)before;
}

TEST_F(SessionCertificateTest, RevokedCertificateIsRefused) {
    const ClientCertificate cert = client_cert(acquire(kUser));
    ASSERT_TRUE(certs->revoke(admin, kUser, CrlReason::key_compromise).ok());
    const auto before = counts();
    auto r = sessions->login_with_certificate(cert_login(Role::user, cert));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::certificate_revoked);
    EXPECT_EQ(counts(), before);
    // Also with a wrong PIN: the certificate is refused first, nothing is counted.
    EXPECT_EQ(sessions->login_with_certificate(cert_login(Role::user, cert, kWrongPin)).error().code,
              ErrorCode::certificate_revoked);
    EXPECT_EQ(person(kUser).failure_count, 0);
}

TEST_F(SessionCertificateTest, SupersededCertificateIsNotCurrent) {
    const std::string old_serial = acquire(kUser);
    const ClientCertificate old_cert = client_cert(old_serial);
    auto rec = certs->certificate_by_serial(old_serial);
    ASSERT_TRUE(rec.ok());
    clock.set(rec->not_after - Days(10));
    auto renewed = certs->renew(Actor::person(kUser), kUser, csr_der(p256.get()));
    ASSERT_TRUE(renewed.ok()) << renewed.error().detail;
    auto r = sessions->login_with_certificate(cert_login(Role::user, old_cert));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::certificate_not_current);
    auto ok = sessions->login_with_certificate(
        cert_login(Role::user, client_cert(renewed->certificate.serial_hex)));
    EXPECT_TRUE(ok.ok()) << ok.error().detail;
}

TEST_F(SessionCertificateTest, R20RetryLeavesTheFirstCertificateNotCurrent) {
    const ClientCertificate first = client_cert(acquire(kUser));
    auto retry = certs->issue_from_csr(Actor::person(kUser), kUser, csr_der(p256.get()));
    ASSERT_TRUE(retry.ok()) << retry.error().detail;  // before any use
    const ClientCertificate second = client_cert(retry->certificate.serial_hex);
    EXPECT_EQ(sessions->login_with_certificate(cert_login(Role::user, first)).error().code,
              ErrorCode::certificate_not_current);
    EXPECT_TRUE(sessions->login_with_certificate(cert_login(Role::user, second)).ok());
}

TEST_F(SessionCertificateTest, CertificateNotInTheSlotIsNotCurrent) {
    const std::string serial = acquire(kUser);
    const ClientCertificate cert = client_cert(serial);
    {
        // A slot that names another certificate (as if replaced without revocation).
        auto tx = store->begin(TxMode::write);
        ASSERT_TRUE(tx.ok());
        auto slot = (*tx)->load_slot_for_update(kUser);
        ASSERT_TRUE(slot.ok());
        slot->serial_hex = "00FF";
        ASSERT_TRUE((*tx)->save_slot(kUser, *slot).ok());
        ASSERT_TRUE((*tx)->commit().ok());
    }
    EXPECT_EQ(sessions->login_with_certificate(cert_login(Role::user, cert)).error().code,
              ErrorCode::certificate_not_current);
}

TEST_F(SessionCertificateTest, ExpiredCertificateTellsWhomToAsk) {
    const ClientCertificate user_cert = client_cert(acquire(kUser));
    const ClientCertificate admin_cert = client_cert(acquire(kAdmin));
    auto rec = certs->certificate_by_serial(user_cert.serial_hex);
    ASSERT_TRUE(rec.ok());
    clock.set(rec->not_after + Days(1));
    auto u = sessions->login_with_certificate(cert_login(Role::user, user_cert));
    ASSERT_FALSE(u.ok());
    EXPECT_EQ(u.error().code, ErrorCode::certificate_expired);
    EXPECT_NE(u.error().detail_ja.find("管理者に電子証明書の再発行を依頼してください"), std::string::npos);
    auto a = sessions->login_with_certificate(cert_login(Role::admin, admin_cert));
    ASSERT_FALSE(a.ok());
    EXPECT_EQ(a.error().code, ErrorCode::certificate_expired);
    EXPECT_NE(a.error().detail_ja.find("お取引店にお問い合わせください"), std::string::npos);
}

TEST_F(SessionCertificateTest, WrongPortalSaysWhoseCertificateItIs) {
    const ClientCertificate admin_cert = client_cert(acquire(kAdmin));
    const ClientCertificate user_cert = client_cert(acquire(kUser));
    auto r = sessions->login_with_certificate(cert_login(Role::user, admin_cert));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::certificate_wrong_role);
    EXPECT_NE(r.error().detail_ja.find("管理者用"), std::string::npos);
    auto r2 = sessions->login_with_certificate(cert_login(Role::admin, user_cert));
    ASSERT_FALSE(r2.ok());
    EXPECT_EQ(r2.error().code, ErrorCode::certificate_wrong_role);
    EXPECT_NE(r2.error().detail_ja.find("利用者用"), std::string::npos);
    EXPECT_EQ(session_rows(), 0);
}

TEST_F(SessionCertificateTest, WrongPinWithCertificateIsCountedAndUseNotRecorded) {
    const ClientCertificate cert = client_cert(acquire(kUser));
    auto r = sessions->login_with_certificate(cert_login(Role::user, cert, kWrongPin));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::pin_incorrect);
    EXPECT_EQ(person(kUser).failure_count, 1);
    EXPECT_EQ(count_kind(kUser, "auth.failed", "pin_incorrect"), 1);
    auto slot = certs->slot(kUser);
    ASSERT_TRUE(slot.ok());
    EXPECT_FALSE(slot->first_used_at.has_value());
    EXPECT_EQ(session_rows(), 0);
}

TEST_F(SessionCertificateTest, FirstUseIsRecordedWhenTheOtpStepCompletes) {
    policy.user_otp_every_login = true;
    register_token(kUser);
    const ClientCertificate cert = client_cert(acquire(kUser));
    auto s = sessions->login_with_certificate(cert_login(Role::user, cert));
    ASSERT_TRUE(s.ok()) << s.error().detail;
    EXPECT_EQ(s->info.state, SessionState::otp_required);
    EXPECT_FALSE(certs->slot(kUser)->first_used_at.has_value());
    auto active = sessions->submit_otp(s->token, code(kUser), "x");
    ASSERT_TRUE(active.ok()) << active.error().detail;
    EXPECT_TRUE(active->via_certificate);
    EXPECT_EQ(certs->slot(kUser)->first_used_at, clock.now());
}

TEST_F(SessionCertificateTest, SessionEndsWhenTheCertificateExpires) {
    const ClientCertificate cert = client_cert(acquire(kUser));
    auto s = sessions->login_with_certificate(cert_login(Role::user, cert));
    ASSERT_TRUE(s.ok());
    const TimePoint not_after = *s->info.certificate_not_after;
    policy.session_idle_seconds = 1 << 30;  // only the expiry can end it here
    clock.set(not_after - Seconds(1));
    EXPECT_TRUE(sessions->authenticate(s->token, cert).ok());
    clock.set(not_after);
    EXPECT_EQ(sessions->authenticate(s->token, cert).error().code, ErrorCode::session_expired);
}

}  // namespace
}  // namespace kakuin::service::testing
