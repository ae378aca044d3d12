// PostgreSQL implementation of the back-office records (migration 0006): staff, staff sessions,
// change requests, and the contract edits and search of the bank's screens.
#include <algorithm>

#include "store/postgres/postgres_transaction.h"

namespace kakuin::store::postgres {

namespace {

constexpr std::string_view kUpdateContractDetails =
    "UPDATE contracts SET name_kanji = $2, name_kana = $3, login_method = $4"
    " WHERE contract_id = $1";
// A prefix of the ID, or a substring of either name (strpos: no LIKE wildcards to escape).
constexpr std::string_view kSearchContracts =
    "SELECT contract_id, name_kanji, name_kana, login_method, suspended, transactions_stopped,"
    " created_at FROM contracts WHERE left(contract_id, length($1::text)) = $1::text"
    " OR strpos(name_kanji, $1::text) > 0 OR strpos(name_kana, $1::text) > 0"
    " ORDER BY created_at DESC, contract_id DESC LIMIT $2::bigint";

#define KAKUIN_STAFF_COLUMNS                                                                  \
    "staff_id, name, role, pin_hash, totp_secret, last_otp_step, failure_count, locked,"      \
    " created_at, last_login_at"
constexpr std::string_view kInsertStaff =
    "INSERT INTO staff (" KAKUIN_STAFF_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    " ON CONFLICT DO NOTHING";
constexpr std::string_view kFindStaff =
    "SELECT " KAKUIN_STAFF_COLUMNS " FROM staff WHERE staff_id = $1";
constexpr std::string_view kFindStaffForUpdate =
    "SELECT " KAKUIN_STAFF_COLUMNS " FROM staff WHERE staff_id = $1 FOR NO KEY UPDATE";
#undef KAKUIN_STAFF_COLUMNS
constexpr std::string_view kUpdateStaff =
    "UPDATE staff SET name = $2, role = $3, pin_hash = $4, totp_secret = $5, last_otp_step = $6,"
    " failure_count = $7, locked = $8, last_login_at = $9 WHERE staff_id = $1";
constexpr std::string_view kStaffExists =
    "SELECT 1 FROM staff WHERE staff_id = $1 FOR KEY SHARE";

constexpr std::string_view kInsertStaffSession =
    "INSERT INTO staff_sessions (token_hash, staff_id, state, csrf_token, created_at,"
    " last_seen_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING";
constexpr std::string_view kFindStaffSession =
    "SELECT token_hash, staff_id, state, csrf_token, created_at, last_seen_at"
    " FROM staff_sessions WHERE token_hash = $1";
constexpr std::string_view kFindStaffSessionForUpdate =
    "SELECT token_hash, staff_id, state, csrf_token, created_at, last_seen_at"
    " FROM staff_sessions WHERE token_hash = $1 FOR NO KEY UPDATE";
constexpr std::string_view kUpdateStaffSession =
    "UPDATE staff_sessions SET state = $2, last_seen_at = $3 WHERE token_hash = $1";
constexpr std::string_view kDeleteStaffSession = "DELETE FROM staff_sessions WHERE token_hash = $1";
constexpr std::string_view kDeleteStaffSessionsOf =
    "DELETE FROM staff_sessions WHERE staff_id = $1";

#define KAKUIN_REQUEST_COLUMNS                                                                \
    "id, kind, contract_id, request_number, payload, state, requested_by, requested_at,"      \
    " decided_by, decided_at, reason"
constexpr std::string_view kInsertRequest =
    "INSERT INTO change_requests (kind, contract_id, request_number, payload, state,"
    " requested_by, requested_at, decided_by, decided_at, reason)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id";
constexpr std::string_view kFindRequest =
    "SELECT " KAKUIN_REQUEST_COLUMNS " FROM change_requests WHERE id = $1";
constexpr std::string_view kFindRequestForUpdate =
    "SELECT " KAKUIN_REQUEST_COLUMNS " FROM change_requests WHERE id = $1 FOR UPDATE";
constexpr std::string_view kListRequests =
    "SELECT " KAKUIN_REQUEST_COLUMNS " FROM change_requests"
    " WHERE ($1::text IS NULL OR state = $1::text) AND ($2::text IS NULL OR contract_id = $2::text)"
    " ORDER BY id DESC LIMIT $3::bigint";
#undef KAKUIN_REQUEST_COLUMNS
constexpr std::string_view kUpdateRequest =
    "UPDATE change_requests SET state = $2, decided_by = $3, decided_at = $4, reason = $5"
    " WHERE id = $1";

std::string_view phase_name(SessionPhase p) {
    return p == SessionPhase::active ? "active" : "otp_required";
}

Params& add_opt_step(Params& p, const std::optional<std::int64_t>& v) {
    return v ? p.add(*v) : p.add_null();
}

ChangeRequestRecord request_row(const Rows& r, int i) {
    ChangeRequestRecord c;
    c.id = r.int64(i, 0);
    c.kind = r.text(i, 1);
    c.contract_id = r.text(i, 2);
    c.request_number = r.text(i, 3);
    c.payload = r.text(i, 4);
    change_request_state_from_name(r.text(i, 5), c.state);
    c.requested_by = r.text(i, 6);
    c.requested_at = r.time(i, 7);
    c.decided_by = r.opt_text(i, 8);
    c.decided_at = r.opt_time(i, 9);
    c.reason = r.text(i, 10);
    return c;
}

StaffSessionRecord staff_session_row(const Rows& r) {
    StaffSessionRecord s;
    s.token_hash = r.text(0, 0);
    s.staff_id = r.text(0, 1);
    s.phase = r.text(0, 2) == "active" ? SessionPhase::active : SessionPhase::otp_required;
    s.csrf_token = r.text(0, 3);
    s.created_at = r.time(0, 4);
    s.last_seen_at = r.time(0, 5);
    return s;
}

}  // namespace

Status PostgresTransaction::update_contract_details(const Contract& c) {
    KAKUIN_TRY(Rows r, q("update_contract_details", kUpdateContractDetails,
                         Params()
                             .add(c.contract_id)
                             .add(c.name_kanji)
                             .add(c.name_kana)
                             .add(login_method_name(c.login_method))));
    if (r.affected() == 0) return make_error(ErrorCode::not_found, "contract " + c.contract_id);
    return {};
}

Result<std::vector<Contract>> PostgresTransaction::search_contracts(const std::string& text,
                                                                    int limit) {
    KAKUIN_TRY(Rows r, q("search_contracts", kSearchContracts,
                         Params().add(text).add(std::clamp(limit, 1, 500))));
    std::vector<Contract> out;
    for (int i = 0; i < r.size(); ++i) {
        Contract c;
        c.contract_id = r.text(i, 0);
        c.name_kanji = r.text(i, 1);
        c.name_kana = r.text(i, 2);
        login_method_from_name(r.text(i, 3), c.login_method);
        c.suspended = r.boolean(i, 4);
        c.transactions_stopped = r.boolean(i, 5);
        c.created_at = r.time(i, 6);
        out.push_back(std::move(c));
    }
    return out;
}

Status PostgresTransaction::insert_staff(const StaffRecord& s) {
    Params p;
    p.add(s.staff_id).add(s.name).add(staff_role_name(s.role)).add(s.pin_hash).add(
        s.totp_secret_base32);
    add_opt_step(p, s.last_otp_step)
        .add(s.failure_count)
        .add(s.locked)
        .add(s.created_at)
        .add(s.last_login_at);
    KAKUIN_TRY(Rows r, q("insert_staff", kInsertStaff, p));
    if (r.affected() == 0) return make_error(ErrorCode::conflict, "staff " + s.staff_id + " exists");
    return {};
}

Result<std::optional<StaffRecord>> PostgresTransaction::find_staff(const std::string& staff_id) {
    KAKUIN_TRY(Rows r, writing()
                           ? q("find_staff_for_update", kFindStaffForUpdate, Params().add(staff_id))
                           : q("find_staff", kFindStaff, Params().add(staff_id)));
    if (r.size() == 0) return std::optional<StaffRecord>();
    StaffRecord s;
    s.staff_id = r.text(0, 0);
    s.name = r.text(0, 1);
    staff_role_from_name(r.text(0, 2), s.role);
    s.pin_hash = r.text(0, 3);
    s.totp_secret_base32 = r.text(0, 4);
    if (!r.is_null(0, 5)) s.last_otp_step = r.int64(0, 5);
    s.failure_count = r.int32(0, 6);
    s.locked = r.boolean(0, 7);
    s.created_at = r.time(0, 8);
    s.last_login_at = r.opt_time(0, 9);
    return std::optional<StaffRecord>(std::move(s));
}

Status PostgresTransaction::update_staff(const StaffRecord& s) {
    Params p;
    p.add(s.staff_id).add(s.name).add(staff_role_name(s.role)).add(s.pin_hash).add(
        s.totp_secret_base32);
    add_opt_step(p, s.last_otp_step).add(s.failure_count).add(s.locked).add(s.last_login_at);
    KAKUIN_TRY(Rows r, q("update_staff", kUpdateStaff, p));
    if (r.affected() == 0) return make_error(ErrorCode::not_found, "staff " + s.staff_id);
    return {};
}

Status PostgresTransaction::insert_staff_session(const StaffSessionRecord& s) {
    // Checked first so that a missing staff member is not_found without aborting the
    // transaction on the foreign key.
    KAKUIN_TRY(Rows e, q("staff_exists", kStaffExists, Params().add(s.staff_id)));
    if (e.size() == 0) return make_error(ErrorCode::not_found, "staff " + s.staff_id);
    KAKUIN_TRY(Rows r, q("insert_staff_session", kInsertStaffSession,
                         Params()
                             .add(s.token_hash)
                             .add(s.staff_id)
                             .add(phase_name(s.phase))
                             .add(s.csrf_token)
                             .add(s.created_at)
                             .add(s.last_seen_at)));
    if (r.affected() == 0) return make_error(ErrorCode::conflict, "staff session exists");
    return {};
}

Result<std::optional<StaffSessionRecord>> PostgresTransaction::find_staff_session(
    const std::string& token_hash) {
    KAKUIN_TRY(Rows r, writing() ? q("find_staff_session_for_update", kFindStaffSessionForUpdate,
                                     Params().add(token_hash))
                                 : q("find_staff_session", kFindStaffSession,
                                     Params().add(token_hash)));
    if (r.size() == 0) return std::optional<StaffSessionRecord>();
    return std::optional<StaffSessionRecord>(staff_session_row(r));
}

Status PostgresTransaction::update_staff_session(const StaffSessionRecord& s) {
    KAKUIN_TRY(Rows r, q("update_staff_session", kUpdateStaffSession,
                         Params().add(s.token_hash).add(phase_name(s.phase)).add(s.last_seen_at)));
    if (r.affected() == 0) return make_error(ErrorCode::not_found, "staff session");
    return {};
}

Status PostgresTransaction::delete_staff_session(const std::string& token_hash) {
    KAKUIN_TRY(Rows r, q("delete_staff_session", kDeleteStaffSession, Params().add(token_hash)));
    if (r.affected() == 0) return make_error(ErrorCode::not_found, "staff session");
    return {};
}

Result<int> PostgresTransaction::delete_staff_sessions_of(const std::string& staff_id) {
    KAKUIN_TRY(Rows r, q("delete_staff_sessions_of", kDeleteStaffSessionsOf, Params().add(staff_id)));
    return static_cast<int>(r.affected());
}

Result<std::int64_t> PostgresTransaction::insert_change_request(const ChangeRequestRecord& c) {
    KAKUIN_TRY(Rows r, q("insert_change_request", kInsertRequest,
                         Params()
                             .add(c.kind)
                             .add(c.contract_id)
                             .add(c.request_number)
                             .add(c.payload)
                             .add(change_request_state_name(c.state))
                             .add(c.requested_by)
                             .add(c.requested_at)
                             .add(c.decided_by)
                             .add(c.decided_at)
                             .add(c.reason)));
    if (r.size() != 1) return make_error(ErrorCode::storage_failure, "insert_change_request: no id");
    return r.int64(0, 0);
}

Result<std::optional<ChangeRequestRecord>> PostgresTransaction::find_change_request(
    std::int64_t id) {
    KAKUIN_TRY(Rows r, writing() ? q("find_change_request_for_update", kFindRequestForUpdate,
                                     Params().add(id))
                                 : q("find_change_request", kFindRequest, Params().add(id)));
    if (r.size() == 0) return std::optional<ChangeRequestRecord>();
    return std::optional<ChangeRequestRecord>(request_row(r, 0));
}

Status PostgresTransaction::update_change_request(const ChangeRequestRecord& c) {
    KAKUIN_TRY(Rows r, q("update_change_request", kUpdateRequest,
                         Params()
                             .add(c.id)
                             .add(change_request_state_name(c.state))
                             .add(c.decided_by)
                             .add(c.decided_at)
                             .add(c.reason)));
    if (r.affected() == 0)
        return make_error(ErrorCode::not_found, "change request " + std::to_string(c.id));
    return {};
}

Result<std::vector<ChangeRequestRecord>> PostgresTransaction::list_change_requests(
    const ChangeRequestQuery& query) {
    Params p;
    if (query.state) p.add(change_request_state_name(*query.state));
    else p.add_null();
    p.add(query.contract_id).add(std::clamp(query.limit, 1, 500));
    KAKUIN_TRY(Rows r, q("list_change_requests", kListRequests, p));
    std::vector<ChangeRequestRecord> out;
    for (int i = 0; i < r.size(); ++i) out.push_back(request_row(r, i));
    return out;
}

}  // namespace kakuin::store::postgres
