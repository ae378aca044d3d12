// Bank staff (PIN + TOTP, lockout, one idle-limited session) and four-eyes change requests
// (issue 5): only another approver applies a request, in the approval's transaction; a refused
// application changes nothing but the request (failed, with the code); every step in the history.
#include <gtest/gtest.h>

#include "auth/base32.h"
#include "auth/totp.h"
#include "service/change_request_service.h"
#include "service/staff_service.h"
#include "user_admin_fixture.h"

namespace kakuin::service::testing {
namespace {

class FourEyes : public UserAdminTest {
protected:
    void SetUp() override {
        UserAdminTest::SetUp();
        staff = std::make_unique<StaffService>(*ctx);
        requests = std::make_unique<ChangeRequestService>(*ctx, *bank_service);
        op = add("op1", store::StaffRole::operator_);
        op2 = add("op2", store::StaffRole::operator_);
        ap = add("ap1", store::StaffRole::approver);
        ap2 = add("ap2", store::StaffRole::approver);
    }

    StaffCreated add(const std::string& id, store::StaffRole role) {
        auto c = staff->add_staff(id, "行員 " + id, role, Actor::bank("cli"));
        EXPECT_TRUE(c.ok()) << c.error().detail;
        return *c;
    }

    std::string otp_now(const StaffCreated& s, int step_offset = 0) {
        auto secret = auth::base32_decode(s.totp_secret_base32);
        const std::int64_t step = auth::totp_step_at(clock.now(), auth::TotpConfig{}) + step_offset;
        return *auth::totp_code_for_step(*secret, step, auth::TotpConfig{});
    }

    ChangeRequestInput create_input(const std::string& id) {
        ChangeRequestInput in;
        in.kind = ChangeKind::contract_create;
        in.contract_id = id;
        in.payload.name = "株式会社かくいん";
        in.payload.name_kana = "ｶｸｲﾝ";
        in.payload.login_method = LoginMethod::certificate;
        return in;
    }

    std::size_t history_of_kind(std::string_view kind) {
        std::size_t n = 0;
        for (const auto& r : all_history())
            if (r.kind == kind) ++n;
        return n;
    }

    std::unique_ptr<StaffService> staff;
    std::unique_ptr<ChangeRequestService> requests;
    StaffCreated op, op2, ap, ap2;
};

TEST_F(FourEyes, StaffLoginNeedsPinThenOtpAndRefusesReplay) {
    auto s = staff->login("op1", op.pin, "10.0.0.5");
    ASSERT_TRUE(s.ok()) << s.error().detail;
    EXPECT_FALSE(s->info.active());
    EXPECT_EQ(staff->authenticate(s->token, false).error().code, ErrorCode::forbidden);
    const std::string code = otp_now(op);
    auto a = staff->submit_otp(s->token, code, "10.0.0.5");
    ASSERT_TRUE(a.ok()) << a.error().detail;
    EXPECT_TRUE(a->active());
    EXPECT_EQ(a->staff.role, store::StaffRole::operator_);
    // The same code again, in a new session: otp_reused.
    auto s2 = staff->login("op1", op.pin, "");
    ASSERT_TRUE(s2.ok());
    EXPECT_EQ(staff->submit_otp(s2->token, code, "").error().code, ErrorCode::otp_reused);
    // One session per staff member: the first one ended with the second login.
    EXPECT_EQ(staff->authenticate(s->token, false).error().code, ErrorCode::session_expired);
    EXPECT_EQ(staff->login("op1", "wrong-pin", "").error().code, ErrorCode::pin_incorrect);
    EXPECT_EQ(staff->login("nobody", op.pin, "").error().code, ErrorCode::pin_incorrect);
    EXPECT_EQ(staff->login("bad id!", op.pin, "").error().code, ErrorCode::invalid_request);
    EXPECT_EQ(staff->submit_otp("garbage", code, "").error().code, ErrorCode::session_expired);
}

TEST_F(FourEyes, StaffLockAfterThresholdAndIdleTimeout) {
    for (int i = 1; i < policy.lockout_threshold; ++i)
        EXPECT_EQ(staff->login("op2", "wrong-pin", "").error().code, ErrorCode::pin_incorrect);
    EXPECT_EQ(staff->login("op2", "wrong-pin", "").error().code, ErrorCode::locked);
    EXPECT_EQ(staff->login("op2", op2.pin, "").error().code, ErrorCode::locked);
    EXPECT_EQ(history_of_kind(bank_history_kind::staff_locked), 1u);

    auto s = staff->login("ap1", ap.pin, "");
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE(staff->submit_otp(s->token, otp_now(ap), "").ok());
    clock.advance(Seconds(policy.session_idle_seconds - 1));
    ASSERT_TRUE(staff->authenticate(s->token, false).ok());
    clock.advance(Seconds(policy.session_idle_seconds));
    EXPECT_EQ(staff->authenticate(s->token, false).error().code, ErrorCode::session_expired);
    EXPECT_EQ(staff->add_staff("ap1", "x", store::StaffRole::approver, bank).error().code,
              ErrorCode::conflict);
}

TEST_F(FourEyes, OnlyAnotherApproverAppliesAndTheLetterIsAnsweredOnce) {
    auto r = requests->request(op.staff, create_input(kContract), "");
    ASSERT_TRUE(r.ok()) << r.error().detail;
    EXPECT_EQ(r->record.state, store::ChangeRequestState::pending);
    const auto before = counts();
    EXPECT_EQ(before.contracts, 0);
    EXPECT_EQ(requests->approve(op.staff, r->record.id, "").error().code,
              ErrorCode::four_eyes_required);
    EXPECT_EQ(requests->approve(op2.staff, r->record.id, "").error().code, ErrorCode::forbidden);
    EXPECT_EQ(counts(), before);
    auto a = requests->approve(ap.staff, r->record.id, "");
    ASSERT_TRUE(a.ok()) << a.error().detail;
    ASSERT_TRUE(a->created.has_value());
    EXPECT_FALSE(a->created->admin_login_pin.empty());
    ASSERT_TRUE(a->created->admin_certificate.has_value());
    EXPECT_EQ(a->request.record.state, store::ChangeRequestState::applied);
    EXPECT_EQ(a->request.record.decided_by, "ap1");
    EXPECT_EQ(counts().contracts, 1);
    EXPECT_EQ(requests->approve(ap2.staff, r->record.id, "").error().code,
              ErrorCode::request_not_pending);
    // An approver may not approve their own request either.
    ChangeRequestInput unlock;
    unlock.kind = ChangeKind::admin_unlock;
    unlock.contract_id = kContract;
    auto own = requests->request(ap.staff, unlock, "");
    ASSERT_TRUE(own.ok());
    EXPECT_EQ(requests->approve(ap.staff, own->record.id, "").error().code,
              ErrorCode::four_eyes_required);
    ASSERT_TRUE(requests->approve(ap2.staff, own->record.id, "").ok());
    for (const auto& h : all_history()) {
        EXPECT_EQ(h.detail.find(a->created->admin_login_pin), std::string::npos);
        EXPECT_EQ(h.actor.rfind("bank:", 0), 0u) << h.actor;
    }
    EXPECT_EQ(history_of_kind(bank_history_kind::request_created), 2u);
    EXPECT_EQ(history_of_kind(bank_history_kind::request_approved), 2u);
}

TEST_F(FourEyes, AFailedApplicationChangesNothingButTheRequest) {
    auto r1 = requests->request(op.staff, create_input(kContract), "");
    auto r2 = requests->request(op2.staff, create_input(kContract), "");
    ASSERT_TRUE(r1.ok() && r2.ok());
    ASSERT_TRUE(requests->approve(ap.staff, r1->record.id, "").ok());
    const auto before = counts();
    EXPECT_EQ(requests->approve(ap.staff, r2->record.id, "").error().code, ErrorCode::conflict);
    auto after = counts();
    EXPECT_EQ(after.contracts, before.contracts);
    EXPECT_EQ(after.persons, before.persons);
    EXPECT_EQ(after.slots, before.slots);
    auto failed = requests->get(r2->record.id);
    ASSERT_TRUE(failed.ok());
    EXPECT_EQ(failed->record.state, store::ChangeRequestState::failed);
    EXPECT_EQ(failed->record.reason, "conflict");
    EXPECT_EQ(history_of_kind(bank_history_kind::request_failed), 1u);
    // A request for an existing contract is refused at once.
    EXPECT_EQ(requests->request(op.staff, create_input(kContract), "").error().code,
              ErrorCode::conflict);
}

TEST_F(FourEyes, ReissueNeedsTheRequestNumberAndRecordsIt) {
    create_contract();
    ChangeRequestInput in;
    in.kind = ChangeKind::admin_certificate_reissue;
    in.contract_id = kContract;
    EXPECT_EQ(requests->request(op.staff, in, "").error().code, ErrorCode::invalid_request);
    in.request_number = "IRAI 1";
    EXPECT_EQ(requests->request(op.staff, in, "").error().code, ErrorCode::invalid_request);
    in.request_number = "IRAI-0042";
    auto r = requests->request(op.staff, in, "");
    ASSERT_TRUE(r.ok());
    auto a = requests->approve(ap.staff, r->record.id, "");
    ASSERT_TRUE(a.ok()) << a.error().detail;
    ASSERT_TRUE(a->admin_certificate.has_value());
    EXPECT_EQ(a->admin_certificate->issue_number, 2);
    bool found = false;
    for (const auto& h : all_history()) {
        if (h.kind == history_kind::certificate_reissued) {
            found = true;
            EXPECT_EQ(h.actor, "bank:ap1");
            EXPECT_NE(h.detail.find("IRAI-0042"), std::string::npos);
        }
    }
    EXPECT_TRUE(found);
}

TEST_F(FourEyes, RejectChangeSuspendAndBadInput) {
    create_contract(LoginMethod::id_pin);
    ChangeRequestInput change;
    change.kind = ChangeKind::contract_change;
    change.contract_id = kContract;
    EXPECT_EQ(requests->request(op.staff, change, "").error().code, ErrorCode::invalid_request);
    change.payload.name_kana = "カクイン";  // full-width: refused
    EXPECT_EQ(requests->request(op.staff, change, "").error().code, ErrorCode::invalid_request);
    change.payload.name_kana = "ｼﾝｶｸｲﾝ";
    change.payload.admin_contact_email = "admin@example.jp";
    auto r = requests->request(op.staff, change, "");
    ASSERT_TRUE(r.ok()) << r.error().detail;
    EXPECT_EQ(requests->reject(op.staff, r->record.id, "", "").error().code,
              ErrorCode::four_eyes_required);
    EXPECT_EQ(requests->reject(op2.staff, r->record.id, "", "").error().code, ErrorCode::forbidden);
    auto rj = requests->reject(ap.staff, r->record.id, "記載不備", "");
    ASSERT_TRUE(rj.ok());
    EXPECT_EQ(rj->record.state, store::ChangeRequestState::rejected);
    EXPECT_EQ(read()->find_contract(kContract)->value().name_kana, "ｶﾌﾞｼｷｶﾞｲｼｬｶｸｲﾝ");
    auto r2 = requests->request(op.staff, change, "");
    ASSERT_TRUE(requests->approve(ap.staff, r2->record.id, "").ok());
    EXPECT_EQ(read()->find_contract(kContract)->value().name_kana, "ｼﾝｶｸｲﾝ");
    EXPECT_EQ(person(kAdmin).contact_email, "admin@example.jp");
    // Switching to the certificate method registers the administrator's issuance (R1).
    EXPECT_EQ(slot_of(kAdmin).phase, SlotPhase::none);
    ChangeRequestInput to_cert;
    to_cert.kind = ChangeKind::contract_change;
    to_cert.contract_id = kContract;
    to_cert.payload.login_method = LoginMethod::certificate;
    auto r3 = requests->request(op.staff, to_cert, "");
    ASSERT_TRUE(r3.ok());
    ASSERT_TRUE(requests->approve(ap2.staff, r3->record.id, "").ok());
    EXPECT_EQ(read()->find_contract(kContract)->value().login_method, LoginMethod::certificate);
    EXPECT_EQ(slot_of(kAdmin).phase, SlotPhase::registered);

    ChangeRequestInput suspend;
    suspend.kind = ChangeKind::contract_suspend;
    suspend.contract_id = kContract;
    auto s = requests->request(op.staff, suspend, "");
    ASSERT_TRUE(requests->approve(ap2.staff, s->record.id, "").ok());
    EXPECT_TRUE(read()->find_contract(kContract)->value().suspended);

    ChangeRequestInput bad = suspend;
    bad.payload.name = "x";
    EXPECT_EQ(requests->request(op.staff, bad, "").error().code, ErrorCode::invalid_request);
    bad = suspend;
    bad.contract_id = "00000000009";
    EXPECT_EQ(requests->request(op.staff, bad, "").error().code, ErrorCode::not_found);
    EXPECT_EQ(requests->approve(ap.staff, 999, "").error().code, ErrorCode::not_found);
    auto listed = requests->list(store::ChangeRequestQuery{store::ChangeRequestState::pending, {}, 10});
    ASSERT_TRUE(listed.ok());
    EXPECT_TRUE(listed->empty());
}

TEST(ChangePayload, RoundTripsEscapesAndRefusesCorruptText) {
    ChangePayload p;
    p.name = "a\\b\nc=d";
    p.name_kana = "ｶｸｲﾝ";
    p.login_method = LoginMethod::certificate;
    ContractLimits l;
    l[BusinessService::payroll] = ContractLimit{5, 10};
    p.upper_limits = l;
    p.admin_contact_email = "";
    auto back = decode_change_payload(encode_change_payload(p));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, p);
    EXPECT_TRUE(decode_change_payload("").ok());
    for (const char* bad : {"name=x", "nokey\n", "colour=red\n", "login_method=pw\n",
                            "upper_limits=payroll:1\n", "name=a\\q\n"})
        EXPECT_EQ(decode_change_payload(bad).error().code, ErrorCode::internal_error) << bad;
}

}  // namespace
}  // namespace kakuin::service::testing
