// PostgreSQL implementation of the issue-3 records: sessions, OTP tokens, used OTP steps,
// enrollments, and person_has_certificate.
#include "store/postgres/postgres_transaction.h"

namespace kakuin::store::postgres {

namespace {

// The person must exist and stay until commit (the foreign keys of these tables): checked with
// a key-share lock first, so that a missing person is not_found without aborting the
// transaction.
constexpr std::string_view kPersonExists =
    "SELECT 1 FROM persons WHERE contract_id = $1 AND user_id = $2 FOR KEY SHARE";

#define KAKUIN_SESSION_COLUMNS                                                              \
    "token_hash, contract_id, user_id, state, csrf_token, created_at, last_seen_at,"          \
    " cert_serial, cert_fingerprint, cert_not_after, previous_login_at"
constexpr std::string_view kInsertSession =
    "INSERT INTO sessions (" KAKUIN_SESSION_COLUMNS
    ", csrf_token_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
    " ON CONFLICT DO NOTHING";
constexpr std::string_view kFindSession =
    "SELECT " KAKUIN_SESSION_COLUMNS " FROM sessions WHERE token_hash = $1";
constexpr std::string_view kFindSessionForUpdate =
    "SELECT " KAKUIN_SESSION_COLUMNS " FROM sessions WHERE token_hash = $1 FOR NO KEY UPDATE";
#undef KAKUIN_SESSION_COLUMNS
constexpr std::string_view kUpdateSession =
    "UPDATE sessions SET state = $2, last_seen_at = $3, previous_login_at = $4"
    " WHERE token_hash = $1";
constexpr std::string_view kDeleteSession = "DELETE FROM sessions WHERE token_hash = $1";
constexpr std::string_view kDeleteSessionsOf =
    "DELETE FROM sessions WHERE contract_id = $1 AND user_id = $2 AND token_hash <> $3";
constexpr std::string_view kDeleteIdleSessions = "DELETE FROM sessions WHERE last_seen_at < $1";

constexpr std::string_view kUpsertOtpToken =
    "INSERT INTO otp_tokens (contract_id, user_id, kind, secret, step_seconds, digits,"
    " registered_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
    " ON CONFLICT (contract_id, user_id) DO UPDATE SET kind = excluded.kind,"
    " secret = excluded.secret, step_seconds = excluded.step_seconds,"
    " digits = excluded.digits, registered_at = excluded.registered_at";
constexpr std::string_view kFindOtpToken =
    "SELECT kind, secret, step_seconds, digits, registered_at FROM otp_tokens"
    " WHERE contract_id = $1 AND user_id = $2";
constexpr std::string_view kDeleteOtpToken =
    "DELETE FROM otp_tokens WHERE contract_id = $1 AND user_id = $2";
constexpr std::string_view kForgetUsedSteps =
    "DELETE FROM otp_used_steps WHERE contract_id = $1 AND user_id = $2";

constexpr std::string_view kLastUsedStep =
    "SELECT max(step) FROM otp_used_steps WHERE contract_id = $1 AND user_id = $2";
// The primary key makes a step usable once, whichever node sees it first.
constexpr std::string_view kInsertUsedStep =
    "INSERT INTO otp_used_steps (contract_id, user_id, step) VALUES ($1, $2, $3)"
    " ON CONFLICT DO NOTHING";
constexpr std::string_view kForgetOlderSteps =
    "DELETE FROM otp_used_steps WHERE contract_id = $1 AND user_id = $2 AND step < $3";

constexpr std::string_view kInsertEnrollment =
    "INSERT INTO enrollments (id, contract_id, user_id, state, created_at, expires_at)"
    " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING";
constexpr std::string_view kFindEnrollment =
    "SELECT id, contract_id, user_id, state, created_at, expires_at FROM enrollments"
    " WHERE id = $1";
constexpr std::string_view kFindEnrollmentForUpdate =
    "SELECT id, contract_id, user_id, state, created_at, expires_at FROM enrollments"
    " WHERE id = $1 FOR NO KEY UPDATE";
constexpr std::string_view kUpdateEnrollment = "UPDATE enrollments SET state = $2 WHERE id = $1";
constexpr std::string_view kDeleteExpiredEnrollments =
    "DELETE FROM enrollments WHERE expires_at <= $1";

constexpr std::string_view kPersonHasCertificate =
    "SELECT EXISTS (SELECT 1 FROM certificates WHERE contract_id = $1 AND user_id = $2)";

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

// As in the SQLite store: the legacy NOT NULL column csrf_token_hash holds a fixed marker.
constexpr std::string_view kCsrfHashUnused = "-";

std::string person_text(const PersonKey& k) {
    return k.contract_id + (k.user_id.empty() ? std::string(" (admin)") : "/" + k.user_id);
}

Params key_params(const PersonKey& k) { return Params().add(k.contract_id).add(k.user_id); }

}  // namespace

// The person row, key-share locked until the end of the transaction; not_found when absent.
static Status require_person(PgConnection& c, const PersonKey& k) {
    KAKUIN_TRY(Rows r, c.query("person_exists", kPersonExists, key_params(k)));
    if (r.size() == 0) return make_error(ErrorCode::not_found, "person " + person_text(k));
    return {};
}

// ---- Sessions. ----

Status PostgresTransaction::insert_session(const SessionRecord& s) {
    KAKUIN_TRY_STATUS(require_person(*conn_, s.person));
    KAKUIN_TRY(Rows r, q("insert_session", kInsertSession,
                         Params()
                             .add(s.token_hash)
                             .add(s.person.contract_id)
                             .add(s.person.user_id)
                             .add(session_phase_name(s.phase))
                             .add(s.csrf_token)
                             .add(s.created_at)
                             .add(s.last_seen_at)
                             .add(s.cert_serial)
                             .add(s.cert_fingerprint)
                             .add(s.cert_not_after)
                             .add(s.previous_login_at)
                             .add(kCsrfHashUnused)));
    if (r.affected() == 0) return make_error(ErrorCode::conflict, "session exists");
    return {};
}

Result<std::optional<SessionRecord>> PostgresTransaction::find_session(
    const std::string& token_hash) {
    KAKUIN_TRY(Rows r, writing() ? q("find_session_for_update", kFindSessionForUpdate,
                                     Params().add(token_hash))
                                 : q("find_session", kFindSession, Params().add(token_hash)));
    if (r.size() == 0) return std::optional<SessionRecord>();
    SessionRecord s;
    s.token_hash = r.text(0, 0);
    s.person = PersonKey{r.text(0, 1), r.text(0, 2)};
    s.phase = r.text(0, 3) == "active" ? SessionPhase::active : SessionPhase::otp_required;
    s.csrf_token = r.text(0, 4);
    s.created_at = r.time(0, 5);
    s.last_seen_at = r.time(0, 6);
    s.cert_serial = r.opt_text(0, 7);
    s.cert_fingerprint = r.opt_text(0, 8);
    s.cert_not_after = r.opt_time(0, 9);
    s.previous_login_at = r.opt_time(0, 10);
    return std::optional<SessionRecord>(std::move(s));
}

Status PostgresTransaction::update_session(const SessionRecord& s) {
    KAKUIN_TRY(Rows r, q("update_session", kUpdateSession,
                         Params()
                             .add(s.token_hash)
                             .add(session_phase_name(s.phase))
                             .add(s.last_seen_at)
                             .add(s.previous_login_at)));
    if (r.affected() == 0) return make_error(ErrorCode::not_found, "session");
    return {};
}

Status PostgresTransaction::delete_session(const std::string& token_hash) {
    KAKUIN_TRY(Rows r, q("delete_session", kDeleteSession, Params().add(token_hash)));
    if (r.affected() == 0) return make_error(ErrorCode::not_found, "session");
    return {};
}

Result<int> PostgresTransaction::delete_sessions_of(const PersonKey& person,
                                                    const std::string& keep_token_hash) {
    KAKUIN_TRY(Rows r, q("delete_sessions_of", kDeleteSessionsOf,
                         key_params(person).add(keep_token_hash)));
    return static_cast<int>(r.affected());
}

Result<int> PostgresTransaction::delete_sessions_idle_since(TimePoint cutoff) {
    KAKUIN_TRY(Rows r, q("delete_idle_sessions", kDeleteIdleSessions, Params().add(cutoff)));
    return static_cast<int>(r.affected());
}

// ---- OTP tokens and used steps. ----

Status PostgresTransaction::upsert_otp_token(const OtpToken& t) {
    KAKUIN_TRY_STATUS(require_person(*conn_, t.person));
    KAKUIN_TRY(Rows r, q("upsert_otp_token", kUpsertOtpToken,
                         key_params(t.person)
                             .add(otp_token_kind_name(t.kind))
                             .add(std::span<const std::uint8_t>(t.secret))
                             .add(t.step_seconds)
                             .add(t.digits)
                             .add(t.registered_at)));
    (void)r;
    KAKUIN_TRY(Rows f, q("forget_used_steps", kForgetUsedSteps, key_params(t.person)));
    (void)f;
    return {};
}

Result<std::optional<OtpToken>> PostgresTransaction::find_otp_token(const PersonKey& person) {
    KAKUIN_TRY(Rows r, q("find_otp_token", kFindOtpToken, key_params(person)));
    if (r.size() == 0) return std::optional<OtpToken>();
    OtpToken t;
    t.person = person;
    if (!otp_token_kind_from_name(r.text(0, 0), t.kind)) {
        return make_error(ErrorCode::storage_failure, "unknown OTP token kind " + r.text(0, 0));
    }
    t.secret = r.bytes(0, 1);
    t.step_seconds = r.int32(0, 2);
    t.digits = r.int32(0, 3);
    t.registered_at = r.time(0, 4);
    return std::optional<OtpToken>(std::move(t));
}

Status PostgresTransaction::delete_otp_token(const PersonKey& person) {
    KAKUIN_TRY(Rows r, q("delete_otp_token", kDeleteOtpToken, key_params(person)));
    if (r.affected() == 0) {
        return make_error(ErrorCode::not_found, "OTP token of " + person_text(person));
    }
    KAKUIN_TRY(Rows f, q("forget_used_steps", kForgetUsedSteps, key_params(person)));
    (void)f;
    return {};
}

Result<std::optional<std::int64_t>> PostgresTransaction::last_used_otp_step(
    const PersonKey& person) {
    KAKUIN_TRY(Rows r, q("last_used_otp_step", kLastUsedStep, key_params(person)));
    if (r.size() == 0 || r.is_null(0, 0)) return std::optional<std::int64_t>();
    return std::optional<std::int64_t>(r.int64(0, 0));
}

Status PostgresTransaction::record_used_otp_step(const PersonKey& person, std::int64_t step) {
    KAKUIN_TRY_STATUS(require_person(*conn_, person));
    KAKUIN_TRY(Rows r, q("insert_used_step", kInsertUsedStep, key_params(person).add(step)));
    if (r.affected() == 0) return make_error(ErrorCode::conflict, "OTP step already used");
    KAKUIN_TRY(Rows f, q("forget_older_steps", kForgetOlderSteps, key_params(person).add(step)));
    (void)f;
    return {};
}

// ---- Enrollments. ----

Status PostgresTransaction::insert_enrollment(const EnrollmentRecord& e) {
    KAKUIN_TRY_STATUS(require_person(*conn_, e.person));
    KAKUIN_TRY(Rows r, q("insert_enrollment", kInsertEnrollment,
                         Params()
                             .add(e.id_hash)
                             .add(e.person.contract_id)
                             .add(e.person.user_id)
                             .add(enrollment_phase_name(e.phase))
                             .add(e.created_at)
                             .add(e.expires_at)));
    if (r.affected() == 0) return make_error(ErrorCode::conflict, "enrollment exists");
    return {};
}

Result<std::optional<EnrollmentRecord>> PostgresTransaction::find_enrollment(
    const std::string& id_hash) {
    KAKUIN_TRY(Rows r, writing() ? q("find_enrollment_for_update", kFindEnrollmentForUpdate,
                                     Params().add(id_hash))
                                 : q("find_enrollment", kFindEnrollment, Params().add(id_hash)));
    if (r.size() == 0) return std::optional<EnrollmentRecord>();
    EnrollmentRecord e;
    e.id_hash = r.text(0, 0);
    e.person = PersonKey{r.text(0, 1), r.text(0, 2)};
    if (!enrollment_phase_from_name(r.text(0, 3), e.phase)) {
        return make_error(ErrorCode::storage_failure, "unknown enrollment state " + r.text(0, 3));
    }
    e.created_at = r.time(0, 4);
    e.expires_at = r.time(0, 5);
    return std::optional<EnrollmentRecord>(std::move(e));
}

Status PostgresTransaction::update_enrollment_phase(const std::string& id_hash,
                                                    EnrollmentPhase phase) {
    KAKUIN_TRY(Rows r, q("update_enrollment", kUpdateEnrollment,
                         Params().add(id_hash).add(enrollment_phase_name(phase))));
    if (r.affected() == 0) return make_error(ErrorCode::not_found, "enrollment");
    return {};
}

Result<int> PostgresTransaction::delete_expired_enrollments(TimePoint now) {
    KAKUIN_TRY(Rows r, q("delete_expired_enrollments", kDeleteExpiredEnrollments,
                         Params().add(now)));
    return static_cast<int>(r.affected());
}

Result<bool> PostgresTransaction::person_has_certificate(const PersonKey& person) {
    KAKUIN_TRY(Rows r, q("person_has_certificate", kPersonHasCertificate, key_params(person)));
    return r.size() > 0 && r.boolean(0, 0);
}

}  // namespace kakuin::store::postgres
