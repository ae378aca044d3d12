#include "service/session_service.h"

#include <memory>
#include <optional>

#include "auth/session_token.h"
#include "service/person_auth.h"
#include "service/renewal_service.h"
#include "service/unit_of_work.h"
#include "service/usage.h"

namespace kakuin::service {

using store::SessionPhase;
using store::SessionRecord;
using store::Transaction;

namespace {

// authenticate() writes last_seen at most this often per session (see there).
constexpr Seconds kLastSeenWriteInterval{10};

Error session_expired(std::string detail) {
    return make_error(ErrorCode::session_expired, std::move(detail));
}

SessionInfo info_from(const SessionRecord& r) {
    SessionInfo i;
    i.person = r.person;
    i.state = r.phase == SessionPhase::active ? SessionState::active : SessionState::otp_required;
    i.via_certificate = r.cert_fingerprint.has_value();
    i.certificate_serial = r.cert_serial.value_or("");
    i.csrf_token = r.csrf_token;
    i.previous_login_at = r.previous_login_at;
    i.created_at = r.created_at;
    i.last_seen_at = r.last_seen_at;
    i.certificate_not_after = r.cert_not_after;
    return i;
}

SessionInfo info_from(const SessionRecord& r, const Contract& c) {
    SessionInfo i = info_from(r);
    i.contract = SessionContract{c.name_kanji, c.name_kana, c.transactions_stopped};
    return i;
}

Result<PersonKey> person_key(Role role, const std::string& contract_id, const std::string& user_id) {
    if (!is_valid_contract_id(contract_id)) {
        return make_error(ErrorCode::invalid_request, "malformed contract ID");
    }
    if (role == Role::admin) {
        if (!user_id.empty()) return make_error(ErrorCode::invalid_request, "admin login with a user ID");
        return PersonKey::admin(contract_id);
    }
    if (!is_valid_user_id(user_id)) return make_error(ErrorCode::invalid_request, "malformed user ID");
    return PersonKey::user(contract_id, user_id);
}

// R23: an expired certificate cannot log in; the message says whom to ask.
Error expired_certificate(Role role) { return expired_certificate_error(role); }

// R5: every check of the presented certificate against the store, at `now`.
Status check_certificate(Transaction& tx, const ClientCertificate& presented, Role portal,
                         TimePoint now, CertificateRecord& out) {
    KAKUIN_TRY(auto cert, tx.find_certificate_by_fingerprint(presented.sha256_fingerprint_hex));
    if (!cert || cert->serial_hex != presented.serial_hex) {
        return make_error(ErrorCode::certificate_required, "certificate unknown to the store");
    }
    if (cert->revoked_at) {
        if (cert->revocation_reason == CrlReason::superseded) {
            return make_error(ErrorCode::certificate_not_current, "certificate superseded");
        }
        return make_error(ErrorCode::certificate_revoked, "certificate revoked");
    }
    if (now >= cert->not_after) return expired_certificate(cert->person.role());
    if (cert->person.role() != portal) {
        return make_error(ErrorCode::certificate_wrong_role, "certificate of the other role",
                          cert->person.role() == Role::admin
                              ? "この電子証明書は管理者用です。管理者用のログイン画面をご利用ください。"
                              : "この電子証明書は利用者用です。利用者用のログイン画面をご利用ください。");
    }
    KAKUIN_TRY(CertificateSlot slot, tx.load_slot_for_update(cert->person));
    if (slot.phase != SlotPhase::issued || slot.serial_hex != cert->serial_hex) {
        return make_error(ErrorCode::certificate_not_current, "not the person's current certificate");
    }
    out = std::move(*cert);
    return {};
}

struct NewSessionParts {
    auth::IssuedSessionToken token;
    std::string csrf;
};

}  // namespace

SessionService::SessionService(const ServiceContext& ctx, CertificateService& certificates)
    : ctx_(ctx), certificates_(certificates), dummy_(std::make_unique<DummyPinHash>(ctx)) {}

SessionService::~SessionService() = default;

namespace {

// Makes the session row; when `active`, also ends the person's other sessions, records the
// login and updates last_login_at (R11). `person` is saved by the caller.
Status open_session(Transaction& tx, const ServiceContext& ctx, CertificateService& certificates,
                    Person& person, const Actor& actor, TimePoint now, SessionRecord& rec,
                    bool active);

Status activate(Transaction& tx, const ServiceContext& ctx, CertificateService& certificates,
                Person& person, const Actor& actor, TimePoint now, SessionRecord& rec) {
    (void)ctx;
    reset_failures(person);
    rec.phase = SessionPhase::active;
    rec.previous_login_at = person.last_login_at;
    rec.last_seen_at = now;
    person.last_login_at = now;
    KAKUIN_TRY(int ended, tx.delete_sessions_of(person.key, rec.token_hash));
    if (rec.cert_serial) {
        // R20: the first successful login with the certificate ends the retry.
        KAKUIN_TRY(auto slot, certificates.record_use_in(tx, actor, person.key, *rec.cert_serial, now));
        (void)slot;
    }
    std::string detail = rec.cert_serial ? "certificate serial " + *rec.cert_serial : "ID/PIN";
    if (ended > 0) detail += ", ended " + std::to_string(ended) + " older session(s)";
    KAKUIN_TRY(auto id, tx.append_history(usage(actor, person.key, auth_history::login_succeeded,
                                                now, std::move(detail))));
    (void)id;
    return {};
}

Status open_session(Transaction& tx, const ServiceContext& ctx, CertificateService& certificates,
                    Person& person, const Actor& actor, TimePoint now, SessionRecord& rec,
                    bool active) {
    rec.person = person.key;
    rec.created_at = now;
    rec.last_seen_at = now;
    rec.phase = SessionPhase::otp_required;
    // Sessions abandoned without logoff are removed here rather than by a sweeper.
    // Idle for session_idle_seconds or longer (auth::session_idle_expired): last_seen <= now - idle.
    KAKUIN_TRY(int purged, tx.delete_sessions_idle_since(
                               now - Seconds(ctx.policy.session_idle_seconds) + Seconds(1)));
    (void)purged;
    if (active) KAKUIN_TRY_STATUS(activate(tx, ctx, certificates, person, actor, now, rec));
    KAKUIN_TRY_STATUS(tx.update_person(person));
    return tx.insert_session(rec);
}

}  // namespace

Result<NewSession> SessionService::login_with_pin(const PinLogin& login) {
    KAKUIN_TRY(PersonKey key, person_key(login.role, login.contract_id, login.user_id));
    const Actor actor = Actor::person(key, login.source_address);
    auth::IssuedSessionToken token = auth::issue_session_token(ctx_.random);
    SessionRecord rec;
    rec.token_hash = token.hash_hex;
    rec.csrf_token = auth::issue_csrf_token(ctx_.random);
    auto no_precheck = [](Transaction&, const Contract&, const Person&) -> Status { return {}; };
    KAKUIN_TRY_STATUS(pin_step(
        ctx_, *dummy_, key, login.pin, actor, no_precheck,
        [&](Transaction& tx, Authenticated& a, bool&) -> Status {
            // R6: checked after the PIN, so that it reveals nothing to someone without it.
            KAKUIN_TRY(bool has_certificate, tx.person_has_certificate(key));
            if (has_certificate) {
                return make_error(ErrorCode::certificate_login_only, "certificate issued (R6)");
            }
            KAKUIN_TRY_STATUS(require_otp_token(tx, ctx_.policy, key));
            const bool active = !otp_required_for(ctx_.policy, key.role());
            return open_session(tx, ctx_, certificates_, a.person, actor, ctx_.clock.now(), rec,
                                active);
        }));
    return NewSession{std::move(token.token), info_from(rec)};
}

Result<NewSession> SessionService::login_with_certificate(const CertificateLogin& login) {
    // The certificate decides who logs in; it is checked before the PIN and again in the
    // write transaction (a revocation in between takes effect).
    CertificateRecord cert;
    {
        KAKUIN_TRY(auto tx, ctx_.store.begin(store::TxMode::read));
        KAKUIN_TRY_STATUS(check_certificate(*tx, login.certificate, login.role, ctx_.clock.now(), cert));
    }
    const PersonKey key = cert.person;
    const Actor actor = Actor::person(key, login.source_address);
    auth::IssuedSessionToken token = auth::issue_session_token(ctx_.random);
    SessionRecord rec;
    rec.token_hash = token.hash_hex;
    rec.csrf_token = auth::issue_csrf_token(ctx_.random);
    rec.cert_serial = cert.serial_hex;
    rec.cert_fingerprint = cert.sha256_fingerprint_hex;
    rec.cert_not_after = cert.not_after;
    auto recheck = [&](Transaction& tx, const Contract&, const Person&) -> Status {
        CertificateRecord again;
        return check_certificate(tx, login.certificate, login.role, ctx_.clock.now(), again);
    };
    KAKUIN_TRY_STATUS(pin_step(
        ctx_, *dummy_, key, login.pin, actor, recheck,
        [&](Transaction& tx, Authenticated& a, bool&) -> Status {
            KAKUIN_TRY_STATUS(require_otp_token(tx, ctx_.policy, key));
            const bool active = !otp_required_for(ctx_.policy, key.role());
            return open_session(tx, ctx_, certificates_, a.person, actor, ctx_.clock.now(), rec,
                                active);
        }));
    return NewSession{std::move(token.token), info_from(rec)};
}

Result<SessionInfo> SessionService::submit_otp(std::string_view token, std::string_view otp,
                                               const std::string& source_address) {
    KAKUIN_TRY(std::string hash, auth::session_token_hash(token));
    const TimePoint now = ctx_.clock.now();
    const Seconds idle(ctx_.policy.session_idle_seconds);
    return in_write_keeping_failures<SessionInfo>(
        ctx_.store, [&](Transaction& tx, bool& keep) -> Result<SessionInfo> {
            KAKUIN_TRY(auto rec, tx.find_session(hash));
            if (!rec) return session_expired("unknown session");
            if (auth::session_idle_expired(rec->last_seen_at, now, idle)) {
                KAKUIN_TRY_STATUS(tx.delete_session(hash));
                keep = true;
                return session_expired("idle timeout");
            }
            if (rec->phase == SessionPhase::active) {
                return make_error(ErrorCode::invalid_request, "the OTP step is already done");
            }
            KAKUIN_TRY(auto contract, tx.find_contract(rec->person.contract_id));
            KAKUIN_TRY(auto person, tx.find_person(rec->person));
            if (!contract || !person) return session_expired("person no longer exists");
            KAKUIN_TRY_STATUS(check_can_authenticate(*contract, *person));
            const Actor actor = Actor::person(person->key, source_address);
            KAKUIN_TRY_STATUS(otp_step(tx, ctx_, *person, otp, actor, now, keep));
            KAKUIN_TRY_STATUS(activate(tx, ctx_, certificates_, *person, actor, now, *rec));
            KAKUIN_TRY_STATUS(tx.update_person(*person));
            KAKUIN_TRY_STATUS(tx.update_session(*rec));
            return info_from(*rec, *contract);
        });
}

Result<SessionInfo> SessionService::authenticate(std::string_view token,
                                                 const std::optional<ClientCertificate>& presented,
                                                 bool allow_pending) {
    KAKUIN_TRY(std::string hash, auth::session_token_hash(token));
    const TimePoint now = ctx_.clock.now();
    const Seconds idle(ctx_.policy.session_idle_seconds);
    // Fast path, a read transaction (no writer lock, no commit): a session that passes every
    // check below and whose stored last_seen is younger than kLastSeenWriteInterval is not
    // written again. The stored last_seen thus lags the real last use by less than that
    // interval, so an idle timeout can only come that much EARLIER, never later. Anything
    // else (unknown, mismatch, expired, pending, suspended, stale last_seen) takes the write
    // path below, which decides and records exactly as before.
    {
        auto fast = in_transaction<std::optional<SessionInfo>>(
            ctx_.store, store::TxMode::read,
            [&](Transaction& tx) -> Result<std::optional<SessionInfo>> {
                KAKUIN_TRY(auto rec, tx.find_session(hash));
                if (!rec) return std::optional<SessionInfo>{};
                if (rec->cert_fingerprint.has_value() != presented.has_value() ||
                    (presented && *rec->cert_fingerprint != presented->sha256_fingerprint_hex))
                    return std::optional<SessionInfo>{};
                if (auth::session_idle_expired(rec->last_seen_at, now, idle) ||
                    (rec->cert_not_after && now >= *rec->cert_not_after))
                    return std::optional<SessionInfo>{};
                if (now < rec->last_seen_at || now - rec->last_seen_at >= kLastSeenWriteInterval)
                    return std::optional<SessionInfo>{};
                if (rec->phase != SessionPhase::active && !allow_pending)
                    return std::optional<SessionInfo>{};
                KAKUIN_TRY(auto contract, tx.find_contract(rec->person.contract_id));
                if (!contract || contract->suspended) return std::optional<SessionInfo>{};
                return std::optional<SessionInfo>(info_from(*rec, *contract));
            });
        if (fast.ok() && fast->has_value()) return std::move(**fast);
    }
    return in_write_keeping_failures<SessionInfo>(
        ctx_.store, [&](Transaction& tx, bool& keep) -> Result<SessionInfo> {
            KAKUIN_TRY(auto rec, tx.find_session(hash));
            if (!rec) return session_expired("unknown session");
            // Bound to how it was made: the same certificate, or none.
            if (rec->cert_fingerprint.has_value() != presented.has_value() ||
                (presented && *rec->cert_fingerprint != presented->sha256_fingerprint_hex)) {
                return session_expired("session presented with another certificate or listener");
            }
            if (auth::session_idle_expired(rec->last_seen_at, now, idle) ||
                (rec->cert_not_after && now >= *rec->cert_not_after)) {
                KAKUIN_TRY_STATUS(tx.delete_session(hash));
                keep = true;
                return session_expired("idle timeout or certificate expired");
            }
            if (rec->phase != SessionPhase::active && !allow_pending) {
                return make_error(ErrorCode::forbidden, "OTP step pending",
                                  "ワンタイムパスワードを入力してください。");
            }
            KAKUIN_TRY(auto contract, tx.find_contract(rec->person.contract_id));
            if (!contract) return session_expired("contract no longer exists");
            if (contract->suspended) {
                return make_error(ErrorCode::contract_suspended, "contract " + contract->contract_id);
            }
            rec->last_seen_at = now;
            KAKUIN_TRY_STATUS(tx.update_session(*rec));
            return info_from(*rec, *contract);
        });
}

Status SessionService::logout(std::string_view token, const std::string& source_address) {
    KAKUIN_TRY(std::string hash, auth::session_token_hash(token));
    const TimePoint now = ctx_.clock.now();
    return in_transaction<void>(ctx_.store, store::TxMode::write, [&](Transaction& tx) -> Status {
        KAKUIN_TRY(auto rec, tx.find_session(hash));
        if (!rec) return session_expired("unknown session");
        KAKUIN_TRY_STATUS(tx.delete_session(hash));
        KAKUIN_TRY(auto id, tx.append_history(usage(Actor::person(rec->person, source_address),
                                                    rec->person, auth_history::logout, now, "")));
        (void)id;
        return {};
    });
}

}  // namespace kakuin::service
