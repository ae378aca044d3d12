// The authentication steps shared by login (SessionService) and acquisition
// (EnrollmentService): the PIN step with lockout (R8), the OTP step (R9), and the transaction
// shape that commits the failure bookkeeping of a refused attempt. Internal to the service layer.
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include "core/contract.h"
#include "core/result.h"
#include "core/usage_history.h"
#include "service/context.h"
#include "service/unit_of_work.h"
#include "store/store.h"

namespace kakuin::service {

// Usage-history kinds of authentication (R8, R11, R16).
namespace auth_history {
inline constexpr std::string_view login_succeeded = "login.succeeded";
inline constexpr std::string_view auth_failed = "auth.failed";  // result: the error code
inline constexpr std::string_view person_locked = "person.locked";
inline constexpr std::string_view logout = "logout";
inline constexpr std::string_view enrollment_started = "enrollment.started";
}  // namespace auth_history

// Detail shown when the OTP step is required but the person has no token registered.
inline constexpr const char* kNoOtpTokenJa = "ワンタイムパスワードが登録されていません。管理者（管理者の場合はお取引店）に登録を依頼してください。";

// A PIN hash of a fixed string, verified when the contract or person does not exist so that
// unknown IDs cost the same Argon2 time as known ones. Made once, on first use.
class DummyPinHash {
public:
    explicit DummyPinHash(const ServiceContext& ctx) : ctx_(ctx) {}
    // Verifies `pin` against the dummy hash and ignores the outcome.
    void burn(std::string_view pin);

private:
    const ServiceContext& ctx_;
    std::once_flag once_;
    std::string hash_;
};

bool otp_required_for(const BankPolicy& policy, Role role);

// Contract and person states that refuse any authentication: contract_suspended, locked,
// forbidden (利用中止 / 事故).
Status check_can_authenticate(const Contract& contract, const Person& person);

// What the PIN step hands to the caller's success step.
struct Authenticated {
    Contract contract;
    Person person;  // as loaded in the write transaction; the caller saves changes
};

// The PIN step of a login or acquisition for `key`:
//  1. a read snapshot loads contract and person (unknown, or no PIN set: the dummy hash is
//     verified and pin_incorrect returned, nothing written); check_can_authenticate, then
//     `precheck` (the caller's refusals that need no PIN);
//  2. the PIN is verified outside the write lock (Argon2 is slow);
//  3. a write transaction reloads both and checks again. A wrong PIN counts a failure, locks
//     at BankPolicy::lockout_threshold (history rows for both) and is committed: pin_incorrect,
//     or locked when this failure locked the ID. A right PIN runs `on_success`, whose writes
//     are committed only when it succeeds (it may set `keep` to commit a failure of its own).
// `on_success` must not reset the failure count when another factor (OTP) is still to come.
Status pin_step(const ServiceContext& ctx, DummyPinHash& dummy, const PersonKey& key,
                std::string_view pin, const Actor& actor,
                const std::function<Status(store::Transaction&, const Contract&, const Person&)>&
                    precheck,
                const std::function<Status(store::Transaction&, Authenticated&, bool& keep)>&
                    on_success);

// Counts one failed PIN/OTP of `person` (already loaded in `tx`), locking at the threshold, and
// appends the history rows. Returns the error to give the caller: `code`, or locked when this
// failure locked the ID; sets `keep` unless writing failed (then the storage error).
Error count_failure(store::Transaction& tx, const ServiceContext& ctx, Person& person,
                    const Actor& actor, TimePoint now, ErrorCode code, std::string_view step,
                    bool& keep);

// Verifies `otp` against the person's token in `tx` (R9). On success stores the matched step
// (a code is never accepted twice). On otp_incorrect / otp_reused the failure is counted
// (count_failure) and `keep` set. forbidden when no token is registered.
Status otp_step(store::Transaction& tx, const ServiceContext& ctx, Person& person,
                std::string_view otp, const Actor& actor, TimePoint now, bool& keep);

// forbidden (kNoOtpTokenJa) when OTP is required for the person's role and no token exists.
Status require_otp_token(store::Transaction& tx, const BankPolicy& policy, const PersonKey& key);

// Resets the consecutive failure count after a completed authentication.
void reset_failures(Person& person);

}  // namespace kakuin::service
