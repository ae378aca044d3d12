// EnrollmentService: acquisition by contract ID + user ID + PIN, OTP, CSR (R20, R24).
#include "session_fixture.h"

namespace kakuin::service::testing {
namespace {

class EnrollmentTest : public SessionTest {
protected:
    void SetUp() override {
        SessionTest::SetUp();
        register_token(kUser);
        register_token(kAdmin);
    }

    EnrollmentStart start_for(const PersonKey& who, const std::string& pin = kPin) {
        return EnrollmentStart{who.contract_id, who.user_id, pin, "192.0.2.60"};
    }

    void register_issuance(const PersonKey& who) {
        auto r = certs->register_issuance(who.role() == Role::admin ? bank : admin, who);
        ASSERT_TRUE(r.ok()) << r.error().detail;
    }

    // Start + OTP: an enrollment ready for its CSR.
    std::string ready_enrollment(const PersonKey& who) {
        auto e = enrollments->start(start_for(who));
        EXPECT_TRUE(e.ok()) << e.error().detail;
        if (!e.ok()) return "";
        auto o = enrollments->submit_otp(e->enrollment_id, code(who), "192.0.2.60");
        EXPECT_TRUE(o.ok()) << o.error().detail;
        clock.advance(Seconds(policy.otp_step_seconds));  // the next code for the next test step
        return e->enrollment_id;
    }
};

TEST_F(EnrollmentTest, HappyPathWithOtp) {
    register_issuance(kUser);
    auto e = enrollments->start(start_for(kUser));
    ASSERT_TRUE(e.ok()) << e.error().detail;
    EXPECT_EQ(e->enrollment_id.size(), auth::kTokenChars);
    EXPECT_EQ(e->info.state, EnrollmentStep::otp_required);
    EXPECT_EQ(e->info.expires_at, clock.now() + Seconds(600));
    EXPECT_EQ(e->info.key_types, policy.certificate.allowed_key_types);
    EXPECT_EQ(e->info.default_key_type, policy.certificate.default_client_key_type);
    EXPECT_EQ(count_kind(kUser, "enrollment.started"), 1);
    EXPECT_EQ(table_rows("enrollments"), 1);

    // The store keeps only the ID's hash.
    auto hash = auth::session_token_hash(e->enrollment_id);
    ASSERT_TRUE(hash.ok());
    auto rec = read()->find_enrollment(*hash);
    ASSERT_TRUE(rec.ok() && rec->has_value());

    // The CSR before the OTP is refused.
    EXPECT_EQ(enrollments->submit_csr(e->enrollment_id, csr_der(p256.get()), "x").error().code,
              ErrorCode::forbidden);

    auto o = enrollments->submit_otp(e->enrollment_id, code(kUser), "192.0.2.60");
    ASSERT_TRUE(o.ok()) << o.error().detail;
    EXPECT_EQ(o->state, EnrollmentStep::csr_required);
    EXPECT_EQ(enrollments->submit_otp(e->enrollment_id, code(kUser, 1), "x").error().code,
              ErrorCode::invalid_request);

    const std::string pem = csr_pem(p256.get());
    auto issued = enrollments->submit_csr(
        e->enrollment_id, std::span(reinterpret_cast<const std::uint8_t*>(pem.data()), pem.size()),
        "192.0.2.60");
    ASSERT_TRUE(issued.ok()) << issued.error().detail;
    EXPECT_EQ(issued->issue_number, 1);
    EXPECT_FALSE(issued->chain_pem.empty());
    auto slot = certs->slot(kUser);
    ASSERT_TRUE(slot.ok());
    EXPECT_EQ(slot->phase, SlotPhase::issued);
    EXPECT_EQ(slot->serial_hex, issued->certificate.serial_hex);
    EXPECT_EQ(count_kind(kUser, "certificate.issued"), 1);

    // Single use.
    const auto before = counts();
    EXPECT_EQ(enrollments->submit_csr(e->enrollment_id, csr_der(p256.get()), "x").error().code,
              ErrorCode::not_found);
    EXPECT_EQ(enrollments->submit_otp(e->enrollment_id, code(kUser), "x").error().code,
              ErrorCode::not_found);
    EXPECT_EQ(counts(), before);
}

TEST_F(EnrollmentTest, WithoutOtpPolicyTheCsrComesNext) {
    otp_off();
    register_issuance(kUser);
    auto e = enrollments->start(start_for(kUser));
    ASSERT_TRUE(e.ok()) << e.error().detail;
    EXPECT_EQ(e->info.state, EnrollmentStep::csr_required);
    EXPECT_TRUE(enrollments->submit_csr(e->enrollment_id, csr_der(p256.get()), "x").ok());
}

TEST_F(EnrollmentTest, AdministratorAcquiresWithoutUserId) {
    register_issuance(kAdmin);
    const std::string id = ready_enrollment(kAdmin);
    auto issued = enrollments->submit_csr(id, csr_der(p256.get()), "x");
    ASSERT_TRUE(issued.ok()) << issued.error().detail;
    EXPECT_EQ(certs->slot(kAdmin)->phase, SlotPhase::issued);
}

TEST_F(EnrollmentTest, SubmitSignedStoresTheGivenCertificateForTheEnrollmentsPerson) {
    register_issuance(kUser);
    const std::string id = ready_enrollment(kUser);
    auto checked = pki::check_csr(csr_der(p256.get()), policy.certificate.allowed_key_types);
    ASSERT_TRUE(checked.ok()) << checked.error().detail;
    PersonKey asked_for;
    std::string presigned_serial;
    auto issued = enrollments->submit_signed(
        id,
        [&](const PersonKey& person, TimePoint now) -> Result<EnrollmentService::Signed> {
            asked_for = person;
            KAKUIN_TRY(pki::IssuedCertificate c, certs->presign(person, *checked, now));
            presigned_serial = c.serial_hex;
            return EnrollmentService::Signed{*checked, std::move(c)};
        },
        "x");
    ASSERT_TRUE(issued.ok()) << issued.error().detail;
    EXPECT_EQ(asked_for, kUser);
    EXPECT_EQ(issued->certificate.serial_hex, presigned_serial);
    EXPECT_EQ(certs->slot(kUser)->serial_hex, presigned_serial);
    // A failing sign step writes nothing: the slot keeps the first certificate.
    const std::string other = ready_enrollment(kUser);
    auto refused = enrollments->submit_signed(
        other,
        [](const PersonKey&, TimePoint) -> Result<EnrollmentService::Signed> {
            return make_error(ErrorCode::csr_invalid, "test");
        },
        "x");
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::csr_invalid);
    EXPECT_EQ(certs->slot(kUser)->serial_hex, presigned_serial);
}

TEST_F(EnrollmentTest, NothingRegisteredIsRefusedAfterThePin) {
    const auto before = counts();
    auto r = enrollments->start(start_for(kUser));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::acquisition_not_registered);
    EXPECT_EQ(counts(), before);
    EXPECT_EQ(table_rows("enrollments"), 0);
    // Without the PIN the slot's state is not revealed.
    EXPECT_EQ(enrollments->start(start_for(kUser, kWrongPin)).error().code, ErrorCode::pin_incorrect);
}

TEST_F(EnrollmentTest, DeadlinePassedAtStart) {
    register_issuance(kUser);
    clock.advance(Days(policy.certificate.acquisition_deadline_days) + Seconds(1));
    EXPECT_EQ(enrollments->start(start_for(kUser)).error().code,
              ErrorCode::acquisition_deadline_passed);
}

TEST_F(EnrollmentTest, DeadlinePassingBeforeTheCsrFinishesTheEnrollment) {
    register_issuance(kUser);
    const TimePoint deadline = *certs->slot(kUser)->acquisition_deadline;
    clock.set(deadline - Seconds(120));
    const std::string id = ready_enrollment(kUser);
    clock.set(deadline + Seconds(1));
    const auto before = counts();
    EXPECT_EQ(enrollments->submit_csr(id, csr_der(p256.get()), "x").error().code,
              ErrorCode::acquisition_deadline_passed);
    EXPECT_EQ(counts(), before);
    EXPECT_EQ(certs->slot(kUser)->phase, SlotPhase::registered);
    EXPECT_EQ(enrollments->submit_csr(id, csr_der(p256.get()), "x").error().code, ErrorCode::not_found);
}

TEST_F(EnrollmentTest, AlreadyUsedCertificateCannotBeAcquiredAgain) {
    const std::string serial = acquire(kUser);
    ASSERT_TRUE(certs->record_use(Actor::person(kUser), kUser, serial).ok());
    EXPECT_EQ(enrollments->start(start_for(kUser)).error().code, ErrorCode::acquisition_already_used);
}

TEST_F(EnrollmentTest, R20RetryIssuesANewCertificateAndRevokesTheOld) {
    register_issuance(kUser);
    auto first = enrollments->submit_csr(ready_enrollment(kUser), csr_der(p256.get()), "x");
    ASSERT_TRUE(first.ok()) << first.error().detail;
    // The app stopped half-way: the certificate was never used. Retry before the deadline.
    // (ID/PIN login would be certificate_login_only; acquisition is still allowed.)
    auto second = enrollments->submit_csr(ready_enrollment(kUser), csr_der(p256.get()), "x");
    ASSERT_TRUE(second.ok()) << second.error().detail;
    EXPECT_NE(second->certificate.serial_hex, first->certificate.serial_hex);
    auto old = certs->certificate_by_serial(first->certificate.serial_hex);
    ASSERT_TRUE(old.ok());
    EXPECT_TRUE(old->revoked_at.has_value());
    EXPECT_EQ(certs->slot(kUser)->serial_hex, second->certificate.serial_hex);
}

TEST_F(EnrollmentTest, RetryStartedBeforeTheFirstUseIsRefusedAtCsrAfterIt) {
    register_issuance(kUser);
    auto first = enrollments->submit_csr(ready_enrollment(kUser), csr_der(p256.get()), "x");
    ASSERT_TRUE(first.ok());
    const std::string retry = ready_enrollment(kUser);
    ASSERT_TRUE(certs->record_use(Actor::person(kUser), kUser, first->certificate.serial_hex).ok());
    EXPECT_EQ(enrollments->submit_csr(retry, csr_der(p256.get()), "x").error().code,
              ErrorCode::acquisition_already_used);
}

TEST_F(EnrollmentTest, EnrollmentIdExpiresAfterTenMinutes) {
    register_issuance(kUser);
    const std::string id = ready_enrollment(kUser);  // advanced one OTP step
    clock.advance(Seconds(600 - policy.otp_step_seconds - 1));
    const auto before = counts();
    clock.advance(Seconds(1));
    EXPECT_EQ(enrollments->submit_csr(id, csr_der(p256.get()), "x").error().code, ErrorCode::not_found);
    EXPECT_EQ(counts(), before);
}

TEST_F(EnrollmentTest, UnusableIdsAreNotFound) {
    for (std::string id : {std::string(), std::string("abc"), std::string(43, 'A')}) {
        EXPECT_EQ(enrollments->submit_otp(id, "123456", "x").error().code, ErrorCode::not_found);
        EXPECT_EQ(enrollments->submit_csr(id, csr_der(p256.get()), "x").error().code,
                  ErrorCode::not_found);
    }
}

TEST_F(EnrollmentTest, BadCsrWritesNothingAndKeepsTheEnrollment) {
    register_issuance(kUser);
    const std::string id = ready_enrollment(kUser);
    const auto before = counts();
    const std::vector<std::uint8_t> junk{0x30, 0x03, 0x02, 0x01, 0x00};
    auto r = enrollments->submit_csr(id, junk, "x");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::csr_invalid);
    auto weak = make_key("RSA", 1024);
    EXPECT_EQ(enrollments->submit_csr(id, csr_der(weak.get()), "x").error().code,
              ErrorCode::key_too_weak);
    EXPECT_EQ(counts(), before);
    EXPECT_TRUE(enrollments->submit_csr(id, csr_der(p256.get()), "x").ok());
}

TEST_F(EnrollmentTest, WrongPinsCountAndLock) {
    register_issuance(kUser);
    policy.lockout_threshold = 2;
    EXPECT_EQ(enrollments->start(start_for(kUser, kWrongPin)).error().code, ErrorCode::pin_incorrect);
    EXPECT_EQ(person(kUser).failure_count, 1);
    EXPECT_EQ(enrollments->start(start_for(kUser, kWrongPin)).error().code, ErrorCode::locked);
    EXPECT_TRUE(person(kUser).locked);
    EXPECT_EQ(count_kind(kUser, "auth.failed", "pin_incorrect"), 2);
    EXPECT_EQ(count_kind(kUser, "person.locked"), 1);
    EXPECT_EQ(enrollments->start(start_for(kUser)).error().code, ErrorCode::locked);
    EXPECT_EQ(table_rows("enrollments"), 0);
}

TEST_F(EnrollmentTest, WrongAndReusedOtpsCount) {
    register_issuance(kUser);
    auto e = enrollments->start(start_for(kUser));
    ASSERT_TRUE(e.ok());
    EXPECT_EQ(enrollments->submit_otp(e->enrollment_id, "000000", "x").error().code,
              ErrorCode::otp_incorrect);
    EXPECT_EQ(person(kUser).failure_count, 1);
    // A code accepted by a login is not accepted again by an acquisition.
    const std::string c = code(kUser);
    policy.user_otp_every_login = true;
    {
        auto s = enrollments->start(start_for(kUser));
        ASSERT_TRUE(s.ok());
        ASSERT_TRUE(enrollments->submit_otp(s->enrollment_id, c, "x").ok());
    }
    EXPECT_EQ(person(kUser).failure_count, 0);
    EXPECT_EQ(enrollments->submit_otp(e->enrollment_id, c, "x").error().code, ErrorCode::otp_reused);
    EXPECT_EQ(person(kUser).failure_count, 1);
    EXPECT_EQ(count_kind(kUser, "auth.failed", "otp_reused"), 1);
}

TEST_F(EnrollmentTest, UnknownPersonAndBadInput) {
    register_issuance(kUser);
    const auto before = counts();
    EXPECT_EQ(enrollments->start(EnrollmentStart{kContract, "nobody", kPin, "x"}).error().code,
              ErrorCode::pin_incorrect);
    EXPECT_EQ(enrollments->start(EnrollmentStart{"00000000001", "", kPin, "x"}).error().code,
              ErrorCode::pin_incorrect);
    EXPECT_EQ(enrollments->start(EnrollmentStart{"1", "", kPin, "x"}).error().code,
              ErrorCode::invalid_request);
    EXPECT_EQ(enrollments->start(EnrollmentStart{kContract, "no way!", kPin, "x"}).error().code,
              ErrorCode::invalid_request);
    EXPECT_EQ(counts(), before);
}

TEST_F(EnrollmentTest, NoTokenWhileOtpRequiredIsForbidden) {
    register_issuance(kUser);
    {
        auto tx = store->begin(store::TxMode::write);
        ASSERT_TRUE((*tx)->delete_otp_token(kUser).ok());
        ASSERT_TRUE((*tx)->commit().ok());
    }
    auto r = enrollments->start(start_for(kUser));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::forbidden);
    EXPECT_EQ(table_rows("enrollments"), 0);
}

TEST_F(EnrollmentTest, SuspendedContractRefusesStartAndCsr) {
    register_issuance(kUser);
    const std::string id = ready_enrollment(kUser);
    ASSERT_TRUE(contracts->set_contract_flags(bank, kContract, true, false).ok());
    EXPECT_EQ(enrollments->start(start_for(kUser)).error().code, ErrorCode::contract_suspended);
    EXPECT_EQ(enrollments->submit_csr(id, csr_der(p256.get()), "x").error().code,
              ErrorCode::contract_suspended);
    EXPECT_EQ(certs->slot(kUser)->phase, SlotPhase::registered);
}

}  // namespace
}  // namespace kakuin::service::testing
