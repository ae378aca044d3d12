#include "service/bank_service.h"

#include <algorithm>
#include <array>
#include <vector>

#include "auth/base32.h"
#include "auth/lockout.h"
#include "auth/otpauth_uri.h"
#include "auth/pin_hash.h"
#include "auth/totp.h"
#include "service/admin_support.h"
#include "service/initial_pin.h"
#include "service/unit_of_work.h"
#include "service/usage.h"

namespace kakuin::service {

using store::Transaction;
using store::TxMode;

namespace {

constexpr std::size_t kMaxRequestNumberChars = 32;
constexpr std::size_t kMaxSearchBytes = 60;

Error no_contract(const std::string& contract_id) {
    return make_error(ErrorCode::not_found, "no contract " + contract_id,
                      "指定された契約法人は登録されていません。");
}

// "name, login_method" — which fields a change touched (history detail; never values that
// could be secrets, and the names are shown on the screens anyway).
std::string change_fields(const ContractChange& c) {
    std::string out;
    auto add = [&out](bool set, const char* name) {
        if (!set) return;
        if (!out.empty()) out += ", ";
        out += name;
    };
    add(c.name.has_value(), "name");
    add(c.name_kana.has_value(), "name_kana");
    add(c.login_method.has_value(), "login_method");
    add(c.upper_limits.has_value(), "upper_limits");
    add(c.admin_contact_email.has_value(), "admin_contact_email");
    return out;
}

}  // namespace

Status check_contract_id_format(const std::string& id) {
    if (!is_valid_contract_id(id)) {
        return make_error(ErrorCode::invalid_request, "contract ID must be 11 half-width digits",
                          "契約法人IDは半角数字11桁で入力してください。");
    }
    return {};
}

Status check_contract_input(const ContractInput& in) {
    KAKUIN_TRY_STATUS(check_contract_id_format(in.contract_id));
    KAKUIN_TRY_STATUS(check_name_text(in.name, "契約法人名", true));
    KAKUIN_TRY_STATUS(check_name_kana(in.name_kana, "契約法人名（カナ）"));
    KAKUIN_TRY_STATUS(check_contract_limits(in.upper_limits));
    if (in.admin_contact_email) KAKUIN_TRY_STATUS(check_email(*in.admin_contact_email));
    return {};
}

Status check_contract_change(const ContractChange& c) {
    KAKUIN_TRY_STATUS(check_contract_id_format(c.contract_id));
    if (c.empty()) {
        return make_error(ErrorCode::invalid_request, "nothing to change",
                          "変更する項目を入力してください。");
    }
    if (c.name) KAKUIN_TRY_STATUS(check_name_text(*c.name, "契約法人名", true));
    if (c.name_kana) KAKUIN_TRY_STATUS(check_name_kana(*c.name_kana, "契約法人名（カナ）"));
    if (c.upper_limits) KAKUIN_TRY_STATUS(check_contract_limits(*c.upper_limits));
    if (c.admin_contact_email && !c.admin_contact_email->empty())
        KAKUIN_TRY_STATUS(check_email(*c.admin_contact_email));
    return {};
}

Status check_request_number(const std::string& request_number) {
    bool ok = !request_number.empty() && request_number.size() <= kMaxRequestNumberChars;
    for (char ch : request_number) {
        if (!((ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
              ch == '-')) {
            ok = false;
        }
    }
    if (!ok) {
        return make_error(ErrorCode::invalid_request, "request number must be 1-32 alphanumerics or -",
                          "依頼書番号は半角英数字32文字以内で入力してください。");
    }
    return {};
}

BankService::BankService(const ServiceContext& ctx, CertificateService& certificates)
    : ctx_(ctx), certificates_(certificates) {}

// ---- Before the transaction. ----

Result<PreparedPins> BankService::prepare_pins(const std::string& contract_id) {
    KAKUIN_TRY_STATUS(check_contract_id_format(contract_id));
    PreparedPins out;
    KAKUIN_TRY(out.login_pin, random_initial_pin(ctx_.policy, ctx_.random, contract_id));
    do {
        KAKUIN_TRY(out.confirmation_pin, random_initial_pin(ctx_.policy, ctx_.random, contract_id));
    } while (out.confirmation_pin == out.login_pin);
    KAKUIN_TRY(out.login_hash, auth::hash_pin(out.login_pin, ctx_.pin_hash, ctx_.random));
    KAKUIN_TRY(out.confirmation_hash,
               auth::hash_pin(out.confirmation_pin, ctx_.pin_hash, ctx_.random));
    return out;
}

Result<PreparedContract> BankService::prepare_contract(const ContractInput& in) {
    KAKUIN_TRY_STATUS(check_contract_input(in));
    PreparedContract out;
    out.input = in;
    KAKUIN_TRY(out.pins, prepare_pins(in.contract_id));
    out.totp_secret.resize(auth::kTotpSecretBytes);
    ctx_.random.fill(out.totp_secret);
    return out;
}

// ---- Inside a transaction. ----

Result<ContractCreated> BankService::create_contract_in(Transaction& tx, const Actor& bank_actor,
                                                        const PreparedContract& prepared,
                                                        TimePoint now) {
    const ContractInput& in = prepared.input;
    ContractCreated out;
    out.admin_login_pin = prepared.pins.login_pin;
    out.admin_confirmation_pin = prepared.pins.confirmation_pin;
    out.admin_totp_secret_base32 = auth::base32_encode(prepared.totp_secret, false);
    out.admin_otpauth_uri = auth::otpauth_uri({ctx_.policy.bank_name, in.contract_id},
                                              prepared.totp_secret, ctx_.policy.otp_step_seconds);
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
    admin.login_pin_hash = prepared.pins.login_hash;
    admin.confirmation_pin_hash = prepared.pins.confirmation_hash;
    admin.contact_email = in.admin_contact_email;
    admin.created_at = now;

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
    token.secret = prepared.totp_secret;
    token.step_seconds = ctx_.policy.otp_step_seconds;
    token.digits = 6;
    token.registered_at = now;
    KAKUIN_TRY_STATUS(tx.upsert_otp_token(token));
    KAKUIN_TRY_STATUS(tx.append_history(usage(bank_actor, admin.key, history_kind::contract_registered,
                                              now, std::string(login_method_name(c.login_method)))));
    KAKUIN_TRY_STATUS(tx.append_history(
        usage(bank_actor, admin.key, admin_history_kind::otp_token_registered, now, "software")));
    if (c.login_method == LoginMethod::certificate) {
        KAKUIN_TRY(CertificateSlot slot, tx.load_slot_for_update(admin.key));
        KAKUIN_TRY(Transition t, kakuin::register_issuance(slot, ctx_.policy.certificate, now));
        KAKUIN_TRY_STATUS(apply_slot_transition(
            tx, admin.key, t, now,
            usage(bank_actor, admin.key, history_kind::certificate_registered, now,
                  transition_detail(t))));
        out.admin_certificate = t.slot;
    }
    return out;
}

Status BankService::change_contract_in(Transaction& tx, const Actor& bank_actor,
                                       const ContractChange& change, TimePoint now) {
    KAKUIN_TRY_STATUS(check_contract_change(change));
    KAKUIN_TRY(auto c, tx.find_contract(change.contract_id));
    if (!c) return no_contract(change.contract_id);
    if (change.name || change.name_kana || change.login_method) {
        if (change.name) c->name_kanji = *change.name;
        if (change.name_kana) c->name_kana = *change.name_kana;
        if (change.login_method) c->login_method = *change.login_method;
        KAKUIN_TRY_STATUS(tx.update_contract_details(*c));
    }
    if (change.upper_limits)
        KAKUIN_TRY_STATUS(tx.save_contract_limits(change.contract_id, *change.upper_limits));
    const PersonKey admin_key = PersonKey::admin(change.contract_id);
    if (change.login_method == LoginMethod::certificate) {
        // As at registration (R1): a certificate contract's administrator can acquire one.
        KAKUIN_TRY(CertificateSlot slot, tx.load_slot_for_update(admin_key));
        if (slot.phase == SlotPhase::none) {
            KAKUIN_TRY(Transition t, kakuin::register_issuance(slot, ctx_.policy.certificate, now));
            KAKUIN_TRY_STATUS(apply_slot_transition(
                tx, admin_key, t, now,
                usage(bank_actor, admin_key, history_kind::certificate_registered, now,
                      transition_detail(t))));
        }
    }
    if (change.admin_contact_email) {
        KAKUIN_TRY(auto admin, tx.find_person(admin_key));
        if (!admin) return no_contract(change.contract_id);
        admin->contact_email = change.admin_contact_email->empty()
                                   ? std::nullopt
                                   : std::optional<std::string>(*change.admin_contact_email);
        KAKUIN_TRY_STATUS(tx.update_person(*admin));
    }
    UsageRecord r = usage(bank_actor, admin_key, history_kind::contract_changed, now,
                          change_fields(change));
    r.target_user_id.reset();
    KAKUIN_TRY_STATUS(tx.append_history(r));
    return {};
}

Status BankService::unlock_admin_in(Transaction& tx, const Actor& bank_actor,
                                    const std::string& contract_id, TimePoint now) {
    KAKUIN_TRY_STATUS(check_contract_id_format(contract_id));
    const PersonKey key = PersonKey::admin(contract_id);
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
}

Result<CertificateSlot> BankService::reissue_admin_certificate_in(Transaction& tx,
                                                                  const Actor& bank_actor,
                                                                  const std::string& contract_id,
                                                                  const std::string& request_number,
                                                                  TimePoint now) {
    KAKUIN_TRY_STATUS(check_contract_id_format(contract_id));
    KAKUIN_TRY_STATUS(check_request_number(request_number));
    const PersonKey key = PersonKey::admin(contract_id);
    KAKUIN_TRY(auto p, tx.find_person(key));
    if (!p) return no_contract(contract_id);
    KAKUIN_TRY(CertificateSlot slot, tx.load_slot_for_update(key));
    KAKUIN_TRY(Transition t, kakuin::reissue(slot, ctx_.policy.certificate, now));
    KAKUIN_TRY_STATUS(apply_slot_transition(
        tx, key, t, now,
        usage(bank_actor, key, history_kind::certificate_reissued, now,
              "request " + request_number + ", " + transition_detail(t))));
    return t.slot;
}

Status BankService::reset_admin_pins_in(Transaction& tx, const Actor& bank_actor,
                                        const std::string& contract_id, const PreparedPins& pins,
                                        TimePoint now) {
    KAKUIN_TRY_STATUS(check_contract_id_format(contract_id));
    const PersonKey key = PersonKey::admin(contract_id);
    KAKUIN_TRY(auto p, tx.find_person(key));
    if (!p) return no_contract(contract_id);
    p->login_pin_hash = pins.login_hash;
    p->confirmation_pin_hash = pins.confirmation_hash;
    KAKUIN_TRY_STATUS(tx.update_person(*p));
    KAKUIN_TRY_STATUS(tx.append_history(usage(bank_actor, key, history_kind::user_changed, now,
                                              "login_pin reset, confirmation_pin reset")));
    return {};
}

Status BankService::set_suspended_in(Transaction& tx, const Actor& bank_actor,
                                     const std::string& contract_id, bool suspended,
                                     TimePoint now) {
    KAKUIN_TRY_STATUS(check_contract_id_format(contract_id));
    KAKUIN_TRY(auto c, tx.find_contract(contract_id));
    if (!c) return no_contract(contract_id);
    KAKUIN_TRY_STATUS(tx.update_contract_flags(contract_id, suspended, c->transactions_stopped));
    UsageRecord r = usage(bank_actor, PersonKey::admin(contract_id), history_kind::contract_changed,
                          now, suspended ? "suspended=1" : "suspended=0");
    r.target_user_id.reset();
    KAKUIN_TRY_STATUS(tx.append_history(r));
    return {};
}

// ---- One transaction each. ----

Result<ContractCreated> BankService::create_contract(const Actor& bank_actor,
                                                     const ContractInput& in) {
    KAKUIN_TRY(PreparedContract prepared, prepare_contract(in));
    const TimePoint now = ctx_.clock.now();
    return in_transaction<ContractCreated>(ctx_.store, TxMode::write, [&](Transaction& tx) {
        return create_contract_in(tx, bank_actor, prepared, now);
    });
}

Status BankService::unlock_admin(const Actor& bank_actor, const std::string& contract_id) {
    KAKUIN_TRY_STATUS(check_contract_id_format(contract_id));
    const TimePoint now = ctx_.clock.now();
    return in_transaction<void>(ctx_.store, TxMode::write, [&](Transaction& tx) {
        return unlock_admin_in(tx, bank_actor, contract_id, now);
    });
}

Result<CertificateSlot> BankService::reissue_admin_certificate(const Actor& bank_actor,
                                                               const std::string& contract_id,
                                                               const std::string& request_number) {
    KAKUIN_TRY_STATUS(check_contract_id_format(contract_id));
    KAKUIN_TRY_STATUS(check_request_number(request_number));
    const TimePoint now = ctx_.clock.now();
    return in_transaction<CertificateSlot>(ctx_.store, TxMode::write, [&](Transaction& tx) {
        return reissue_admin_certificate_in(tx, bank_actor, contract_id, request_number, now);
    });
}

Result<BankService::PinsReset> BankService::reset_admin_pins(const Actor& bank_actor,
                                                             const std::string& contract_id) {
    KAKUIN_TRY(PreparedPins pins, prepare_pins(contract_id));
    const TimePoint now = ctx_.clock.now();
    KAKUIN_TRY_STATUS(in_transaction<void>(ctx_.store, TxMode::write, [&](Transaction& tx) {
        return reset_admin_pins_in(tx, bank_actor, contract_id, pins, now);
    }));
    return PinsReset{pins.login_pin, pins.confirmation_pin};
}

Status BankService::set_suspended(const Actor& bank_actor, const std::string& contract_id,
                                  bool suspended) {
    KAKUIN_TRY_STATUS(check_contract_id_format(contract_id));
    const TimePoint now = ctx_.clock.now();
    return in_transaction<void>(ctx_.store, TxMode::write, [&](Transaction& tx) {
        return set_suspended_in(tx, bank_actor, contract_id, suspended, now);
    });
}

// ---- Reads. ----

Result<ContractLimits> BankService::contract_limits(const std::string& contract_id) {
    return in_transaction<ContractLimits>(ctx_.store, TxMode::read,
                                          [&](Transaction& tx) -> Result<ContractLimits> {
        KAKUIN_TRY(auto c, tx.find_contract(contract_id));
        if (!c) return no_contract(contract_id);
        return tx.load_contract_limits(contract_id);
    });
}

Result<std::vector<Contract>> BankService::search_contracts(const std::string& q, int limit) {
    if (q.size() > kMaxSearchBytes) {
        return make_error(ErrorCode::invalid_request, "q longer than 60 bytes",
                          "検索文字列が長すぎます。");
    }
    return in_transaction<std::vector<Contract>>(ctx_.store, TxMode::read, [&](Transaction& tx) {
        return tx.search_contracts(q, limit);
    });
}

Result<ContractOverview> BankService::view_contract(const std::string& contract_id) {
    KAKUIN_TRY_STATUS(check_contract_id_format(contract_id));
    const TimePoint now = ctx_.clock.now();
    return in_transaction<ContractOverview>(ctx_.store, TxMode::read,
                                            [&](Transaction& tx) -> Result<ContractOverview> {
        KAKUIN_TRY(auto c, tx.find_contract(contract_id));
        if (!c) return no_contract(contract_id);
        ContractOverview o;
        o.contract = *c;
        KAKUIN_TRY(o.upper_limits, tx.load_contract_limits(contract_id));
        KAKUIN_TRY(auto persons, tx.list_persons(contract_id));
        for (const Person& p : persons) {
            if (!p.key.user_id.empty()) {
                ++o.users;
                continue;
            }
            o.admin_locked = p.locked;
            o.admin_failure_count = p.failure_count;
            o.admin_contact_email = p.contact_email;
            o.admin_last_login_at = p.last_login_at;
            KAKUIN_TRY(CertificateSlot slot, tx.load_slot_for_update(p.key));
            o.admin_certificate = certificate_summary(slot, now);
        }
        return o;
    });
}

}  // namespace kakuin::service
