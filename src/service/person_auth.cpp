#include "service/person_auth.h"

#include <string>

#include "auth/lockout.h"
#include "auth/pin_hash.h"
#include "auth/totp.h"
#include "service/usage.h"

namespace kakuin::service {

using store::Transaction;

void DummyPinHash::burn(std::string_view pin) {
    std::call_once(once_, [&] {
        auto h = auth::hash_pin("kakuin-dummy-pin", ctx_.pin_hash, ctx_.random);
        if (h.ok()) hash_ = std::move(h).value();
    });
    if (!hash_.empty()) (void)auth::verify_pin(pin, hash_);
}

bool otp_required_for(const BankPolicy& policy, Role role) {
    return role == Role::admin ? policy.admin_otp_every_login : policy.user_otp_every_login;
}

Status check_can_authenticate(const Contract& contract, const Person& person) {
    if (contract.suspended) {
        return make_error(ErrorCode::contract_suspended, "contract " + contract.contract_id);
    }
    KAKUIN_TRY_STATUS(auth::check_not_locked({person.failure_count, person.locked}));
    if (person.suspended) {
        return make_error(ErrorCode::forbidden, "person suspended",
                          "このIDは利用中止状態です。管理者（管理者の場合はお取引店）にお問い合わせください。");
    }
    if (person.accident) {
        return make_error(ErrorCode::forbidden, "person in accident state",
                          "このIDは事故状態です。管理者（管理者の場合はお取引店）にお問い合わせください。");
    }
    return {};
}

namespace {

struct Loaded {
    Contract contract;
    Person person;
};

// Contract and person, or nothing when either is unknown or the person has no PIN.
Result<std::optional<Loaded>> load(Transaction& tx, const PersonKey& key) {
    KAKUIN_TRY(auto contract, tx.find_contract(key.contract_id));
    if (!contract) return std::optional<Loaded>();
    KAKUIN_TRY(auto person, tx.find_person(key));
    if (!person || person->login_pin_hash.empty()) return std::optional<Loaded>();
    return std::optional<Loaded>(Loaded{std::move(*contract), std::move(*person)});
}

Error pin_incorrect() { return make_error(ErrorCode::pin_incorrect, "PIN step refused"); }

}  // namespace

Error count_failure(Transaction& tx, const ServiceContext& ctx, Person& person, const Actor& actor,
                    TimePoint now, ErrorCode code, std::string_view step, bool& keep) {
    const bool was_locked = person.locked;
    const auth::LockoutState next =
        auth::apply_failure({person.failure_count, person.locked}, ctx.policy.lockout_threshold);
    person.failure_count = next.consecutive_failures;
    person.locked = next.locked;
    if (Status s = tx.update_person(person); !s.ok()) return s.take_error();

    UsageRecord failed = usage(actor, person.key, auth_history::auth_failed, now,
                               std::string(step) + ", failure " +
                                   std::to_string(person.failure_count) + " of " +
                                   std::to_string(ctx.policy.lockout_threshold));
    failed.result = std::string(error_code_name(code));
    if (auto r = tx.append_history(failed); !r.ok()) return r.take_error();
    if (person.locked && !was_locked) {
        UsageRecord locked = usage(actor, person.key, auth_history::person_locked, now,
                                   "locked after " + std::to_string(person.failure_count) +
                                       " consecutive failures");
        locked.result = std::string(error_code_name(ErrorCode::locked));
        if (auto r = tx.append_history(locked); !r.ok()) return r.take_error();
        keep = true;
        return make_error(ErrorCode::locked, std::string(step) + " failure locked the ID");
    }
    keep = true;
    return make_error(code, std::string(step) + " refused");
}

Status pin_step(const ServiceContext& ctx, DummyPinHash& dummy, const PersonKey& key,
                std::string_view pin, const Actor& actor,
                const std::function<Status(Transaction&, const Contract&, const Person&)>& precheck,
                const std::function<Status(Transaction&, Authenticated&, bool& keep)>& on_success) {
    // 1. Snapshot.
    std::string verified_hash;
    {
        auto tx = ctx.store.begin(store::TxMode::read);
        if (!tx.ok()) return tx.take_error();
        KAKUIN_TRY(auto loaded, load(**tx, key));
        if (!loaded) {
            dummy.burn(pin);
            return pin_incorrect();
        }
        KAKUIN_TRY_STATUS(check_can_authenticate(loaded->contract, loaded->person));
        KAKUIN_TRY_STATUS(precheck(**tx, loaded->contract, loaded->person));
        verified_hash = loaded->person.login_pin_hash;
    }
    // 2. Argon2, without holding the write lock.
    const Status verified = auth::verify_pin(pin, verified_hash);
    if (!verified.ok() && verified.error().code != ErrorCode::pin_incorrect) return verified;

    // 3. Bookkeeping.
    const TimePoint now = ctx.clock.now();
    return in_write_keeping_failures<void>(ctx.store, [&](Transaction& tx, bool& keep) -> Status {
        KAKUIN_TRY(auto loaded, load(tx, key));
        // Deleted, or the PIN changed meanwhile: the verified PIN is not the current one.
        if (!loaded || loaded->person.login_pin_hash != verified_hash) return pin_incorrect();
        KAKUIN_TRY_STATUS(check_can_authenticate(loaded->contract, loaded->person));
        KAKUIN_TRY_STATUS(precheck(tx, loaded->contract, loaded->person));
        if (!verified.ok()) {
            return count_failure(tx, ctx, loaded->person, actor, now, ErrorCode::pin_incorrect,
                                 "PIN", keep);
        }
        Authenticated a{std::move(loaded->contract), std::move(loaded->person)};
        // A cost raised by the bank applies at the next successful PIN.
        if (auth::needs_rehash(a.person.login_pin_hash, ctx.pin_hash)) {
            auto rehashed = auth::hash_pin(pin, ctx.pin_hash, ctx.random);
            if (rehashed.ok()) a.person.login_pin_hash = std::move(rehashed).value();
        }
        return on_success(tx, a, keep);
    });
}

Status require_otp_token(Transaction& tx, const BankPolicy& policy, const PersonKey& key) {
    if (!otp_required_for(policy, key.role())) return {};
    KAKUIN_TRY(auto token, tx.find_otp_token(key));
    if (!token) return make_error(ErrorCode::forbidden, "no OTP token registered", kNoOtpTokenJa);
    return {};
}

Status otp_step(Transaction& tx, const ServiceContext& ctx, Person& person, std::string_view otp,
                const Actor& actor, TimePoint now, bool& keep) {
    KAKUIN_TRY(auto token, tx.find_otp_token(person.key));
    if (!token) return make_error(ErrorCode::forbidden, "no OTP token registered", kNoOtpTokenJa);
    KAKUIN_TRY(auto last, tx.last_used_otp_step(person.key));
    auth::TotpConfig config;
    config.step_seconds = token->step_seconds;
    auto matched = auth::verify_totp(token->secret, otp, now, last, config);
    if (!matched.ok()) {
        const ErrorCode code = matched.error().code;
        if (code != ErrorCode::otp_incorrect && code != ErrorCode::otp_reused) {
            return matched.take_error();
        }
        return count_failure(tx, ctx, person, actor, now, code, "OTP", keep);
    }
    return tx.record_used_otp_step(person.key, *matched);
}

void reset_failures(Person& person) {
    person.failure_count = auth::apply_success({person.failure_count, person.locked})
                               .consecutive_failures;
}

}  // namespace kakuin::service
