// Every operation from every state: the full table of allowed and refused transitions.
#include "core/certificate_slot.h"

#include <gtest/gtest.h>

#include <optional>

namespace kakuin {
namespace {

const TimePoint kReg = from_unix(1'790'000'000);
const TimePoint kIssued = kReg + Days(1);
const TimePoint kNotAfter = kIssued + Days(365);
const TimePoint kDeadline = kReg + Days(80);

enum State {
    none, registered, deadline_passed, valid_unused, valid_used, valid_in_window,
    expired_unswept, expired_swept, revoked_certificate, cancelled, kStates
};
const char* const kStateNames[] = {"none", "registered", "deadline_passed", "valid_unused",
                                   "valid_used", "valid_in_window", "expired_unswept",
                                   "expired_swept", "revoked_certificate", "cancelled"};

struct Situation {
    CertificateSlot slot;
    TimePoint now;
};

Situation make(State s) {
    CertificatePolicy policy;
    CertificateSlot slot;
    if (s == none) return {slot, kReg};
    slot = register_issuance(slot, policy, kReg)->slot;
    if (s == registered) return {slot, kReg + Days(1)};
    if (s == deadline_passed) return {slot, kDeadline + Seconds(1)};
    if (s == cancelled) return {revoke(slot, kReg + Days(1), CrlReason::unspecified)->slot, kReg + Days(2)};
    slot = issue(slot, kIssued, {"0A", kNotAfter})->slot;
    switch (s) {
        case valid_unused: return {slot, kIssued + Days(1)};
        case valid_used: return {mark_used(slot, "0A", kIssued)->slot, kIssued + Days(1)};
        case valid_in_window: return {slot, kNotAfter - Days(10)};
        case expired_unswept: return {slot, kNotAfter};
        case expired_swept: return {expire(slot, kNotAfter)->slot, kNotAfter + Days(1)};
        case revoked_certificate:
            return {revoke(slot, kIssued, CrlReason::key_compromise)->slot, kIssued + Days(1)};
        default: break;
    }
    ADD_FAILURE() << "unhandled state";
    return {slot, kReg};
}

enum Op { op_register, op_reissue, op_issue, op_mark_used, op_revoke, op_renew, op_expire, kOps };
const char* const kOpNames[] = {"register", "reissue", "issue", "mark_used", "revoke", "renew", "expire"};

Result<Transition> apply(Op op, const Situation& s) {
    CertificatePolicy policy;
    const NewCertificate next{"0B", s.now + Days(365)};
    switch (op) {
        case op_register: return register_issuance(s.slot, policy, s.now);
        case op_reissue: return reissue(s.slot, policy, s.now);
        case op_issue: return issue(s.slot, s.now, next);
        case op_mark_used: return mark_used(s.slot, "0A", s.now);
        case op_revoke: return revoke(s.slot, s.now, CrlReason::unspecified);
        case op_renew: return renew(s.slot, policy, s.now, next);
        case op_expire: return expire(s.slot, s.now);
        default: break;
    }
    return make_error(ErrorCode::internal_error);
}

using E = ErrorCode;
constexpr std::optional<ErrorCode> ok = std::nullopt;
const std::optional<ErrorCode> SI = E::certificate_state_invalid;
const std::optional<ErrorCode> NR = E::acquisition_not_registered;
const std::optional<ErrorCode> DP = E::acquisition_deadline_passed;
const std::optional<ErrorCode> AU = E::acquisition_already_used;
const std::optional<ErrorCode> NC = E::certificate_not_current;
const std::optional<ErrorCode> NW = E::not_in_renewal_window;
const std::optional<ErrorCode> CE = E::certificate_expired;

// Rows: operations; columns: states in the order of enum State.
const std::optional<ErrorCode> kExpected[kOps][kStates] = {
    //            none reg  dp   v_un v_us v_win exp  swept rev  canc
    /* register */ {ok,  SI,  ok,  SI,  SI,  SI,   ok,  ok,   ok,  ok},
    /* reissue  */ {ok,  ok,  ok,  ok,  ok,  ok,   ok,  ok,   ok,  ok},
    /* issue    */ {NR,  ok,  DP,  ok,  AU,  DP,   DP,  NR,   NR,  NR},
    /* mark_used*/ {NC,  NC,  NC,  ok,  ok,  ok,   ok,  NC,   NC,  NC},
    /* revoke   */ {SI,  ok,  ok,  ok,  ok,  ok,   SI,  SI,   SI,  SI},
    /* renew    */ {SI,  SI,  SI,  NW,  NW,  ok,   CE,  CE,   SI,  SI},
    /* expire   */ {SI,  SI,  SI,  SI,  SI,  SI,   ok,  SI,   SI,  SI},
};

TEST(SlotTransitionTable, EveryOperationFromEveryState) {
    for (int st = 0; st < kStates; ++st) {
        const Situation s = make(static_cast<State>(st));
        for (int op = 0; op < kOps; ++op) {
            auto r = apply(static_cast<Op>(op), s);
            const auto& want = kExpected[op][st];
            SCOPED_TRACE(std::string(kOpNames[op]) + " from " + kStateNames[st]);
            if (!want) {
                EXPECT_TRUE(r.ok()) << error_code_name(r.error().code) << ": " << r.error().detail;
                continue;
            }
            ASSERT_FALSE(r.ok());
            EXPECT_EQ(error_code_name(r.error().code), error_code_name(*want)) << r.error().detail;
        }
    }
}

// After any allowed transition the slot holds at most one valid certificate, and whenever the
// transition replaces a valid certificate it orders that certificate's revocation.
TEST(SlotTransitionTable, ReplacingAValidCertificateAlwaysRevokesIt) {
    for (int st = 0; st < kStates; ++st) {
        const Situation s = make(static_cast<State>(st));
        const bool was_valid = s.slot.status_at(s.now) == SlotStatus::valid;
        for (int op = 0; op < kOps; ++op) {
            auto r = apply(static_cast<Op>(op), s);
            if (!r.ok()) continue;
            SCOPED_TRACE(std::string(kOpNames[op]) + " from " + kStateNames[st]);
            const bool replaced = r->slot.serial_hex != s.slot.serial_hex || r->slot.phase != s.slot.phase;
            if (was_valid && replaced && static_cast<Op>(op) != op_mark_used) {
                ASSERT_TRUE(r->revoke);
                EXPECT_EQ(r->revoke->serial_hex, s.slot.serial_hex);
            }
            if (r->revoke) {
                EXPECT_TRUE(was_valid);  // never revoke what is not valid
            }
        }
    }
}

}  // namespace
}  // namespace kakuin
