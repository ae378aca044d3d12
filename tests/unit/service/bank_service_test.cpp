#include "auth/base32.h"
#include "auth/pin_hash.h"
#include "auth/pin_policy.h"
#include "user_admin_fixture.h"

namespace kakuin::service::testing {
namespace {

class Bank : public UserAdminTest {};

ContractInput input(const std::string& id, LoginMethod m) {
    ContractInput in;
    in.contract_id = id;
    in.name = "株式会社かくいん";
    in.name_kana = "ｶﾌﾞｼｷｶﾞｲｼｬｶｸｲﾝ";
    in.login_method = m;
    return in;
}

TEST_F(Bank, CreateIdPinContractPrintsPolicyConformantPinsAndToken) {
    ContractInput in = input(kContract, LoginMethod::id_pin);
    in.upper_limits[BusinessService::bulk_transfer] = {9'999'999'999, 9'999'999'999};
    auto r = bank_service->create_contract(bank, in);
    ASSERT_TRUE(r.ok()) << r.error().detail;
    EXPECT_TRUE(auth::check_new_pin(policy.pin, {r->admin_login_pin, r->admin_login_pin, kContract, ""}).ok());
    EXPECT_TRUE(auth::check_new_pin(policy.pin, {r->admin_confirmation_pin, r->admin_confirmation_pin,
                                                 kContract, ""}).ok());
    EXPECT_NE(r->admin_login_pin, r->admin_confirmation_pin);
    Person admin_person = person(kAdmin);
    EXPECT_TRUE(auth::verify_pin(r->admin_login_pin, admin_person.login_pin_hash).ok());
    EXPECT_TRUE(auth::verify_pin(r->admin_confirmation_pin, admin_person.confirmation_pin_hash).ok());
    EXPECT_EQ(r->admin_otpauth_uri.rfind("otpauth://totp/", 0), 0u);
    EXPECT_NE(r->admin_otpauth_uri.find("secret=" + r->admin_totp_secret_base32), std::string::npos);
    auto token = read()->find_otp_token(kAdmin);
    ASSERT_TRUE(token.ok() && token->has_value());
    auto secret = auth::base32_decode(r->admin_totp_secret_base32);
    ASSERT_TRUE(secret.ok());
    EXPECT_EQ((*token)->secret, *secret);
    EXPECT_FALSE(r->admin_certificate.has_value());
    EXPECT_EQ(slot_of(kAdmin).phase, SlotPhase::none);
    auto limits = bank_service->contract_limits(kContract);
    ASSERT_TRUE(limits.ok());
    EXPECT_EQ(*limits, in.upper_limits);
    auto perms = read()->load_permissions(kAdmin);
    ASSERT_TRUE(perms.ok());
    EXPECT_EQ(*perms, Permissions::all_allowed());
    auto h = all_history();
    ASSERT_FALSE(h.empty());
    for (const auto& rec : h) {
        EXPECT_EQ(rec.actor, "bank:staff1");
        EXPECT_EQ(rec.detail.find(r->admin_login_pin), std::string::npos);
        EXPECT_EQ(rec.detail.find(r->admin_totp_secret_base32), std::string::npos);
    }
}

TEST_F(Bank, CreateCertificateContractRegistersTheAdministratorsIssuance) {
    auto r = bank_service->create_contract(bank, input(kContract, LoginMethod::certificate));
    ASSERT_TRUE(r.ok()) << r.error().detail;
    ASSERT_TRUE(r->admin_certificate.has_value());
    EXPECT_EQ(r->admin_certificate->issue_number, 1);
    EXPECT_EQ(r->admin_certificate->acquisition_deadline, clock.now() + Days(80));
    EXPECT_EQ(slot_of(kAdmin).status_at(clock.now()), SlotStatus::registered);
    EXPECT_EQ(r->contract.login_method, LoginMethod::certificate);
}

TEST_F(Bank, LettersAndDigitsPolicyGivesMixedPins) {
    policy.pin = PinPolicy{6, 12, true};
    auto r = bank_service->create_contract(bank, input(kContract, LoginMethod::id_pin));
    ASSERT_TRUE(r.ok()) << r.error().detail;
    EXPECT_TRUE(auth::check_new_pin(policy.pin, {r->admin_login_pin, r->admin_login_pin, kContract, ""}).ok());
}

TEST_F(Bank, CreateRefusesBadInputAndDuplicates) {
    ASSERT_TRUE(bank_service->create_contract(bank, input(kContract, LoginMethod::id_pin)).ok());
    const auto before = counts();
    auto dup = bank_service->create_contract(bank, input(kContract, LoginMethod::certificate));
    ASSERT_FALSE(dup.ok());
    EXPECT_EQ(dup.error().code, ErrorCode::conflict);
    EXPECT_NE(dup.error().detail_ja.find("既に登録"), std::string::npos);
    for (const char* bad : {"", "1234567890", "123456789012", "0000987654a"}) {
        auto r = bank_service->create_contract(bank, input(bad, LoginMethod::id_pin));
        ASSERT_FALSE(r.ok()) << bad;
        EXPECT_EQ(r.error().code, ErrorCode::invalid_request) << bad;
    }
    ContractInput in = input("00000000002", LoginMethod::id_pin);
    in.name_kana = "カブシキガイシャ";  // full-width
    EXPECT_EQ(bank_service->create_contract(bank, in).error().code, ErrorCode::invalid_request);
    in = input("00000000002", LoginMethod::id_pin);
    in.name = "";
    EXPECT_EQ(bank_service->create_contract(bank, in).error().code, ErrorCode::invalid_request);
    in = input("00000000002", LoginMethod::id_pin);
    in.upper_limits[BusinessService::payroll] = {kMaxLimitYen + 1, 0};
    EXPECT_EQ(bank_service->create_contract(bank, in).error().code, ErrorCode::invalid_request);
    EXPECT_EQ(counts(), before);
}

TEST_F(Bank, UnlockAdministrator) {
    create_contract();
    Person a = person(kAdmin);
    a.locked = true;
    a.failure_count = 6;
    ASSERT_TRUE(contracts->update_person(bank, a, history_kind::user_changed, "test lock").ok());
    ASSERT_TRUE(bank_service->unlock_admin(bank, kContract).ok());
    EXPECT_FALSE(person(kAdmin).locked);
    EXPECT_EQ(person(kAdmin).failure_count, 0);
    EXPECT_EQ(all_history().front().kind, admin_history_kind::person_unlocked);
    EXPECT_EQ(bank_service->unlock_admin(bank, "00000000002").error().code, ErrorCode::not_found);
    EXPECT_EQ(bank_service->unlock_admin(bank, "bad").error().code, ErrorCode::invalid_request);
}

TEST_F(Bank, ReissueAdministratorCertificateFromThePaperRequest) {
    create_contract();
    const std::string old_serial = acquire(kAdmin);
    auto r = bank_service->reissue_admin_certificate(bank, kContract, "REQ-2026-001");
    ASSERT_TRUE(r.ok()) << r.error().detail;
    EXPECT_EQ(r->issue_number, 2);
    EXPECT_EQ(r->status_at(clock.now()), SlotStatus::registered);
    auto old = read()->find_certificate_by_serial(old_serial);
    ASSERT_TRUE(old.ok() && old->has_value());
    EXPECT_TRUE((*old)->revoked_at.has_value());
    auto h = all_history();
    EXPECT_EQ(h.front().kind, history_kind::certificate_reissued);
    EXPECT_NE(h.front().detail.find("REQ-2026-001"), std::string::npos);
    const auto before = counts();
    EXPECT_EQ(bank_service->reissue_admin_certificate(bank, kContract, "").error().code,
              ErrorCode::invalid_request);
    EXPECT_EQ(bank_service->reissue_admin_certificate(bank, kContract, "a b").error().code,
              ErrorCode::invalid_request);
    EXPECT_EQ(bank_service->reissue_admin_certificate(bank, "00000000002", "R1").error().code,
              ErrorCode::not_found);
    EXPECT_EQ(counts(), before);
}

TEST_F(Bank, ResetAdministratorPins) {
    create_contract();
    auto r = bank_service->reset_admin_pins(bank, kContract);
    ASSERT_TRUE(r.ok()) << r.error().detail;
    Person a = person(kAdmin);
    EXPECT_TRUE(auth::verify_pin(r->login_pin, a.login_pin_hash).ok());
    EXPECT_TRUE(auth::verify_pin(r->confirmation_pin, a.confirmation_pin_hash).ok());
    EXPECT_EQ(auth::verify_pin(created.admin_confirmation_pin, a.confirmation_pin_hash).error().code,
              ErrorCode::pin_incorrect);
    EXPECT_NE(r->login_pin, r->confirmation_pin);
    // The old confirmation PIN no longer confirms the administrator's changes.
    EXPECT_EQ(users->stop_transactions(admin_session(), true, created.admin_confirmation_pin, "192.0.2.10")
                  .error().code,
              ErrorCode::confirmation_pin_incorrect);
    EXPECT_TRUE(users->stop_transactions(admin_session(), true, r->confirmation_pin, "192.0.2.10").ok());
    for (const auto& rec : all_history()) EXPECT_EQ(rec.detail.find(r->login_pin), std::string::npos);
    const auto before = counts();
    EXPECT_EQ(bank_service->reset_admin_pins(bank, "00000000009").error().code, ErrorCode::not_found);
    EXPECT_EQ(bank_service->reset_admin_pins(bank, "x").error().code, ErrorCode::invalid_request);
    EXPECT_EQ(counts(), before);
}

TEST_F(Bank, SuspendAndResume) {
    create_contract();
    ASSERT_TRUE(bank_service->set_suspended(bank, kContract, true).ok());
    EXPECT_TRUE((*read()->find_contract(kContract))->suspended);
    ASSERT_TRUE(bank_service->set_suspended(bank, kContract, false).ok());
    EXPECT_FALSE((*read()->find_contract(kContract))->suspended);
    EXPECT_EQ(bank_service->set_suspended(bank, "00000000002", true).error().code, ErrorCode::not_found);
}

}  // namespace
}  // namespace kakuin::service::testing
