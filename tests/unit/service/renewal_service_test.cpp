// RenewalService (R22, R23): renewal by the holder inside the window, the sessions it ends,
// the refusals and their codes, nothing written on a refusal; and the renewal window facts.
#include "service/renewal_service.h"

#include "session_fixture.h"

namespace kakuin::service::testing {
namespace {

class RenewalServiceTest : public SessionTest {
protected:
    void SetUp() override {
        SessionTest::SetUp();
        otp_off();
        renewals = std::make_unique<RenewalService>(*ctx, *certs);
    }

    // Acquires for `who`, logs on with the certificate and returns the session.
    NewSession logged_on(const PersonKey& who, std::string& serial) {
        serial = acquire(who);
        auto s = sessions->login_with_certificate(cert_login(who.role(), client_cert(serial)));
        EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().detail);
        return s.ok() ? *s : NewSession{};
    }

    // A fresh certificate logon of `who` with `serial` (after the clock moved past the idle
    // timeout of earlier sessions); its session info.
    SessionInfo logon_again(const PersonKey& who, const std::string& serial) {
        auto s = sessions->login_with_certificate(cert_login(who.role(), client_cert(serial)));
        EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().detail);
        token = s.ok() ? s->token : std::string();
        return s.ok() ? s->info : SessionInfo{};
    }

    // Moves the clock to `days` before the certificate's expiry.
    void days_before_expiry(const std::string& serial, int days) {
        auto c = certs->certificate_by_serial(serial);
        ASSERT_TRUE(c.ok());
        clock.set(c->not_after - Days(days));
    }

    std::unique_ptr<RenewalService> renewals;
    std::string token;  // of the last logon_again
};

TEST(RenewalWindowTest, OpensWindowDaysBeforeExpiryAndClosesAtExpiry) {
    CertificatePolicy p;
    p.renewal_window_days = 30;
    const TimePoint end = from_unix(1800000000);
    auto before = renewal_window(end, p, end - Days(30) - Seconds(1));
    EXPECT_FALSE(before.open);
    EXPECT_EQ(before.days_left, 30);
    EXPECT_EQ(before.opens_at, end - Days(30));
    auto first = renewal_window(end, p, end - Days(30));
    EXPECT_TRUE(first.open);
    EXPECT_EQ(first.days_left, 30);
    auto last = renewal_window(end, p, end - Seconds(1));
    EXPECT_TRUE(last.open);
    EXPECT_EQ(last.days_left, 0);
    auto after = renewal_window(end, p, end);
    EXPECT_FALSE(after.open);
    EXPECT_EQ(after.days_left, 0);
    EXPECT_EQ(renewal_window(end, p, end + Days(2)).days_left, -2);
    p.renewal_window_days = 40;
    EXPECT_TRUE(renewal_window(end, p, end - Days(35)).open);
}

TEST(ExpiredCertificateErrorTest, UserAsksTheAdministratorAdministratorAsksTheBank) {
    const Error user = expired_certificate_error(Role::user);
    EXPECT_EQ(user.code, ErrorCode::certificate_expired);
    EXPECT_NE(user.detail_ja.find("管理者に電子証明書の再発行を依頼してください"), std::string::npos);
    EXPECT_NE(user.detail.find("administrator"), std::string::npos);
    const Error admin = expired_certificate_error(Role::admin);
    EXPECT_EQ(admin.code, ErrorCode::certificate_expired);
    EXPECT_NE(admin.detail_ja.find("お取引店に"), std::string::npos);
    EXPECT_EQ(admin.detail_ja.find("管理者に"), std::string::npos);
    EXPECT_NE(admin.detail.find("bank"), std::string::npos);
}

TEST_F(RenewalServiceTest, RenewsInsideTheWindowAndEndsEverySessionOfThePerson) {
    std::string old_serial;
    NewSession s = logged_on(kUser, old_serial);
    days_before_expiry(old_serial, 10);
    // A second session of the person (ID/PIN is not possible any more: another cert login).
    auto second = sessions->login_with_certificate(cert_login(Role::user, client_cert(old_serial)));
    ASSERT_TRUE(second.ok());
    auto info = sessions->authenticate(second->token, client_cert(old_serial));
    ASSERT_TRUE(info.ok());
    const auto before_slot = certs->slot(kUser);
    ASSERT_TRUE(before_slot.ok());

    auto r = renewals->renew(*info, client_cert(old_serial), csr_der(p256.get()), "192.0.2.60");
    ASSERT_TRUE(r.ok()) << r.error().detail;
    EXPECT_EQ(r->replaced_serial, old_serial);
    EXPECT_GE(r->sessions_ended, 1);
    EXPECT_EQ(r->issued.issue_number, before_slot->issue_number);  // renewal keeps the number
    EXPECT_NE(r->issued.certificate.serial_hex, old_serial);
    EXPECT_EQ(r->issued.certificate.not_after, clock.now() + Days(policy.certificate.validity_days));
    EXPECT_FALSE(r->issued.chain_pem.empty());
    EXPECT_EQ(session_rows(), 0);
    EXPECT_EQ(sessions->authenticate(second->token, client_cert(old_serial)).error().code,
              ErrorCode::session_expired);
    EXPECT_EQ(sessions->authenticate(s.token, client_cert(old_serial)).error().code,
              ErrorCode::session_expired);

    // The old certificate is superseded: its logon says to choose the new one.
    auto old = certs->certificate_by_serial(old_serial);
    ASSERT_TRUE(old.ok());
    EXPECT_EQ(old->status_at(clock.now()), CertificateStatus::superseded);
    auto refused = sessions->login_with_certificate(cert_login(Role::user, client_cert(old_serial)));
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::certificate_not_current);
    // The new one logs on.
    auto fresh = sessions->login_with_certificate(
        cert_login(Role::user, client_cert(r->issued.certificate.serial_hex)));
    ASSERT_TRUE(fresh.ok()) << fresh.error().detail;
    EXPECT_EQ(count_kind(kUser, "certificate.renewed"), 1);
    EXPECT_GE(count_kind(kUser, "logout"), 1);
}

TEST_F(RenewalServiceTest, AdministratorRenewsTheSameWay) {
    std::string serial;
    logged_on(kAdmin, serial);
    days_before_expiry(serial, 1);
    auto again = sessions->login_with_certificate(cert_login(Role::admin, client_cert(serial)));
    ASSERT_TRUE(again.ok());
    auto r = renewals->renew(again->info, client_cert(serial), csr_der(p256.get()), "");
    ASSERT_TRUE(r.ok()) << r.error().detail;
    EXPECT_EQ(count_kind(kAdmin, "certificate.renewed"), 1);
}

TEST_F(RenewalServiceTest, OutsideTheWindowNothingIsWritten) {
    std::string serial;
    NewSession s = logged_on(kUser, serial);
    days_before_expiry(serial, policy.certificate.renewal_window_days + 1);
    auto info = std::optional<SessionInfo>(logon_again(kUser, serial));
    (void)s;
    const auto before = counts();
    auto r = renewals->renew(*info, client_cert(serial), csr_der(p256.get()), "");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::not_in_renewal_window);
    EXPECT_EQ(counts(), before);
    EXPECT_TRUE(sessions->authenticate(token, client_cert(serial)).ok());
}

TEST_F(RenewalServiceTest, BadCsrIsRefusedBeforeTheStore) {
    std::string serial;
    NewSession s = logged_on(kUser, serial);
    days_before_expiry(serial, 5);
    auto info = std::optional<SessionInfo>(logon_again(kUser, serial));
    (void)s;
    const auto before = counts();
    const std::string garbage = "not a csr";
    auto r = renewals->renew(*info, client_cert(serial),
                             {reinterpret_cast<const std::uint8_t*>(garbage.data()), garbage.size()}, "");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::csr_invalid);
    auto weak = make_key("RSA", 1024);
    r = renewals->renew(*info, client_cert(serial), csr_der(weak.get()), "");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::key_too_weak);
    EXPECT_EQ(counts(), before);
}

TEST_F(RenewalServiceTest, NeedsTheSessionsOwnCertificateStillCurrent) {
    std::string serial;
    NewSession s = logged_on(kUser, serial);
    days_before_expiry(serial, 5);
    auto info = std::optional<SessionInfo>(logon_again(kUser, serial));
    (void)s;
    // No certificate on the request, or an ID/PIN session.
    EXPECT_EQ(renewals->renew(*info, std::nullopt, csr_der(p256.get()), "").error().code,
              ErrorCode::certificate_required);
    SessionInfo pin_session = *info;
    pin_session.via_certificate = false;
    pin_session.certificate_serial.clear();
    EXPECT_EQ(renewals->renew(pin_session, client_cert(serial), csr_der(p256.get()), "").error().code,
              ErrorCode::certificate_required);
    // Another certificate than the session's.
    ClientCertificate other = client_cert(serial);
    other.serial_hex = "0ABC";
    EXPECT_EQ(renewals->renew(*info, other, csr_der(p256.get()), "").error().code,
              ErrorCode::session_expired);
    // The OTP step still to come.
    SessionInfo pending = *info;
    pending.state = SessionState::otp_required;
    EXPECT_EQ(renewals->renew(pending, client_cert(serial), csr_der(p256.get()), "").error().code,
              ErrorCode::forbidden);
    // The administrator reissued meanwhile: the session's certificate is no longer current.
    ASSERT_TRUE(certs->reissue(admin, kUser).ok());
    const auto before = counts();
    EXPECT_EQ(renewals->renew(*info, client_cert(serial), csr_der(p256.get()), "").error().code,
              ErrorCode::certificate_not_current);
    EXPECT_EQ(counts(), before);
}

TEST_F(RenewalServiceTest, ExpiredAndSuspendedAreRefused) {
    std::string serial;
    NewSession s = logged_on(kUser, serial);
    days_before_expiry(serial, 3);
    auto info = std::optional<SessionInfo>(logon_again(kUser, serial));
    (void)s;
    auto c = certs->certificate_by_serial(serial);
    ASSERT_TRUE(c.ok());
    clock.set(c->not_after + Seconds(1));
    auto r = renewals->renew(*info, client_cert(serial), csr_der(p256.get()), "");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::certificate_expired);
    EXPECT_NE(r.error().detail_ja.find("管理者に電子証明書の再発行を依頼してください"), std::string::npos);
    // The logon says the same (R23), with the administrator's message for the administrator.
    auto login = sessions->login_with_certificate(cert_login(Role::user, client_cert(serial)));
    ASSERT_FALSE(login.ok());
    EXPECT_EQ(login.error().code, ErrorCode::certificate_expired);
    EXPECT_NE(login.error().detail_ja.find("管理者に電子証明書の再発行を依頼してください"), std::string::npos);

    clock.set(c->not_after - Days(3));
    {
        auto tx = store->begin(store::TxMode::write);
        ASSERT_TRUE(tx.ok());
        ASSERT_TRUE((*tx)->update_contract_flags(kContract, true, false).ok());
        ASSERT_TRUE((*tx)->commit().ok());
    }
    EXPECT_EQ(renewals->renew(*info, client_cert(serial), csr_der(p256.get()), "").error().code,
              ErrorCode::contract_suspended);
}

}  // namespace
}  // namespace kakuin::service::testing
