#include "service/staff_service.h"

#include <vector>

#include "auth/base32.h"
#include "auth/lockout.h"
#include "auth/otpauth_uri.h"
#include "auth/pin_hash.h"
#include "auth/session_token.h"
#include "auth/totp.h"
#include "service/admin_support.h"
#include "service/initial_pin.h"
#include "service/person_auth.h"
#include "service/unit_of_work.h"

namespace kakuin::service {

using store::SessionPhase;
using store::StaffRecord;
using store::StaffSessionRecord;
using store::Transaction;
using store::TxMode;

namespace {

constexpr std::size_t kMaxStaffIdChars = 16;
constexpr std::size_t kMaxPinChars = 64;

// A bank-wide history record of `staff_id`'s own sign-in.
UsageRecord staff_usage(const std::string& staff_id, std::string_view kind, TimePoint at,
                        const std::string& source, std::string result, std::string detail) {
    UsageRecord r;
    r.at = at;
    r.contract_id = "";
    r.actor = Actor::bank(staff_id).id;
    r.kind = std::string(kind);
    if (!source.empty()) r.source_address = source;
    r.result = std::move(result);
    r.detail = std::move(detail);
    return r;
}

StaffIdentity identity_of(const StaffRecord& s) { return StaffIdentity{s.staff_id, s.name, s.role}; }

StaffSessionInfo info_of(const StaffRecord& s, const StaffSessionRecord& r) {
    return StaffSessionInfo{identity_of(s), r.phase, r.csrf_token};
}

Seconds idle_limit(const ServiceContext& ctx) { return Seconds(ctx.policy.session_idle_seconds); }

// One more failed PIN/OTP of `s` (loaded in `tx`): counts it, locks at the bank's threshold,
// writes the history. Returns the error for the caller (`code`, or locked when this failure
// locked the ID); sets `keep` so the bookkeeping is committed.
Error count_staff_failure(Transaction& tx, const ServiceContext& ctx, StaffRecord& s,
                          const std::string& source, TimePoint now, ErrorCode code,
                          std::string_view step, bool& keep) {
    const auth::LockoutState next = auth::apply_failure({s.failure_count, s.locked},
                                                        ctx.policy.lockout_threshold);
    const bool newly_locked = next.locked && !s.locked;
    s.failure_count = next.consecutive_failures;
    s.locked = next.locked;
    if (Status u = tx.update_staff(s); !u.ok()) return u.error();
    auto h = tx.append_history(staff_usage(s.staff_id, bank_history_kind::staff_auth_failed, now,
                                           source, std::string(error_code_name(code)),
                                           std::string(step)));
    if (!h.ok()) return h.error();
    if (newly_locked) {
        auto l = tx.append_history(staff_usage(s.staff_id, bank_history_kind::staff_locked, now,
                                               source, "ok", "failures " +
                                                   std::to_string(s.failure_count)));
        if (!l.ok()) return l.error();
        auto d = tx.delete_staff_sessions_of(s.staff_id);
        if (!d.ok()) return d.error();
    }
    keep = true;
    return make_error(newly_locked ? ErrorCode::locked : code);
}

Error staff_locked_error() {
    return make_error(ErrorCode::locked, "staff ID locked",
                      "IDがロックされています。承認者に解除を依頼してください。");
}

}  // namespace

Status check_staff_id(std::string_view id) {
    bool ok = !id.empty() && id.size() <= kMaxStaffIdChars;
    for (char c : id) {
        if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) ok = false;
    }
    if (!ok) {
        return make_error(ErrorCode::invalid_request, "staff ID must be 1-16 half-width alphanumerics",
                          "行員IDは半角英数字16文字以内で入力してください。");
    }
    return {};
}

StaffService::StaffService(const ServiceContext& ctx)
    : ctx_(ctx), dummy_(std::make_unique<DummyPinHash>(ctx)) {}

StaffService::~StaffService() = default;

Result<StaffCreated> StaffService::add_staff(const std::string& staff_id, const std::string& name,
                                             store::StaffRole role, const Actor& actor) {
    KAKUIN_TRY_STATUS(check_staff_id(staff_id));
    KAKUIN_TRY_STATUS(check_name_text(name, "氏名", true));
    StaffCreated out;
    out.staff = StaffIdentity{staff_id, name, role};
    KAKUIN_TRY(out.pin, random_initial_pin(ctx_.policy, ctx_.random, staff_id));
    KAKUIN_TRY(std::string hash, auth::hash_pin(out.pin, ctx_.pin_hash, ctx_.random));
    const std::vector<std::uint8_t> secret = auth::generate_totp_secret(ctx_.random);
    out.totp_secret_base32 = auth::base32_encode(secret, false);
    out.otpauth_uri = auth::otpauth_uri({ctx_.policy.bank_name, "bank " + staff_id}, secret,
                                        ctx_.policy.otp_step_seconds);
    const TimePoint now = ctx_.clock.now();
    StaffRecord rec;
    rec.staff_id = staff_id;
    rec.name = name;
    rec.role = role;
    rec.pin_hash = std::move(hash);
    rec.totp_secret_base32 = out.totp_secret_base32;
    rec.created_at = now;
    KAKUIN_TRY_STATUS(in_transaction<void>(ctx_.store, TxMode::write, [&](Transaction& tx) -> Status {
        KAKUIN_TRY(auto existing, tx.find_staff(staff_id));
        if (existing) {
            return make_error(ErrorCode::conflict, "staff " + staff_id + " exists",
                              "この行員IDは既に登録されています。");
        }
        KAKUIN_TRY_STATUS(tx.insert_staff(rec));
        UsageRecord r = staff_usage(staff_id, bank_history_kind::staff_added, now, "", "ok",
                                    std::string(store::staff_role_name(role)));
        r.actor = actor.id;
        KAKUIN_TRY_STATUS(tx.append_history(r));
        return {};
    }));
    return out;
}

Result<std::string> StaffService::unlock_staff(const std::string& staff_id, const Actor& actor) {
    KAKUIN_TRY_STATUS(check_staff_id(staff_id));
    KAKUIN_TRY(std::string pin, random_initial_pin(ctx_.policy, ctx_.random, staff_id));
    KAKUIN_TRY(std::string hash, auth::hash_pin(pin, ctx_.pin_hash, ctx_.random));
    const TimePoint now = ctx_.clock.now();
    KAKUIN_TRY_STATUS(in_transaction<void>(ctx_.store, TxMode::write, [&](Transaction& tx) -> Status {
        KAKUIN_TRY(auto existing, tx.find_staff(staff_id));
        if (!existing) {
            return make_error(ErrorCode::not_found, "staff " + staff_id + " does not exist",
                              "この行員IDは登録されていません。");
        }
        StaffRecord rec = *existing;
        rec.locked = false;
        rec.failure_count = 0;
        rec.pin_hash = hash;
        KAKUIN_TRY_STATUS(tx.update_staff(rec));
        KAKUIN_TRY(int ended, tx.delete_staff_sessions_of(staff_id));
        (void)ended;
        UsageRecord r = staff_usage(staff_id, bank_history_kind::staff_unlocked, now, "", "ok",
                                    "new PIN");
        r.actor = actor.id;
        KAKUIN_TRY_STATUS(tx.append_history(r));
        return {};
    }));
    return pin;
}

Result<NewStaffSession> StaffService::login(const std::string& staff_id, const std::string& pin,
                                            const std::string& source) {
    KAKUIN_TRY_STATUS(check_staff_id(staff_id));
    if (pin.empty() || pin.size() > kMaxPinChars) {
        return make_error(ErrorCode::invalid_request, "pin must be 1-64 characters",
                          "暗証番号を入力してください。");
    }
    // 1. A snapshot: unknown staff cost the same Argon2 time and write nothing.
    KAKUIN_TRY(auto snapshot, in_transaction<std::optional<StaffRecord>>(
                                  ctx_.store, TxMode::read,
                                  [&](Transaction& tx) { return tx.find_staff(staff_id); }));
    if (!snapshot) {
        dummy_->burn(pin);
        return make_error(ErrorCode::pin_incorrect);
    }
    if (snapshot->locked) return staff_locked_error();
    // 2. Argon2 outside the write lock.
    const Status verified = auth::verify_pin(pin, snapshot->pin_hash);
    if (!verified.ok() && verified.error().code != ErrorCode::pin_incorrect) return verified.error();

    const TimePoint now = ctx_.clock.now();
    const auth::IssuedSessionToken token = auth::issue_session_token(ctx_.random);
    const std::string csrf = auth::issue_csrf_token(ctx_.random);
    // 3. Write: count a failure, or start the session (one per staff member).
    return in_write_keeping_failures<NewStaffSession>(
        ctx_.store, [&](Transaction& tx, bool& keep) -> Result<NewStaffSession> {
            KAKUIN_TRY(auto s, tx.find_staff(staff_id));
            if (!s) return make_error(ErrorCode::pin_incorrect);
            if (s->locked) return staff_locked_error();
            if (s->pin_hash != snapshot->pin_hash) return make_error(ErrorCode::pin_incorrect);
            if (!verified.ok()) {
                return count_staff_failure(tx, ctx_, *s, source, now, ErrorCode::pin_incorrect,
                                           "pin", keep);
            }
            KAKUIN_TRY(int ended, tx.delete_staff_sessions_of(staff_id));
            (void)ended;
            StaffSessionRecord r;
            r.token_hash = token.hash_hex;
            r.staff_id = staff_id;
            r.phase = SessionPhase::otp_required;
            r.csrf_token = csrf;
            r.created_at = now;
            r.last_seen_at = now;
            KAKUIN_TRY_STATUS(tx.insert_staff_session(r));
            return NewStaffSession{token.token, info_of(*s, r)};
        });
}

Result<StaffSessionInfo> StaffService::submit_otp(const std::string& token, const std::string& otp,
                                                  const std::string& source) {
    KAKUIN_TRY(std::string hash, auth::session_token_hash(token));
    const TimePoint now = ctx_.clock.now();
    return in_write_keeping_failures<StaffSessionInfo>(
        ctx_.store, [&](Transaction& tx, bool& keep) -> Result<StaffSessionInfo> {
            KAKUIN_TRY(auto session, tx.find_staff_session(hash));
            if (!session) return make_error(ErrorCode::session_expired);
            if (auth::session_idle_expired(session->last_seen_at, now, idle_limit(ctx_))) {
                KAKUIN_TRY_STATUS(tx.delete_staff_session(hash));
                keep = true;
                return make_error(ErrorCode::session_expired);
            }
            KAKUIN_TRY(auto s, tx.find_staff(session->staff_id));
            if (!s) return make_error(ErrorCode::session_expired);
            if (s->locked) return staff_locked_error();
            if (session->phase == SessionPhase::active) {
                return make_error(ErrorCode::forbidden, "the session is already active");
            }
            KAKUIN_TRY(auto secret, auth::base32_decode(s->totp_secret_base32));
            auth::TotpConfig cfg;
            cfg.step_seconds = ctx_.policy.otp_step_seconds;
            auto step = auth::verify_totp(secret, otp, now, s->last_otp_step, cfg);
            if (!step) {
                const ErrorCode code = step.error().code;
                if (code != ErrorCode::otp_incorrect && code != ErrorCode::otp_reused)
                    return step.error();
                return count_staff_failure(tx, ctx_, *s, source, now, code, "otp", keep);
            }
            s->last_otp_step = *step;
            const auth::LockoutState ok = auth::apply_success({s->failure_count, s->locked});
            s->failure_count = ok.consecutive_failures;
            s->last_login_at = now;
            KAKUIN_TRY_STATUS(tx.update_staff(*s));
            session->phase = SessionPhase::active;
            session->last_seen_at = now;
            KAKUIN_TRY_STATUS(tx.update_staff_session(*session));
            KAKUIN_TRY_STATUS(tx.append_history(staff_usage(
                s->staff_id, bank_history_kind::staff_login, now, source, "ok",
                std::string(store::staff_role_name(s->role)))));
            return info_of(*s, *session);
        });
}

Result<StaffSessionInfo> StaffService::authenticate(const std::string& token, bool otp_step_ok) {
    auto hash = auth::session_token_hash(token);
    if (!hash) return make_error(ErrorCode::session_expired);
    const TimePoint now = ctx_.clock.now();
    return in_write_keeping_failures<StaffSessionInfo>(
        ctx_.store, [&](Transaction& tx, bool& keep) -> Result<StaffSessionInfo> {
            KAKUIN_TRY(auto session, tx.find_staff_session(*hash));
            if (!session) return make_error(ErrorCode::session_expired);
            KAKUIN_TRY(auto s, tx.find_staff(session->staff_id));
            if (!s || s->locked ||
                auth::session_idle_expired(session->last_seen_at, now, idle_limit(ctx_))) {
                KAKUIN_TRY_STATUS(tx.delete_staff_session(*hash));
                keep = true;
                return make_error(ErrorCode::session_expired);
            }
            if (!otp_step_ok && session->phase != SessionPhase::active) {
                return make_error(ErrorCode::forbidden, "the OTP step is not done",
                                  "ワンタイムパスワードを入力してください。");
            }
            session->last_seen_at = now;
            KAKUIN_TRY_STATUS(tx.update_staff_session(*session));
            return info_of(*s, *session);
        });
}

Status StaffService::logout(const std::string& token, const std::string& source) {
    auto hash = auth::session_token_hash(token);
    if (!hash) return make_error(ErrorCode::session_expired);
    const TimePoint now = ctx_.clock.now();
    return in_transaction<void>(ctx_.store, TxMode::write, [&](Transaction& tx) -> Status {
        KAKUIN_TRY(auto session, tx.find_staff_session(*hash));
        if (!session) return make_error(ErrorCode::session_expired);
        KAKUIN_TRY_STATUS(tx.delete_staff_session(*hash));
        KAKUIN_TRY_STATUS(tx.append_history(staff_usage(
            session->staff_id, bank_history_kind::staff_logout, now, source, "ok", "")));
        return {};
    });
}

}  // namespace kakuin::service
