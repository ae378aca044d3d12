#include "core/certificate_slot.h"

#include <gtest/gtest.h>

#include <map>

namespace kakuin {
namespace {

const TimePoint kT0 = from_unix(1'790'000'000);  // 2026-09-21

class SlotTest : public ::testing::Test {
protected:
    CertificatePolicy policy;  // 365 days, renewal 30, deadline 80
    SimulatedClock clock{kT0};

    TimePoint now() const { return clock.now(); }

    CertificateSlot registered_slot() {
        auto t = register_issuance(CertificateSlot{}, policy, now());
        EXPECT_TRUE(t.ok());
        return t->slot;
    }
    CertificateSlot issued_slot(const std::string& serial = "0A") {
        auto t = issue(registered_slot(), now(), NewCertificate{serial, now() + Days(365)});
        EXPECT_TRUE(t.ok());
        return t->slot;
    }
};

void expect_error(const Result<Transition>& r, ErrorCode code) {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, code) << error_code_name(r.error().code) << ": " << r.error().detail;
}

TEST(IssueNumber, FormatsWithThreeDigits) {
    EXPECT_EQ(format_issue_number(1), "001");
    EXPECT_EQ(format_issue_number(2), "002");
    EXPECT_EQ(format_issue_number(42), "042");
    EXPECT_EQ(format_issue_number(1000), "1000");
}

TEST(Names, StatusNamesAreTheApiNames) {
    EXPECT_EQ(slot_status_name(SlotStatus::none), "none");
    EXPECT_EQ(slot_status_name(SlotStatus::registered), "registered");
    EXPECT_EQ(slot_status_name(SlotStatus::deadline_passed), "deadline_passed");
    EXPECT_EQ(slot_status_name(SlotStatus::valid), "valid");
    EXPECT_EQ(slot_status_name(SlotStatus::expired), "expired");
    EXPECT_EQ(slot_status_name(SlotStatus::revoked), "revoked");
    EXPECT_EQ(certificate_status_name(CertificateStatus::superseded), "superseded");
    for (SlotPhase p : {SlotPhase::none, SlotPhase::registered, SlotPhase::issued,
                        SlotPhase::revoked, SlotPhase::expired}) {
        SlotPhase back{};
        ASSERT_TRUE(slot_phase_from_name(slot_phase_name(p), back));
        EXPECT_EQ(back, p);
    }
    SlotPhase ignored{};
    EXPECT_FALSE(slot_phase_from_name("valid", ignored));
    CrlReason r{};
    EXPECT_TRUE(crl_reason_from_int(4, r));
    EXPECT_EQ(r, CrlReason::superseded);
    EXPECT_FALSE(crl_reason_from_int(2, r));
    EXPECT_FALSE(crl_reason_from_int(8, r));
}

TEST_F(SlotTest, RegisterFromNone) {
    auto t = register_issuance(CertificateSlot{}, policy, now());
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(t->slot.issue_number, 1);
    EXPECT_EQ(format_issue_number(t->slot.issue_number), "001");
    EXPECT_EQ(t->slot.phase, SlotPhase::registered);
    EXPECT_EQ(t->slot.registered_at, now());
    EXPECT_EQ(t->slot.acquisition_deadline, now() + Days(80));
    EXPECT_FALSE(t->revoke);
    EXPECT_EQ(t->slot.status_at(now()), SlotStatus::registered);
}

TEST_F(SlotTest, DeadlineExactlyAtAndOneSecondAfter) {
    CertificateSlot s = registered_slot();
    const TimePoint deadline = *s.acquisition_deadline;
    EXPECT_EQ(s.status_at(deadline), SlotStatus::registered);
    EXPECT_EQ(s.status_at(deadline + Seconds(1)), SlotStatus::deadline_passed);

    EXPECT_TRUE(check_issue(s, deadline).ok());
    EXPECT_TRUE(issue(s, deadline, {"01", deadline + Days(365)}).ok());
    expect_error(issue(s, deadline + Seconds(1), {"01", deadline + Days(365)}),
                 ErrorCode::acquisition_deadline_passed);
}

TEST_F(SlotTest, RegisterRefusedWhileRegisteredInTimeOrValid) {
    expect_error(register_issuance(registered_slot(), policy, now()),
                 ErrorCode::certificate_state_invalid);
    expect_error(register_issuance(issued_slot(), policy, now()),
                 ErrorCode::certificate_state_invalid);
}

TEST_F(SlotTest, RegisterAllowedAfterDeadlineRevokedAndExpired) {
    CertificateSlot late = registered_slot();
    auto t1 = register_issuance(late, policy, *late.acquisition_deadline + Seconds(1));
    ASSERT_TRUE(t1.ok());
    EXPECT_EQ(t1->slot.issue_number, 2);
    EXPECT_FALSE(t1->revoke);

    auto revoked = revoke(issued_slot(), now(), CrlReason::key_compromise);
    ASSERT_TRUE(revoked.ok());
    auto t2 = register_issuance(revoked->slot, policy, now());
    ASSERT_TRUE(t2.ok());
    EXPECT_EQ(t2->slot.issue_number, 2);
    EXPECT_TRUE(t2->slot.serial_hex.empty());

    CertificateSlot issued = issued_slot();
    const TimePoint after = *issued.not_after;
    auto t3 = register_issuance(issued, policy, after);  // expired, not yet swept
    ASSERT_TRUE(t3.ok());
    EXPECT_FALSE(t3->revoke);
    auto swept = expire(issued, after);
    ASSERT_TRUE(swept.ok());
    auto t4 = register_issuance(swept->slot, policy, after);
    ASSERT_TRUE(t4.ok());
    EXPECT_EQ(t4->slot.issue_number, 2);
}

TEST_F(SlotTest, IssueFromRegistered) {
    CertificateSlot s = registered_slot();
    auto t = issue(s, now(), {"0A", now() + Days(365)});
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(t->slot.phase, SlotPhase::issued);
    EXPECT_EQ(t->slot.serial_hex, "0A");
    EXPECT_EQ(t->slot.not_after, now() + Days(365));
    EXPECT_EQ(t->slot.issue_number, 1);
    EXPECT_EQ(t->slot.registered_at, s.registered_at);
    EXPECT_FALSE(t->revoke);
    EXPECT_EQ(t->slot.status_at(now()), SlotStatus::valid);
}

TEST_F(SlotTest, IssueRefusedWithoutRegistration) {
    expect_error(issue(CertificateSlot{}, now(), {"01", now() + Days(1)}),
                 ErrorCode::acquisition_not_registered);
    auto revoked = revoke(issued_slot(), now(), CrlReason::unspecified);
    ASSERT_TRUE(revoked.ok());
    expect_error(issue(revoked->slot, now(), {"01", now() + Days(1)}),
                 ErrorCode::acquisition_not_registered);
    auto cancelled = revoke(registered_slot(), now(), CrlReason::unspecified);
    ASSERT_TRUE(cancelled.ok());
    expect_error(issue(cancelled->slot, now(), {"01", now() + Days(1)}),
                 ErrorCode::acquisition_not_registered);
}

TEST_F(SlotTest, R20RetryBeforeUseRevokesHalfIssuedCertificate) {
    CertificateSlot first = issued_slot("0A");
    clock.advance(Days(1));
    auto retry = issue(first, now(), {"0B", now() + Days(365)});
    ASSERT_TRUE(retry.ok());
    EXPECT_EQ(retry->slot.serial_hex, "0B");
    EXPECT_EQ(retry->slot.issue_number, 1);
    ASSERT_TRUE(retry->revoke);
    EXPECT_EQ(*retry->revoke, (RevocationOrder{"0A", CrlReason::superseded}));
}

TEST_F(SlotTest, R20RetryRefusedAfterUseOrDeadline) {
    CertificateSlot first = issued_slot("0A");
    auto used = mark_used(first, "0A", now());
    ASSERT_TRUE(used.ok());
    expect_error(issue(used->slot, now(), {"0B", now() + Days(365)}),
                 ErrorCode::acquisition_already_used);

    const TimePoint late = *first.acquisition_deadline + Seconds(1);
    expect_error(issue(first, late, {"0B", late + Days(365)}),
                 ErrorCode::acquisition_deadline_passed);
    EXPECT_TRUE(issue(first, *first.acquisition_deadline, {"0B", late + Days(365)}).ok());
}

TEST_F(SlotTest, MarkUsedKeepsFirstTimeAndRefusesOtherSerials) {
    CertificateSlot s = issued_slot("0A");
    auto u1 = mark_used(s, "0A", now());
    ASSERT_TRUE(u1.ok());
    EXPECT_EQ(u1->slot.first_used_at, now());
    auto u2 = mark_used(u1->slot, "0A", now() + Days(3));
    ASSERT_TRUE(u2.ok());
    EXPECT_EQ(u2->slot.first_used_at, now());
    expect_error(mark_used(s, "0B", now()), ErrorCode::certificate_not_current);
    expect_error(mark_used(registered_slot(), "", now()), ErrorCode::certificate_not_current);
}

TEST_F(SlotTest, RevokeRegisteredIsACancellation) {
    auto t = revoke(registered_slot(), now(), CrlReason::cessation_of_operation);
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(t->slot.phase, SlotPhase::revoked);
    EXPECT_FALSE(t->revoke);
    EXPECT_EQ(t->slot.status_at(now()), SlotStatus::revoked);
    // Also after the deadline.
    CertificateSlot late = registered_slot();
    EXPECT_TRUE(revoke(late, *late.acquisition_deadline + Days(1), CrlReason::unspecified).ok());
}

TEST_F(SlotTest, RevokeIssuedOrdersRevocation) {
    auto t = revoke(issued_slot("0A"), now(), CrlReason::key_compromise);
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(t->slot.phase, SlotPhase::revoked);
    EXPECT_EQ(t->slot.revoked_at, now());
    EXPECT_EQ(t->slot.revocation_reason, CrlReason::key_compromise);
    ASSERT_TRUE(t->revoke);
    EXPECT_EQ(*t->revoke, (RevocationOrder{"0A", CrlReason::key_compromise}));
}

TEST_F(SlotTest, RevokeRefusedFromNoneRevokedExpired) {
    expect_error(revoke(CertificateSlot{}, now(), CrlReason::unspecified),
                 ErrorCode::certificate_state_invalid);
    auto revoked = revoke(issued_slot(), now(), CrlReason::unspecified);
    ASSERT_TRUE(revoked.ok());
    expect_error(revoke(revoked->slot, now(), CrlReason::unspecified),
                 ErrorCode::certificate_state_invalid);
    CertificateSlot s = issued_slot();
    expect_error(revoke(s, *s.not_after, CrlReason::unspecified),
                 ErrorCode::certificate_state_invalid);
}

TEST_F(SlotTest, ReissueFromEveryPhase) {
    // none: plain registration
    auto from_none = reissue(CertificateSlot{}, policy, now());
    ASSERT_TRUE(from_none.ok());
    EXPECT_EQ(from_none->slot.issue_number, 1);
    EXPECT_FALSE(from_none->revoke);

    // registered: the registration is replaced, nothing to revoke
    auto from_reg = reissue(registered_slot(), policy, now());
    ASSERT_TRUE(from_reg.ok());
    EXPECT_EQ(from_reg->slot.issue_number, 2);
    EXPECT_EQ(from_reg->slot.phase, SlotPhase::registered);
    EXPECT_FALSE(from_reg->revoke);

    // valid: revoked with the default reason, then 002 registered
    clock.advance(Days(2));
    auto from_valid = reissue(issued_slot("0A"), policy, now());
    ASSERT_TRUE(from_valid.ok());
    EXPECT_EQ(format_issue_number(from_valid->slot.issue_number), "002");
    EXPECT_EQ(from_valid->slot.registered_at, now());
    EXPECT_EQ(from_valid->slot.acquisition_deadline, now() + Days(80));
    EXPECT_TRUE(from_valid->slot.serial_hex.empty());
    ASSERT_TRUE(from_valid->revoke);
    EXPECT_EQ(*from_valid->revoke,
              (RevocationOrder{"0A", CrlReason::cessation_of_operation}));

    // valid with a reason the caller gives
    auto compromised = reissue(issued_slot("0A"), policy, now(), CrlReason::key_compromise);
    ASSERT_TRUE(compromised.ok());
    EXPECT_EQ(compromised->revoke->reason, CrlReason::key_compromise);

    // revoked and expired: nothing left to revoke
    auto revoked = revoke(issued_slot(), now(), CrlReason::unspecified);
    auto from_revoked = reissue(revoked->slot, policy, now());
    ASSERT_TRUE(from_revoked.ok());
    EXPECT_FALSE(from_revoked->revoke);
    EXPECT_EQ(from_revoked->slot.issue_number, 2);
    CertificateSlot s = issued_slot();
    auto from_expired = reissue(s, policy, *s.not_after);
    ASSERT_TRUE(from_expired.ok());
    EXPECT_FALSE(from_expired->revoke);
}

TEST_F(SlotTest, RenewalWindowEdges) {
    CertificateSlot s = issued_slot("0A");
    const TimePoint end = *s.not_after;
    const TimePoint opens = end - Days(30);
    expect_error(renew(s, policy, opens - Seconds(1), {"0B", end + Days(365)}),
                 ErrorCode::not_in_renewal_window);
    auto at_open = renew(s, policy, opens, {"0B", opens + Days(365)});
    ASSERT_TRUE(at_open.ok());
    EXPECT_EQ(at_open->slot.serial_hex, "0B");
    EXPECT_EQ(at_open->slot.issue_number, s.issue_number);
    EXPECT_EQ(at_open->slot.phase, SlotPhase::issued);
    EXPECT_FALSE(at_open->slot.first_used_at);
    ASSERT_TRUE(at_open->revoke);
    EXPECT_EQ(*at_open->revoke, (RevocationOrder{"0A", CrlReason::superseded}));
    EXPECT_TRUE(renew(s, policy, end - Seconds(1), {"0B", end + Days(365)}).ok());
    expect_error(renew(s, policy, end, {"0B", end + Days(365)}), ErrorCode::certificate_expired);

    CertificatePolicy forty = policy;
    forty.renewal_window_days = 40;
    EXPECT_TRUE(check_renew(s, forty, end - Days(40)).ok());
    EXPECT_FALSE(check_renew(s, policy, end - Days(40)).ok());
}

TEST_F(SlotTest, RenewRefusedWithoutValidCertificate) {
    expect_error(renew(CertificateSlot{}, policy, now(), {"0B", now()}),
                 ErrorCode::certificate_state_invalid);
    expect_error(renew(registered_slot(), policy, now(), {"0B", now()}),
                 ErrorCode::certificate_state_invalid);
    CertificateSlot s = issued_slot();
    auto r = revoke(s, now(), CrlReason::unspecified);
    expect_error(renew(r->slot, policy, *s.not_after - Days(1), {"0B", now()}),
                 ErrorCode::certificate_state_invalid);
    auto swept = expire(s, *s.not_after);
    ASSERT_TRUE(swept.ok());
    expect_error(renew(swept->slot, policy, *s.not_after, {"0B", now()}),
                 ErrorCode::certificate_expired);
}

TEST_F(SlotTest, ExpireOnlyIssuedAtOrAfterNotAfter) {
    CertificateSlot s = issued_slot();
    expect_error(expire(s, *s.not_after - Seconds(1)), ErrorCode::certificate_state_invalid);
    auto t = expire(s, *s.not_after);
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(t->slot.phase, SlotPhase::expired);
    EXPECT_FALSE(t->revoke);
    EXPECT_EQ(t->slot.status_at(*s.not_after), SlotStatus::expired);
    EXPECT_EQ(s.status_at(*s.not_after - Seconds(1)), SlotStatus::valid);
    EXPECT_EQ(s.status_at(*s.not_after), SlotStatus::expired);
    expect_error(expire(registered_slot(), now() + Days(1000)), ErrorCode::certificate_state_invalid);
    expect_error(expire(CertificateSlot{}, now()), ErrorCode::certificate_state_invalid);
    expect_error(expire(t->slot, now() + Days(1000)), ErrorCode::certificate_state_invalid);
}

TEST(CertificateRecordStatus, RevokedSupersededExpiredValid) {
    CertificateRecord c;
    c.not_after = kT0 + Days(10);
    EXPECT_EQ(c.status_at(kT0), CertificateStatus::valid);
    EXPECT_EQ(c.status_at(kT0 + Days(10) - Seconds(1)), CertificateStatus::valid);
    EXPECT_EQ(c.status_at(kT0 + Days(10)), CertificateStatus::expired);
    c.revoked_at = kT0;
    c.revocation_reason = CrlReason::superseded;
    EXPECT_EQ(c.status_at(kT0), CertificateStatus::superseded);
    EXPECT_EQ(c.status_at(kT0 + Days(20)), CertificateStatus::superseded);
    c.revocation_reason = CrlReason::key_compromise;
    EXPECT_EQ(c.status_at(kT0), CertificateStatus::revoked);
}

// Drives random sequences of transitions the way the service applies them (certificates
// issued into a ledger, revocation orders executed) and checks that a person never holds
// two valid certificates and that the only valid one is the slot's current one.
TEST_F(SlotTest, AtMostOneValidCertificatePerPerson) {
    std::uint64_t lcg = 12345;
    auto next = [&lcg](int n) {
        lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<int>((lcg >> 33) % static_cast<std::uint64_t>(n));
    };
    CertificateSlot slot;
    std::map<std::string, CertificateRecord> ledger;
    int serials = 0;
    int applied = 0;
    for (int step = 0; step < 5000; ++step) {
        clock.advance(Seconds(next(20 * 86400)));
        const TimePoint t = now();
        Result<Transition> r = make_error(ErrorCode::internal_error);
        NewCertificate cert{"S" + std::to_string(++serials), t + Days(policy.validity_days)};
        switch (next(8)) {
            case 0: r = register_issuance(slot, policy, t); break;
            case 1: r = reissue(slot, policy, t); break;
            case 2: r = issue(slot, t, cert); break;
            case 3: r = mark_used(slot, slot.serial_hex, t); break;
            case 4: r = revoke(slot, t, CrlReason::unspecified); break;
            case 5: r = renew(slot, policy, t, cert); break;
            case 6: r = expire(slot, t); break;
            case 7: r = issue(slot, t, cert); break;
        }
        if (!r.ok()) continue;
        ++applied;
        if (r->revoke) {
            auto it = ledger.find(r->revoke->serial_hex);
            ASSERT_NE(it, ledger.end());
            it->second.revoked_at = t;
            it->second.revocation_reason = r->revoke->reason;
        }
        if (r->slot.phase == SlotPhase::issued && r->slot.serial_hex != slot.serial_hex) {
            CertificateRecord rec;
            rec.serial_hex = r->slot.serial_hex;
            rec.not_before = t;
            rec.not_after = *r->slot.not_after;
            ledger[rec.serial_hex] = rec;
        }
        slot = r->slot;
        int valid = 0;
        for (const auto& [serial, rec] : ledger) {
            if (rec.status_at(t) == CertificateStatus::valid) {
                ++valid;
                EXPECT_EQ(serial, slot.serial_hex);
                EXPECT_EQ(slot.status_at(t), SlotStatus::valid);
            }
        }
        ASSERT_LE(valid, 1) << "step " << step;
    }
    EXPECT_GT(applied, 500);
    EXPECT_GT(ledger.size(), 50u);
}

}  // namespace
}  // namespace kakuin
