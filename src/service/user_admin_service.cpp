#include "service/user_admin_service.h"

#include <array>

#include "auth/base32.h"
#include "auth/lockout.h"
#include "auth/otpauth_uri.h"
#include "auth/pin_hash.h"
#include "auth/pin_policy.h"
#include "auth/qr_svg.h"
#include "service/admin_support.h"
#include "service/unit_of_work.h"
#include "service/usage.h"

namespace kakuin::service {

using store::Transaction;
using store::TxMode;

namespace {

constexpr std::size_t kSoftwareSecretBytes = 20;  // 160 bits, RFC 4226's recommendation
constexpr std::size_t kMinHardwareSecretBytes = 10;
constexpr std::size_t kMaxHardwareSecretBytes = 64;
constexpr std::size_t kMaxHardwareSerialChars = 32;
constexpr std::size_t kMaxConfirmationPinBytes = 128;

Error forbidden(std::string detail) { return make_error(ErrorCode::forbidden, std::move(detail)); }

Error user_not_found(const std::string& user_id) {
    return make_error(ErrorCode::not_found, "no user " + user_id + " in this contract",
                      "指定された利用者は登録されていません。");
}

// Any active session (reads of one's own records).
Status check_active(const SessionInfo& s) {
    if (!s.active()) return forbidden("the session has not completed its OTP step");
    return {};
}

Status check_admin(const SessionInfo& s) {
    KAKUIN_TRY_STATUS(check_active(s));
    if (s.role() != Role::admin) return forbidden("only the administrator may do this");
    return {};
}

Actor actor_of(const SessionInfo& s, const SourceAddress& source) {
    return Actor::person(s.person, source);
}

// The administrator addresses users by their ID; an empty ID would be the administrator
// themself, whose certificate and account are the bank's business (R14, R24).
Result<PersonKey> user_key(const SessionInfo& actor, const std::string& user_id) {
    if (user_id.empty()) return forbidden("the administrator cannot manage their own account here");
    if (!is_valid_user_id(user_id)) return user_not_found(user_id);
    return PersonKey::user(actor.person.contract_id, user_id);
}

Result<Person> load_user(Transaction& tx, const PersonKey& key) {
    KAKUIN_TRY(auto p, tx.find_person(key));
    if (!p) return user_not_found(key.user_id);
    return std::move(*p);
}

Status check_new_pin_pair(const BankPolicy& policy, const PersonKey& key, const std::string& pin,
                          const std::string& again, std::string_view field_ja) {
    Status s = auth::check_new_pin(policy.pin, auth::NewPin{pin, again, key.contract_id, key.user_id});
    if (!s.ok()) {
        Error e = s.take_error();
        if (!e.detail_ja.empty()) e.detail_ja = std::string(field_ja) + "：" + e.detail_ja;
        return e;
    }
    return {};
}

PersonStates states_of(const Person& p) {
    return PersonStates{p.accident, p.suspended, p.otp_locked, p.locked};
}

Result<UserDetail> load_detail(Transaction& tx, const Person& p, TimePoint now) {
    UserDetail d;
    d.user_id = p.key.user_id;
    d.name_kana = p.name_kana;
    d.name_kanji = p.name_kanji;
    d.authority = p.authority;
    d.states = states_of(p);
    d.failure_count = p.failure_count;
    d.contact_email = p.contact_email;
    d.last_login_at = p.last_login_at;
    d.created_at = p.created_at;
    KAKUIN_TRY(d.permissions, tx.load_permissions(p.key));
    KAKUIN_TRY(CertificateSlot slot, tx.load_slot_for_update(p.key));
    d.certificate = certificate_summary(slot, now);
    KAKUIN_TRY(auto token, tx.find_otp_token(p.key));
    if (token) {
        d.token = token->kind == store::OtpTokenKind::hardware ? TokenKind::hardware
                                                               : TokenKind::software;
    }
    return d;
}

std::string flag(std::string_view name, bool v) {
    return std::string(name) + (v ? "=1" : "=0");
}

void append_field(std::string& out, std::string_view field) {
    if (!out.empty()) out += ", ";
    out += field;
}

}  // namespace

std::string_view token_kind_name(TokenKind k) {
    switch (k) {
        case TokenKind::software: return "software";
        case TokenKind::hardware: return "hardware";
        case TokenKind::none: break;
    }
    return "none";
}

bool certificate_handling_from_name(std::string_view s, CertificateHandling& out) {
    if (s == "keep") out = CertificateHandling::keep;
    else if (s == "reissue") out = CertificateHandling::reissue;
    else if (s == "revoke") out = CertificateHandling::revoke;
    else return false;
    return true;
}

UserAdminService::UserAdminService(const ServiceContext& ctx, CertificateService& certificates)
    : ctx_(ctx), certificates_(certificates) {}

// ---- The confirmation PIN (契約法人確認暗証番号). ----

Result<Person> UserAdminService::confirm(const SessionInfo& actor,
                                         const std::string& confirmation_pin,
                                         const SourceAddress& source) {
    KAKUIN_TRY_STATUS(check_admin(actor));
    const PersonKey admin_key = actor.person;
    KAKUIN_TRY(Person admin, in_transaction<Person>(ctx_.store, TxMode::read,
                                                    [&](Transaction& tx) -> Result<Person> {
        KAKUIN_TRY(auto p, tx.find_person(admin_key));
        if (!p) return forbidden("the administrator no longer exists");
        return std::move(*p);
    }));
    KAKUIN_TRY_STATUS(auth::check_not_locked({admin.failure_count, admin.locked}));
    // Argon2id is slow on purpose: verify outside the write lock; reconfirm() later makes sure
    // the hash verified here is still the administrator's.
    Status verified = confirmation_pin.size() > kMaxConfirmationPinBytes || admin.confirmation_pin_hash.empty()
                          ? Status(make_error(ErrorCode::pin_incorrect))
                          : auth::verify_pin(confirmation_pin, admin.confirmation_pin_hash);
    if (verified.ok()) return admin;
    if (verified.error().code != ErrorCode::pin_incorrect) return verified.take_error();

    // A wrong confirmation PIN: count it (R8) and record it (R16); change nothing else.
    const TimePoint now = ctx_.clock.now();
    const Actor who = actor_of(actor, source);
    KAKUIN_TRY_STATUS(in_transaction<void>(ctx_.store, TxMode::write, [&](Transaction& tx) -> Status {
        KAKUIN_TRY(auto current, tx.find_person(admin_key));
        if (!current) return forbidden("the administrator no longer exists");
        const auth::LockoutState before{current->failure_count, current->locked};
        const auth::LockoutState after = auth::apply_failure(before, ctx_.policy.lockout_threshold);
        current->failure_count = after.consecutive_failures;
        current->locked = after.locked;
        KAKUIN_TRY_STATUS(tx.update_person(*current));
        KAKUIN_TRY_STATUS(tx.append_history(failure_usage(
            who, admin_key, admin_history_kind::confirmation_pin_failed, now,
            error_code_name(ErrorCode::confirmation_pin_incorrect),
            "failure " + std::to_string(after.consecutive_failures))));
        if (after.locked && !before.locked) {
            KAKUIN_TRY_STATUS(tx.append_history(usage(who, admin_key, admin_history_kind::person_locked,
                                                      now, "after confirmation PIN failures")));
        }
        return {};
    }));
    return make_error(ErrorCode::confirmation_pin_incorrect, "wrong confirmation PIN");
}

Status UserAdminService::reconfirm(Transaction& tx, const Person& confirmed) {
    KAKUIN_TRY(auto current, tx.find_person(confirmed.key));
    if (!current) return forbidden("the administrator no longer exists");
    KAKUIN_TRY_STATUS(auth::check_not_locked({current->failure_count, current->locked}));
    if (current->confirmation_pin_hash != confirmed.confirmation_pin_hash) {
        return make_error(ErrorCode::conflict, "the confirmation PIN changed meanwhile");
    }
    if (current->failure_count != 0) {
        current->failure_count = 0;
        KAKUIN_TRY_STATUS(tx.update_person(*current));
    }
    return {};
}

// ---- Reads. ----

Result<std::vector<UserSummary>> UserAdminService::list_users(const SessionInfo& actor) {
    KAKUIN_TRY_STATUS(check_admin(actor));
    const TimePoint now = ctx_.clock.now();
    using List = std::vector<UserSummary>;
    return in_transaction<List>(ctx_.store, TxMode::read, [&](Transaction& tx) -> Result<List> {
        // Three queries for the whole list, not two per user.
        const std::string& contract_id = actor.person.contract_id;
        KAKUIN_TRY(auto persons, tx.list_persons(contract_id));
        KAKUIN_TRY(auto permissions, tx.list_permissions(contract_id));
        KAKUIN_TRY(auto slots, tx.list_slots(contract_id));
        List out;
        out.reserve(persons.size());
        for (const Person& p : persons) {
            if (p.key.role() == Role::admin) continue;
            UserSummary u;
            u.user_id = p.key.user_id;
            u.name_kana = p.name_kana;
            u.name_kanji = p.name_kanji;
            u.authority = p.authority;
            u.states = states_of(p);
            if (auto it = permissions.find(p.key.user_id); it != permissions.end()) u.permissions = it->second;
            u.permissions_summary = permissions_summary_ja(u.permissions);
            auto slot = slots.find(p.key.user_id);
            if (slot == slots.end()) {
                return make_error(ErrorCode::not_found, "no slot for user " + p.key.user_id);
            }
            u.certificate = certificate_summary(slot->second, now);
            out.push_back(std::move(u));
        }
        return out;
    });
}

Result<UserDetail> UserAdminService::get_user(const SessionInfo& actor, const std::string& user_id) {
    KAKUIN_TRY_STATUS(check_admin(actor));
    KAKUIN_TRY(PersonKey key, user_key(actor, user_id));
    const TimePoint now = ctx_.clock.now();
    return in_transaction<UserDetail>(ctx_.store, TxMode::read, [&](Transaction& tx) -> Result<UserDetail> {
        KAKUIN_TRY(Person p, load_user(tx, key));
        return load_detail(tx, p, now);
    });
}

Result<store::HistoryPage> UserAdminService::history(const SessionInfo& actor,
                                                     const HistoryFilter& filter) {
    KAKUIN_TRY_STATUS(check_active(actor));
    store::HistoryQuery q;
    q.contract_id = actor.person.contract_id;
    if (actor.role() == Role::admin) {
        if (filter.user_id) {
            if (!filter.user_id->empty() && !is_valid_user_id(*filter.user_id)) {
                return make_error(ErrorCode::invalid_request, "bad user ID filter",
                                  "利用者IDは半角英数字16文字以内で入力してください。");
            }
            q.target_user_id = *filter.user_id;
        }
    } else {
        // A user sees only the records about themself (R16).
        if (filter.user_id && *filter.user_id != actor.person.user_id) {
            return forbidden("a user sees only their own history");
        }
        q.target_user_id = actor.person.user_id;
    }
    q.kind = filter.kind;
    q.from = filter.from;
    q.until = filter.until;
    q.after = filter.after;
    q.limit = filter.limit;
    return in_transaction<store::HistoryPage>(ctx_.store, TxMode::read, [&](Transaction& tx) {
        return tx.list_history(q);
    });
}

// ---- Writes. ----

Result<UserDetail> UserAdminService::register_user(const SessionInfo& actor, const UserInput& in,
                                                   const std::string& confirmation_pin,
                                                   const SourceAddress& source) {
    KAKUIN_TRY_STATUS(check_admin(actor));
    const PersonKey key = PersonKey::user(actor.person.contract_id, in.user_id);
    if (!is_valid_user_id(in.user_id)) {
        return make_error(ErrorCode::invalid_request, "user ID must be 1-16 half-width alphanumerics",
                          "利用者IDは半角英数字16文字以内で入力してください。");
    }
    KAKUIN_TRY_STATUS(check_name_kana(in.name_kana, "利用者名（カナ）"));
    KAKUIN_TRY_STATUS(check_name_text(in.name_kanji, "利用者名（漢字）", false));
    if (in.contact_email) KAKUIN_TRY_STATUS(check_email(*in.contact_email));
    KAKUIN_TRY_STATUS(check_new_pin_pair(ctx_.policy, key, in.login_pin, in.login_pin_again,
                                         "ログイン暗証番号"));
    KAKUIN_TRY_STATUS(check_new_pin_pair(ctx_.policy, key, in.confirmation_pin,
                                         in.confirmation_pin_again, "確認暗証番号"));
    KAKUIN_TRY_STATUS(check_permissions(in.permissions, ContractLimits{}));

    KAKUIN_TRY(Person admin, confirm(actor, confirmation_pin, source));
    KAKUIN_TRY(std::string login_hash, auth::hash_pin(in.login_pin, ctx_.pin_hash, ctx_.random));
    KAKUIN_TRY(std::string confirmation_hash,
               auth::hash_pin(in.confirmation_pin, ctx_.pin_hash, ctx_.random));

    const TimePoint now = ctx_.clock.now();
    const Actor who = actor_of(actor, source);
    return in_transaction<UserDetail>(ctx_.store, TxMode::write, [&](Transaction& tx) -> Result<UserDetail> {
        KAKUIN_TRY_STATUS(reconfirm(tx, admin));
        KAKUIN_TRY(auto existing, tx.find_person(key));
        if (existing) {
            return make_error(ErrorCode::conflict, "user ID taken",
                              "この利用者IDは既に登録されています。");
        }
        KAKUIN_TRY(auto persons, tx.list_persons(key.contract_id));
        const auto users = static_cast<int>(persons.size()) - 1;  // minus the administrator
        if (users >= ctx_.policy.max_users) {
            return make_error(ErrorCode::invalid_request,
                              "the contract already has " + std::to_string(users) + " users",
                              "登録できる利用者数（" + std::to_string(ctx_.policy.max_users) +
                                  "名）を超えています。");
        }
        KAKUIN_TRY(ContractLimits limits, tx.load_contract_limits(key.contract_id));
        KAKUIN_TRY_STATUS(check_permissions(in.permissions, limits));

        Person p;
        p.key = key;
        p.name_kana = in.name_kana;
        p.name_kanji = in.name_kanji;
        p.authority = in.authority;
        p.contact_email = in.contact_email;
        p.login_pin_hash = login_hash;
        p.confirmation_pin_hash = confirmation_hash;
        p.created_at = now;
        KAKUIN_TRY_STATUS(tx.insert_person(p));
        KAKUIN_TRY_STATUS(tx.save_permissions(key, in.permissions));
        KAKUIN_TRY_STATUS(tx.append_history(usage(who, key, history_kind::user_registered, now,
                                                  std::string(authority_name(p.authority)))));
        if (in.issue_certificate) {
            KAKUIN_TRY(CertificateSlot slot, tx.load_slot_for_update(key));
            KAKUIN_TRY(Transition t, kakuin::register_issuance(slot, ctx_.policy.certificate, now));
            KAKUIN_TRY_STATUS(apply_slot_transition(
                tx, key, t, now,
                usage(who, key, history_kind::certificate_registered, now, transition_detail(t))));
        }
        return load_detail(tx, p, now);
    });
}

Result<UserDetail> UserAdminService::change_user(const SessionInfo& actor, const std::string& user_id,
                                                 const UserChange& ch, CertificateHandling certificate,
                                                 const std::string& confirmation_pin,
                                                 const SourceAddress& source) {
    KAKUIN_TRY_STATUS(check_admin(actor));
    KAKUIN_TRY(PersonKey key, user_key(actor, user_id));
    if (ch.name_kana) KAKUIN_TRY_STATUS(check_name_kana(*ch.name_kana, "利用者名（カナ）"));
    if (ch.name_kanji) KAKUIN_TRY_STATUS(check_name_text(*ch.name_kanji, "利用者名（漢字）", false));
    if (ch.contact_email && *ch.contact_email) KAKUIN_TRY_STATUS(check_email(**ch.contact_email));
    if (ch.login_pin) {
        KAKUIN_TRY_STATUS(check_new_pin_pair(ctx_.policy, key, ch.login_pin->pin,
                                             ch.login_pin->pin_again, "ログイン暗証番号"));
    }
    if (ch.confirmation_pin) {
        KAKUIN_TRY_STATUS(check_new_pin_pair(ctx_.policy, key, ch.confirmation_pin->pin,
                                             ch.confirmation_pin->pin_again, "確認暗証番号"));
    }
    if (ch.permissions) KAKUIN_TRY_STATUS(check_permissions(*ch.permissions, ContractLimits{}));

    KAKUIN_TRY(Person admin, confirm(actor, confirmation_pin, source));
    std::optional<std::string> login_hash, confirmation_hash;
    if (ch.login_pin) {
        KAKUIN_TRY(login_hash, auth::hash_pin(ch.login_pin->pin, ctx_.pin_hash, ctx_.random));
    }
    if (ch.confirmation_pin) {
        KAKUIN_TRY(confirmation_hash,
                   auth::hash_pin(ch.confirmation_pin->pin, ctx_.pin_hash, ctx_.random));
    }

    const TimePoint now = ctx_.clock.now();
    const Actor who = actor_of(actor, source);
    return in_transaction<UserDetail>(ctx_.store, TxMode::write, [&](Transaction& tx) -> Result<UserDetail> {
        KAKUIN_TRY_STATUS(reconfirm(tx, admin));
        KAKUIN_TRY(Person p, load_user(tx, key));
        std::string changed;  // field names and states only, never a secret
        if (ch.name_kana && *ch.name_kana != p.name_kana) {
            p.name_kana = *ch.name_kana;
            append_field(changed, "name_kana");
        }
        if (ch.name_kanji && *ch.name_kanji != p.name_kanji) {
            p.name_kanji = *ch.name_kanji;
            append_field(changed, "name_kanji");
        }
        if (ch.authority && *ch.authority != p.authority) {
            p.authority = *ch.authority;
            append_field(changed, "authority=" + std::string(authority_name(p.authority)));
        }
        if (ch.contact_email && *ch.contact_email != p.contact_email) {
            p.contact_email = *ch.contact_email;
            append_field(changed, "contact_email");
        }
        if (login_hash) {
            p.login_pin_hash = *login_hash;
            append_field(changed, "login_pin reset");
        }
        if (confirmation_hash) {
            p.confirmation_pin_hash = *confirmation_hash;
            append_field(changed, "confirmation_pin reset");
        }
        if (ch.accident && *ch.accident != p.accident) {
            p.accident = *ch.accident;
            append_field(changed, flag("accident", p.accident));
        }
        if (ch.suspended && *ch.suspended != p.suspended) {
            p.suspended = *ch.suspended;
            append_field(changed, flag("suspended", p.suspended));
        }
        if (ch.otp_locked && *ch.otp_locked != p.otp_locked) {
            p.otp_locked = *ch.otp_locked;
            append_field(changed, flag("otp_locked", p.otp_locked));
        }
        if (ch.permissions) {
            KAKUIN_TRY(ContractLimits limits, tx.load_contract_limits(key.contract_id));
            KAKUIN_TRY_STATUS(check_permissions(*ch.permissions, limits));
            KAKUIN_TRY(Permissions before, tx.load_permissions(key));
            if (before != *ch.permissions) {
                KAKUIN_TRY_STATUS(tx.save_permissions(key, *ch.permissions));
                append_field(changed, "permissions");
            }
        }
        if (!changed.empty()) {
            KAKUIN_TRY_STATUS(tx.update_person(p));
            KAKUIN_TRY_STATUS(tx.append_history(usage(who, key, history_kind::user_changed, now, changed)));
        }
        if (certificate != CertificateHandling::keep) {
            KAKUIN_TRY(CertificateSlot slot, tx.load_slot_for_update(key));
            if (certificate == CertificateHandling::reissue) {
                KAKUIN_TRY(Transition t, kakuin::reissue(slot, ctx_.policy.certificate, now));
                KAKUIN_TRY_STATUS(apply_slot_transition(
                    tx, key, t, now,
                    usage(who, key, history_kind::certificate_reissued, now, transition_detail(t))));
            } else {
                KAKUIN_TRY(Transition t, kakuin::revoke(slot, now, CrlReason::cessation_of_operation));
                KAKUIN_TRY_STATUS(apply_slot_transition(
                    tx, key, t, now,
                    usage(who, key, history_kind::certificate_revoked, now, transition_detail(t))));
            }
        }
        return load_detail(tx, p, now);
    });
}

Status UserAdminService::delete_user(const SessionInfo& actor, const std::string& user_id,
                                     const std::string& confirmation_pin,
                                     const SourceAddress& source) {
    KAKUIN_TRY_STATUS(check_admin(actor));
    KAKUIN_TRY(PersonKey key, user_key(actor, user_id));
    KAKUIN_TRY(Person admin, confirm(actor, confirmation_pin, source));
    const TimePoint now = ctx_.clock.now();
    const Actor who = actor_of(actor, source);
    return in_transaction<void>(ctx_.store, TxMode::write, [&](Transaction& tx) -> Status {
        KAKUIN_TRY_STATUS(reconfirm(tx, admin));
        KAKUIN_TRY(Person p, load_user(tx, key));
        KAKUIN_TRY(CertificateSlot slot, tx.load_slot_for_update(key));
        std::string detail;
        if (slot.status_at(now) == SlotStatus::valid) {
            // 登録抹消 revokes the certificate (R13) in the same transaction.
            KAKUIN_TRY(Transition t, kakuin::revoke(slot, now, CrlReason::cessation_of_operation));
            KAKUIN_TRY_STATUS(tx.mark_certificate_revoked(t.revoke->serial_hex, now, t.revoke->reason));
            detail = "revoked serial " + t.revoke->serial_hex;
        }
        KAKUIN_TRY_STATUS(tx.delete_person(p.key));
        KAKUIN_TRY_STATUS(tx.append_history(usage(who, key, history_kind::user_deleted, now, detail)));
        return {};
    });
}

Result<UserDetail> UserAdminService::unlock_user(const SessionInfo& actor, const std::string& user_id,
                                                 const std::string& confirmation_pin,
                                                 const SourceAddress& source) {
    KAKUIN_TRY_STATUS(check_admin(actor));
    KAKUIN_TRY(PersonKey key, user_key(actor, user_id));
    KAKUIN_TRY(Person admin, confirm(actor, confirmation_pin, source));
    const TimePoint now = ctx_.clock.now();
    const Actor who = actor_of(actor, source);
    return in_transaction<UserDetail>(ctx_.store, TxMode::write, [&](Transaction& tx) -> Result<UserDetail> {
        KAKUIN_TRY_STATUS(reconfirm(tx, admin));
        KAKUIN_TRY(Person p, load_user(tx, key));
        const bool was_locked = p.locked;
        const auth::LockoutState s = auth::apply_unlock({p.failure_count, p.locked});
        p.failure_count = s.consecutive_failures;
        p.locked = s.locked;
        KAKUIN_TRY_STATUS(tx.update_person(p));
        KAKUIN_TRY_STATUS(tx.append_history(usage(who, key, admin_history_kind::person_unlocked, now,
                                                  was_locked ? "unlocked" : "was not locked")));
        return load_detail(tx, p, now);
    });
}

Result<TokenRegistration> UserAdminService::register_token(const SessionInfo& actor,
                                                           const std::string& user_id,
                                                           const TokenRequest& request,
                                                           const std::string& confirmation_pin,
                                                           const SourceAddress& source) {
    KAKUIN_TRY_STATUS(check_admin(actor));
    KAKUIN_TRY(PersonKey key, user_key(actor, user_id));
    std::vector<std::uint8_t> secret;
    if (request.kind == TokenKind::software) {
        secret.resize(kSoftwareSecretBytes);
        ctx_.random.fill(secret);
    } else if (request.kind == TokenKind::hardware) {
        if (request.hardware_secret_base32.size() > auth::kMaxBase32Chars) {
            return make_error(ErrorCode::invalid_request, "hardware token secret too long",
                              "トークンのシードが長すぎます。");
        }
        auto decoded = auth::base32_decode(request.hardware_secret_base32);
        if (!decoded.ok() || decoded->size() < kMinHardwareSecretBytes ||
            decoded->size() > kMaxHardwareSecretBytes) {
            return make_error(ErrorCode::invalid_request, "hardware token secret is not valid base32 of 10-64 bytes",
                              "トークンのシード（Base32）が正しくありません。");
        }
        secret = std::move(*decoded);
        bool serial_ok = !request.hardware_serial.empty() &&
                         request.hardware_serial.size() <= kMaxHardwareSerialChars;
        for (char c : request.hardware_serial) {
            if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-')) {
                serial_ok = false;
            }
        }
        if (!serial_ok) {
            return make_error(ErrorCode::invalid_request, "hardware token serial must be 1-32 alphanumerics or -",
                              "トークンのシリアル番号が正しくありません。");
        }
    } else {
        return make_error(ErrorCode::invalid_request, "token kind must be software or hardware",
                          "トークンの種類が正しくありません。");
    }

    KAKUIN_TRY(Person admin, confirm(actor, confirmation_pin, source));
    const TimePoint now = ctx_.clock.now();
    const Actor who = actor_of(actor, source);
    TokenRegistration out;
    out.kind = request.kind;
    KAKUIN_TRY_STATUS(in_transaction<void>(ctx_.store, TxMode::write, [&](Transaction& tx) -> Status {
        KAKUIN_TRY_STATUS(reconfirm(tx, admin));
        KAKUIN_TRY(Person p, load_user(tx, key));
        store::OtpToken t;
        t.person = key;
        t.kind = request.kind == TokenKind::hardware ? store::OtpTokenKind::hardware
                                                     : store::OtpTokenKind::software;
        t.secret = secret;
        t.step_seconds = ctx_.policy.otp_step_seconds;
        t.digits = 6;
        t.registered_at = now;
        KAKUIN_TRY_STATUS(tx.upsert_otp_token(t));
        std::string detail(token_kind_name(request.kind));
        if (request.kind == TokenKind::hardware) detail += " serial " + request.hardware_serial;
        KAKUIN_TRY_STATUS(tx.append_history(usage(who, p.key, admin_history_kind::otp_token_registered,
                                                  now, std::move(detail))));
        return {};
    }));
    if (request.kind == TokenKind::software) {
        out.secret_base32 = auth::base32_encode(secret, false);
        const std::string account = key.contract_id + " " + key.user_id;
        out.otpauth_uri = auth::otpauth_uri({ctx_.policy.bank_name, account}, secret,
                                            ctx_.policy.otp_step_seconds);
        KAKUIN_TRY(out.qr_svg, auth::qr_svg(out.otpauth_uri));
    }
    return out;
}

Status UserAdminService::stop_transactions(const SessionInfo& actor, bool stop,
                                           const std::string& confirmation_pin,
                                           const SourceAddress& source) {
    KAKUIN_TRY_STATUS(check_admin(actor));
    KAKUIN_TRY(Person admin, confirm(actor, confirmation_pin, source));
    const TimePoint now = ctx_.clock.now();
    const Actor who = actor_of(actor, source);
    const std::string& contract_id = actor.person.contract_id;
    return in_transaction<void>(ctx_.store, TxMode::write, [&](Transaction& tx) -> Status {
        KAKUIN_TRY_STATUS(reconfirm(tx, admin));
        KAKUIN_TRY(auto c, tx.find_contract(contract_id));
        if (!c) return make_error(ErrorCode::not_found, "no contract " + contract_id);
        KAKUIN_TRY_STATUS(tx.update_contract_flags(contract_id, c->suspended, stop));
        UsageRecord r = usage(who, PersonKey::admin(contract_id), history_kind::contract_changed, now,
                              flag("transactions_stopped", stop));
        r.target_user_id.reset();  // the contract itself
        KAKUIN_TRY_STATUS(tx.append_history(r));
        return {};
    });
}

}  // namespace kakuin::service
