#include "service/bank_service.h"

#include <algorithm>
#include <array>
#include <vector>

#include "auth/base32.h"
#include "auth/lockout.h"
#include "auth/otpauth_uri.h"
#include "auth/pin_hash.h"
#include "auth/pin_policy.h"
#include "service/admin_support.h"
#include "service/unit_of_work.h"
#include "service/usage.h"
#include "service/user_admin_service.h"

namespace kakuin::service {

using store::Transaction;
using store::TxMode;

namespace {

constexpr std::size_t kTotpSecretBytes = 20;
constexpr std::size_t kMaxRequestNumberChars = 32;
constexpr int kInitialPinLength = 8;
constexpr int kPinAttempts = 100;

Error no_contract(const std::string& contract_id) {
    return make_error(ErrorCode::not_found, "no contract " + contract_id,
                      "指定された契約法人は登録されていません。");
}

Status check_contract_id(const std::string& id) {
    if (!is_valid_contract_id(id)) {
        return make_error(ErrorCode::invalid_request, "contract ID must be 11 half-width digits",
                          "契約法人IDは半角数字11桁で入力してください。");
    }
    return {};
}

// A random initial PIN that satisfies the bank's PIN policy (printed on the bank's letter).
Result<std::string> random_initial_pin(const BankPolicy& policy, Random& random,
                                       const std::string& contract_id) {
    static constexpr std::string_view kDigits = "23456789";
    static constexpr std::string_view kLetters = "abcdefghjkmnpqrstuvwxyz";  // no i, l, o
    const int length = std::clamp(kInitialPinLength, policy.pin.min_length, policy.pin.max_length);
    const bool letters = policy.pin.require_letters_and_digits;
    for (int attempt = 0; attempt < kPinAttempts; ++attempt) {
        std::string pin;
        for (int i = 0; i < length; ++i) {
            const bool letter = letters && random_below(random, 2) == 0;
            const std::string_view set = letter ? kLetters : kDigits;
            pin += set[random_below(random, set.size())];
        }
        if (auth::check_new_pin(policy.pin, auth::NewPin{pin, pin, contract_id, {}}).ok()) return pin;
    }
    return make_error(ErrorCode::config_invalid, "no initial PIN satisfies the PIN policy");
}

}  // namespace

BankService::BankService(const ServiceContext& ctx, CertificateService& certificates)
    : ctx_(ctx), certificates_(certificates) {}

Result<ContractCreated> BankService::create_contract(const Actor& bank_actor,
                                                     const ContractInput& in) {
    KAKUIN_TRY_STATUS(check_contract_id(in.contract_id));
    KAKUIN_TRY_STATUS(check_name_text(in.name, "契約法人名", true));
    KAKUIN_TRY_STATUS(check_name_kana(in.name_kana, "契約法人名（カナ）"));
    KAKUIN_TRY_STATUS(check_contract_limits(in.upper_limits));

    ContractCreated out;
    KAKUIN_TRY(out.admin_login_pin, random_initial_pin(ctx_.policy, ctx_.random, in.contract_id));
    do {
        KAKUIN_TRY(out.admin_confirmation_pin,
                   random_initial_pin(ctx_.policy, ctx_.random, in.contract_id));
    } while (out.admin_confirmation_pin == out.admin_login_pin);
    KAKUIN_TRY(std::string login_hash,
               auth::hash_pin(out.admin_login_pin, ctx_.pin_hash, ctx_.random));
    KAKUIN_TRY(std::string confirmation_hash,
               auth::hash_pin(out.admin_confirmation_pin, ctx_.pin_hash, ctx_.random));
    std::vector<std::uint8_t> secret(kTotpSecretBytes);
    ctx_.random.fill(secret);
    out.admin_totp_secret_base32 = auth::base32_encode(secret, false);
    out.admin_otpauth_uri =
        auth::otpauth_uri({ctx_.policy.bank_name, in.contract_id}, secret, ctx_.policy.otp_step_seconds);

    const TimePoint now = ctx_.clock.now();
    Contract& c = out.contract;
    c.contract_id = in.contract_id;
    c.name_kanji = in.name;
    c.name_kana = in.name_kana;
    c.login_method = in.login_method;
    c.created_at = now;

    Person admin;
    admin.key = PersonKey::admin(in.contract_id);
    admin.name_kana = in.name_kana;
    admin.name_kanji = in.name;
    admin.authority = Authority::approver;
    admin.login_pin_hash = std::move(login_hash);
    admin.confirmation_pin_hash = std::move(confirmation_hash);
    admin.created_at = now;

    KAKUIN_TRY_STATUS(in_transaction<void>(ctx_.store, TxMode::write, [&](Transaction& tx) -> Status {
        KAKUIN_TRY(auto existing, tx.find_contract(c.contract_id));
        if (existing) {
            return make_error(ErrorCode::conflict, "contract " + c.contract_id + " exists",
                              "この契約法人IDは既に登録されています。");
        }
        KAKUIN_TRY_STATUS(tx.insert_contract(c));
        KAKUIN_TRY_STATUS(tx.insert_person(admin));
        KAKUIN_TRY_STATUS(tx.save_permissions(admin.key, Permissions::all_allowed()));
        KAKUIN_TRY_STATUS(tx.save_contract_limits(c.contract_id, in.upper_limits));
        store::OtpToken token;
        token.person = admin.key;
        token.kind = store::OtpTokenKind::software;
        token.secret = secret;
        token.step_seconds = ctx_.policy.otp_step_seconds;
        token.digits = 6;
        token.registered_at = now;
        KAKUIN_TRY_STATUS(tx.upsert_otp_token(token));
        KAKUIN_TRY_STATUS(tx.append_history(usage(bank_actor, admin.key,
                                                  history_kind::contract_registered, now,
                                                  std::string(login_method_name(c.login_method)))));
        KAKUIN_TRY_STATUS(tx.append_history(usage(bank_actor, admin.key,
                                                  admin_history_kind::otp_token_registered, now,
                                                  "software")));
        if (c.login_method == LoginMethod::certificate) {
            KAKUIN_TRY(CertificateSlot slot, tx.load_slot_for_update(admin.key));
            KAKUIN_TRY(Transition t, kakuin::register_issuance(slot, ctx_.policy.certificate, now));
            KAKUIN_TRY_STATUS(apply_slot_transition(
                tx, admin.key, t, now,
                usage(bank_actor, admin.key, history_kind::certificate_registered, now,
                      transition_detail(t))));
            out.admin_certificate = t.slot;
        }
        return {};
    }));
    return out;
}

Status BankService::unlock_admin(const Actor& bank_actor, const std::string& contract_id) {
    KAKUIN_TRY_STATUS(check_contract_id(contract_id));
    const TimePoint now = ctx_.clock.now();
    const PersonKey key = PersonKey::admin(contract_id);
    return in_transaction<void>(ctx_.store, TxMode::write, [&](Transaction& tx) -> Status {
        KAKUIN_TRY(auto p, tx.find_person(key));
        if (!p) return no_contract(contract_id);
        const bool was_locked = p->locked;
        const auth::LockoutState s = auth::apply_unlock({p->failure_count, p->locked});
        p->failure_count = s.consecutive_failures;
        p->locked = s.locked;
        KAKUIN_TRY_STATUS(tx.update_person(*p));
        KAKUIN_TRY_STATUS(tx.append_history(usage(bank_actor, key, admin_history_kind::person_unlocked,
                                                  now, was_locked ? "unlocked" : "was not locked")));
        return {};
    });
}

Result<CertificateSlot> BankService::reissue_admin_certificate(const Actor& bank_actor,
                                                               const std::string& contract_id,
                                                               const std::string& request_number) {
    KAKUIN_TRY_STATUS(check_contract_id(contract_id));
    bool number_ok = !request_number.empty() && request_number.size() <= kMaxRequestNumberChars;
    for (char ch : request_number) {
        if (!((ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
              ch == '-')) {
            number_ok = false;
        }
    }
    if (!number_ok) {
        return make_error(ErrorCode::invalid_request, "request number must be 1-32 alphanumerics or -",
                          "依頼書番号は半角英数字32文字以内で入力してください。");
    }
    const TimePoint now = ctx_.clock.now();
    const PersonKey key = PersonKey::admin(contract_id);
    return in_transaction<CertificateSlot>(ctx_.store, TxMode::write,
                                           [&](Transaction& tx) -> Result<CertificateSlot> {
        KAKUIN_TRY(auto p, tx.find_person(key));
        if (!p) return no_contract(contract_id);
        KAKUIN_TRY(CertificateSlot slot, tx.load_slot_for_update(key));
        KAKUIN_TRY(Transition t, kakuin::reissue(slot, ctx_.policy.certificate, now));
        KAKUIN_TRY_STATUS(apply_slot_transition(
            tx, key, t, now,
            usage(bank_actor, key, history_kind::certificate_reissued, now,
                  "request " + request_number + ", " + transition_detail(t))));
        return t.slot;
    });
}

Result<BankService::PinsReset> BankService::reset_admin_pins(const Actor& bank_actor,
                                                             const std::string& contract_id) {
    KAKUIN_TRY_STATUS(check_contract_id(contract_id));
    PinsReset out;
    KAKUIN_TRY(out.login_pin, random_initial_pin(ctx_.policy, ctx_.random, contract_id));
    do {
        KAKUIN_TRY(out.confirmation_pin, random_initial_pin(ctx_.policy, ctx_.random, contract_id));
    } while (out.confirmation_pin == out.login_pin);
    KAKUIN_TRY(std::string login_hash, auth::hash_pin(out.login_pin, ctx_.pin_hash, ctx_.random));
    KAKUIN_TRY(std::string confirmation_hash,
               auth::hash_pin(out.confirmation_pin, ctx_.pin_hash, ctx_.random));
    const TimePoint now = ctx_.clock.now();
    const PersonKey key = PersonKey::admin(contract_id);
    KAKUIN_TRY_STATUS(in_transaction<void>(ctx_.store, TxMode::write, [&](Transaction& tx) -> Status {
        KAKUIN_TRY(auto p, tx.find_person(key));
        if (!p) return no_contract(contract_id);
        p->login_pin_hash = login_hash;
        p->confirmation_pin_hash = confirmation_hash;
        KAKUIN_TRY_STATUS(tx.update_person(*p));
        KAKUIN_TRY_STATUS(tx.append_history(usage(bank_actor, key, history_kind::user_changed, now,
                                                  "login_pin reset, confirmation_pin reset")));
        return {};
    }));
    return out;
}

Status BankService::set_suspended(const Actor& bank_actor, const std::string& contract_id,
                                  bool suspended) {
    KAKUIN_TRY_STATUS(check_contract_id(contract_id));
    const TimePoint now = ctx_.clock.now();
    return in_transaction<void>(ctx_.store, TxMode::write, [&](Transaction& tx) -> Status {
        KAKUIN_TRY(auto c, tx.find_contract(contract_id));
        if (!c) return no_contract(contract_id);
        KAKUIN_TRY_STATUS(tx.update_contract_flags(contract_id, suspended, c->transactions_stopped));
        UsageRecord r = usage(bank_actor, PersonKey::admin(contract_id), history_kind::contract_changed,
                              now, suspended ? "suspended=1" : "suspended=0");
        r.target_user_id.reset();
        KAKUIN_TRY_STATUS(tx.append_history(r));
        return {};
    });
}

Result<ContractLimits> BankService::contract_limits(const std::string& contract_id) {
    return in_transaction<ContractLimits>(ctx_.store, TxMode::read,
                                          [&](Transaction& tx) -> Result<ContractLimits> {
        KAKUIN_TRY(auto c, tx.find_contract(contract_id));
        if (!c) return no_contract(contract_id);
        return tx.load_contract_limits(contract_id);
    });
}

}  // namespace kakuin::service
