// SQLite implementation of the issue-3 records: sessions, OTP tokens, used OTP steps,
// enrollments (tables of migrations 0001 and 0003).
#include <sqlite3.h>

#include "store/sqlite/connection.h"
#include "store/sqlite/sqlite_transaction.h"

namespace kakuin::store::sqlite {

namespace {

#define KAKUIN_SESSION_COLUMNS                                                              \
    "token_hash, contract_id, user_id, state, csrf_token, created_at, last_seen_at,"          \
    " cert_serial, cert_fingerprint, cert_not_after, previous_login_at"
constexpr std::string_view kInsertSession =
    "INSERT INTO sessions (" KAKUIN_SESSION_COLUMNS
    ", csrf_token_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";
constexpr std::string_view kFindSession =
    "SELECT " KAKUIN_SESSION_COLUMNS " FROM sessions WHERE token_hash = ?1";
#undef KAKUIN_SESSION_COLUMNS
constexpr std::string_view kUpdateSession =
    "UPDATE sessions SET state = ?2, last_seen_at = ?3, previous_login_at = ?4"
    " WHERE token_hash = ?1";
constexpr std::string_view kDeleteSession = "DELETE FROM sessions WHERE token_hash = ?1";
constexpr std::string_view kDeleteSessionsOf =
    "DELETE FROM sessions WHERE contract_id = ?1 AND user_id = ?2 AND token_hash <> ?3";
constexpr std::string_view kDeleteIdleSessions = "DELETE FROM sessions WHERE last_seen_at < ?1";

constexpr std::string_view kUpsertOtpToken =
    "INSERT INTO otp_tokens (contract_id, user_id, kind, secret, step_seconds, digits,"
    " registered_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
    " ON CONFLICT (contract_id, user_id) DO UPDATE SET kind = excluded.kind,"
    " secret = excluded.secret, step_seconds = excluded.step_seconds,"
    " digits = excluded.digits, registered_at = excluded.registered_at";
constexpr std::string_view kFindOtpToken =
    "SELECT kind, secret, step_seconds, digits, registered_at FROM otp_tokens"
    " WHERE contract_id = ?1 AND user_id = ?2";
constexpr std::string_view kDeleteOtpToken =
    "DELETE FROM otp_tokens WHERE contract_id = ?1 AND user_id = ?2";
// A new token starts with no used steps: the old token's steps mean nothing for it.
constexpr std::string_view kForgetUsedSteps =
    "DELETE FROM otp_used_steps WHERE contract_id = ?1 AND user_id = ?2";

constexpr std::string_view kLastUsedStep =
    "SELECT max(step) FROM otp_used_steps WHERE contract_id = ?1 AND user_id = ?2";
constexpr std::string_view kInsertUsedStep =
    "INSERT INTO otp_used_steps (contract_id, user_id, step) VALUES (?1, ?2, ?3)";
constexpr std::string_view kForgetOlderSteps =
    "DELETE FROM otp_used_steps WHERE contract_id = ?1 AND user_id = ?2 AND step < ?3";

constexpr std::string_view kInsertEnrollment =
    "INSERT INTO enrollments (id, contract_id, user_id, state, created_at, expires_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
constexpr std::string_view kFindEnrollment =
    "SELECT id, contract_id, user_id, state, created_at, expires_at FROM enrollments"
    " WHERE id = ?1";
constexpr std::string_view kUpdateEnrollment = "UPDATE enrollments SET state = ?2 WHERE id = ?1";
constexpr std::string_view kDeleteExpiredEnrollments =
    "DELETE FROM enrollments WHERE expires_at <= ?1";

constexpr std::string_view kPersonHasCertificate =
    "SELECT EXISTS (SELECT 1 FROM certificates WHERE contract_id = ?1 AND user_id = ?2)";

std::string_view session_phase_name(SessionPhase p) {
    return p == SessionPhase::active ? "active" : "otp_required";
}

std::string_view enrollment_phase_name(EnrollmentPhase p) {
    switch (p) {
        case EnrollmentPhase::otp_required: return "otp_required";
        case EnrollmentPhase::ready: return "ready";
        case EnrollmentPhase::done: return "done";
    }
    return "done";
}

bool enrollment_phase_from_name(std::string_view s, EnrollmentPhase& out) {
    if (s == "otp_required") out = EnrollmentPhase::otp_required;
    else if (s == "ready") out = EnrollmentPhase::ready;
    else if (s == "done") out = EnrollmentPhase::done;
    else return false;
    return true;
}

// The stored column csrf_token_hash (NOT NULL since 0001) is kept filled but not used: the
// session token already protects it. A fixed marker is enough.
constexpr std::string_view kCsrfHashUnused = "-";

std::string person_text(const PersonKey& k) {
    return k.contract_id + (k.user_id.empty() ? std::string(" (admin)") : "/" + k.user_id);
}

}  // namespace

// ---- Sessions. ----

Status SqliteTransaction::insert_session(const SessionRecord& r) {
    KAKUIN_TRY(Stmt s, conn_->prepare("insert_session", kInsertSession));
    return s.bind(1, r.token_hash)
        .bind(2, r.person.contract_id)
        .bind(3, r.person.user_id)
        .bind(4, session_phase_name(r.phase))
        .bind(5, r.csrf_token)
        .bind(6, r.created_at)
        .bind(7, r.last_seen_at)
        .bind(8, r.cert_serial)
        .bind(9, r.cert_fingerprint)
        .bind(10, r.cert_not_after)
        .bind(11, r.previous_login_at)
        .bind(12, kCsrfHashUnused)
        .run();
}

Result<std::optional<SessionRecord>> SqliteTransaction::find_session(const std::string& token_hash) {
    KAKUIN_TRY(Stmt s, conn_->prepare("find_session", kFindSession));
    s.bind(1, token_hash);
    KAKUIN_TRY(bool row, s.step());
    if (!row) return std::optional<SessionRecord>();
    SessionRecord r;
    r.token_hash = s.text(0);
    r.person = PersonKey{s.text(1), s.text(2)};
    r.phase = s.text(3) == "active" ? SessionPhase::active : SessionPhase::otp_required;
    r.csrf_token = s.text(4);
    r.created_at = s.time(5);
    r.last_seen_at = s.time(6);
    r.cert_serial = s.opt_text(7);
    r.cert_fingerprint = s.opt_text(8);
    r.cert_not_after = s.opt_time(9);
    r.previous_login_at = s.opt_time(10);
    return std::optional<SessionRecord>(std::move(r));
}

Status SqliteTransaction::update_session(const SessionRecord& r) {
    KAKUIN_TRY(Stmt s, conn_->prepare("update_session", kUpdateSession));
    KAKUIN_TRY_STATUS(s.bind(1, r.token_hash)
                          .bind(2, session_phase_name(r.phase))
                          .bind(3, r.last_seen_at)
                          .bind(4, r.previous_login_at)
                          .run());
    return expect_changed("session");
}

Status SqliteTransaction::delete_session(const std::string& token_hash) {
    KAKUIN_TRY(Stmt s, conn_->prepare("delete_session", kDeleteSession));
    KAKUIN_TRY_STATUS(s.bind(1, token_hash).run());
    return expect_changed("session");
}

Result<int> SqliteTransaction::delete_sessions_of(const PersonKey& person,
                                                  const std::string& keep_token_hash) {
    KAKUIN_TRY(Stmt s, conn_->prepare("delete_sessions_of", kDeleteSessionsOf));
    KAKUIN_TRY_STATUS(
        s.bind(1, person.contract_id).bind(2, person.user_id).bind(3, keep_token_hash).run());
    return conn_->changes();
}

Result<int> SqliteTransaction::delete_sessions_idle_since(TimePoint cutoff) {
    KAKUIN_TRY(Stmt s, conn_->prepare("delete_idle_sessions", kDeleteIdleSessions));
    KAKUIN_TRY_STATUS(s.bind(1, cutoff).run());
    return conn_->changes();
}

// ---- OTP tokens and used steps. ----

Status SqliteTransaction::upsert_otp_token(const OtpToken& t) {
    {
        KAKUIN_TRY(Stmt s, conn_->prepare("upsert_otp_token", kUpsertOtpToken));
        KAKUIN_TRY_STATUS(s.bind(1, t.person.contract_id)
                              .bind(2, t.person.user_id)
                              .bind(3, otp_token_kind_name(t.kind))
                              .bind(4, std::span<const std::uint8_t>(t.secret))
                              .bind(5, t.step_seconds)
                              .bind(6, t.digits)
                              .bind(7, t.registered_at)
                              .run());
    }
    KAKUIN_TRY(Stmt f, conn_->prepare("forget_used_steps", kForgetUsedSteps));
    return f.bind(1, t.person.contract_id).bind(2, t.person.user_id).run();
}

Result<std::optional<OtpToken>> SqliteTransaction::find_otp_token(const PersonKey& person) {
    KAKUIN_TRY(Stmt s, conn_->prepare("find_otp_token", kFindOtpToken));
    s.bind(1, person.contract_id).bind(2, person.user_id);
    KAKUIN_TRY(bool row, s.step());
    if (!row) return std::optional<OtpToken>();
    OtpToken t;
    t.person = person;
    if (!otp_token_kind_from_name(s.text(0), t.kind)) {
        return make_error(ErrorCode::storage_failure, "unknown OTP token kind " + s.text(0));
    }
    t.secret = s.blob(1);
    t.step_seconds = s.int32(2);
    t.digits = s.int32(3);
    t.registered_at = s.time(4);
    return std::optional<OtpToken>(std::move(t));
}

Status SqliteTransaction::delete_otp_token(const PersonKey& person) {
    {
        KAKUIN_TRY(Stmt s, conn_->prepare("delete_otp_token", kDeleteOtpToken));
        KAKUIN_TRY_STATUS(s.bind(1, person.contract_id).bind(2, person.user_id).run());
        KAKUIN_TRY_STATUS(expect_changed("OTP token of " + person_text(person)));
    }
    KAKUIN_TRY(Stmt f, conn_->prepare("forget_used_steps", kForgetUsedSteps));
    return f.bind(1, person.contract_id).bind(2, person.user_id).run();
}

Result<std::optional<std::int64_t>> SqliteTransaction::last_used_otp_step(const PersonKey& person) {
    KAKUIN_TRY(Stmt s, conn_->prepare("last_used_otp_step", kLastUsedStep));
    s.bind(1, person.contract_id).bind(2, person.user_id);
    KAKUIN_TRY(bool row, s.step());
    if (!row || s.is_null(0)) return std::optional<std::int64_t>();
    return std::optional<std::int64_t>(s.int64(0));
}

Status SqliteTransaction::record_used_otp_step(const PersonKey& person, std::int64_t step) {
    {
        KAKUIN_TRY(Stmt s, conn_->prepare("insert_used_step", kInsertUsedStep));
        KAKUIN_TRY_STATUS(s.bind(1, person.contract_id).bind(2, person.user_id).bind(3, step).run());
    }
    KAKUIN_TRY(Stmt f, conn_->prepare("forget_older_steps", kForgetOlderSteps));
    return f.bind(1, person.contract_id).bind(2, person.user_id).bind(3, step).run();
}

// ---- Enrollments. ----

Status SqliteTransaction::insert_enrollment(const EnrollmentRecord& e) {
    KAKUIN_TRY(Stmt s, conn_->prepare("insert_enrollment", kInsertEnrollment));
    return s.bind(1, e.id_hash)
        .bind(2, e.person.contract_id)
        .bind(3, e.person.user_id)
        .bind(4, enrollment_phase_name(e.phase))
        .bind(5, e.created_at)
        .bind(6, e.expires_at)
        .run();
}

Result<std::optional<EnrollmentRecord>> SqliteTransaction::find_enrollment(
    const std::string& id_hash) {
    KAKUIN_TRY(Stmt s, conn_->prepare("find_enrollment", kFindEnrollment));
    s.bind(1, id_hash);
    KAKUIN_TRY(bool row, s.step());
    if (!row) return std::optional<EnrollmentRecord>();
    EnrollmentRecord e;
    e.id_hash = s.text(0);
    e.person = PersonKey{s.text(1), s.text(2)};
    if (!enrollment_phase_from_name(s.text(3), e.phase)) {
        return make_error(ErrorCode::storage_failure, "unknown enrollment state " + s.text(3));
    }
    e.created_at = s.time(4);
    e.expires_at = s.time(5);
    return std::optional<EnrollmentRecord>(std::move(e));
}

Status SqliteTransaction::update_enrollment_phase(const std::string& id_hash,
                                                  EnrollmentPhase phase) {
    KAKUIN_TRY(Stmt s, conn_->prepare("update_enrollment", kUpdateEnrollment));
    KAKUIN_TRY_STATUS(s.bind(1, id_hash).bind(2, enrollment_phase_name(phase)).run());
    return expect_changed("enrollment");
}

Result<int> SqliteTransaction::delete_expired_enrollments(TimePoint now) {
    KAKUIN_TRY(Stmt s, conn_->prepare("delete_expired_enrollments", kDeleteExpiredEnrollments));
    KAKUIN_TRY_STATUS(s.bind(1, now).run());
    return conn_->changes();
}

Result<bool> SqliteTransaction::person_has_certificate(const PersonKey& person) {
    KAKUIN_TRY(Stmt s, conn_->prepare("person_has_certificate", kPersonHasCertificate));
    s.bind(1, person.contract_id).bind(2, person.user_id);
    KAKUIN_TRY(bool row, s.step());
    return row && s.boolean(0);
}

}  // namespace kakuin::store::sqlite
