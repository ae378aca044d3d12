// SQLite implementation of the back-office records (migration 0006): staff, staff sessions,
// change requests, and the contract edits and search of the bank's screens.
#include <sqlite3.h>

#include <algorithm>

#include "store/sqlite/connection.h"
#include "store/sqlite/sqlite_transaction.h"

namespace kakuin::store::sqlite {

namespace {

constexpr std::string_view kUpdateContractDetails =
    "UPDATE contracts SET name_kanji = ?2, name_kana = ?3, login_method = ?4"
    " WHERE contract_id = ?1";
// A prefix of the ID, or a substring of either name (instr: no LIKE wildcards to escape).
constexpr std::string_view kSearchContracts =
    "SELECT contract_id, name_kanji, name_kana, login_method, suspended, transactions_stopped,"
    " created_at FROM contracts WHERE substr(contract_id, 1, length(?1)) = ?1"
    " OR instr(name_kanji, ?1) > 0 OR instr(name_kana, ?1) > 0"
    " ORDER BY created_at DESC, contract_id DESC LIMIT ?2";

#define KAKUIN_STAFF_COLUMNS                                                                  \
    "staff_id, name, role, pin_hash, totp_secret, last_otp_step, failure_count, locked,"      \
    " created_at, last_login_at"
constexpr std::string_view kInsertStaff =
    "INSERT INTO staff (" KAKUIN_STAFF_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
constexpr std::string_view kFindStaff =
    "SELECT " KAKUIN_STAFF_COLUMNS " FROM staff WHERE staff_id = ?1";
#undef KAKUIN_STAFF_COLUMNS
constexpr std::string_view kUpdateStaff =
    "UPDATE staff SET name = ?2, role = ?3, pin_hash = ?4, totp_secret = ?5, last_otp_step = ?6,"
    " failure_count = ?7, locked = ?8, last_login_at = ?9 WHERE staff_id = ?1";

constexpr std::string_view kInsertStaffSession =
    "INSERT INTO staff_sessions (token_hash, staff_id, state, csrf_token, created_at,"
    " last_seen_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
constexpr std::string_view kFindStaffSession =
    "SELECT token_hash, staff_id, state, csrf_token, created_at, last_seen_at"
    " FROM staff_sessions WHERE token_hash = ?1";
constexpr std::string_view kUpdateStaffSession =
    "UPDATE staff_sessions SET state = ?2, last_seen_at = ?3 WHERE token_hash = ?1";
constexpr std::string_view kDeleteStaffSession = "DELETE FROM staff_sessions WHERE token_hash = ?1";
constexpr std::string_view kDeleteStaffSessionsOf =
    "DELETE FROM staff_sessions WHERE staff_id = ?1";

#define KAKUIN_REQUEST_COLUMNS                                                                \
    "id, kind, contract_id, request_number, payload, state, requested_by, requested_at,"      \
    " decided_by, decided_at, reason"
constexpr std::string_view kInsertRequest =
    "INSERT INTO change_requests (kind, contract_id, request_number, payload, state,"
    " requested_by, requested_at, decided_by, decided_at, reason)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
constexpr std::string_view kFindRequest =
    "SELECT " KAKUIN_REQUEST_COLUMNS " FROM change_requests WHERE id = ?1";
// ?1 state or NULL, ?2 contract or NULL.
constexpr std::string_view kListRequests =
    "SELECT " KAKUIN_REQUEST_COLUMNS " FROM change_requests"
    " WHERE (?1 IS NULL OR state = ?1) AND (?2 IS NULL OR contract_id = ?2)"
    " ORDER BY id DESC LIMIT ?3";
#undef KAKUIN_REQUEST_COLUMNS
constexpr std::string_view kUpdateRequest =
    "UPDATE change_requests SET state = ?2, decided_by = ?3, decided_at = ?4, reason = ?5"
    " WHERE id = ?1";

Contract contract_row(const Stmt& s) {
    Contract c;
    c.contract_id = s.text(0);
    c.name_kanji = s.text(1);
    c.name_kana = s.text(2);
    login_method_from_name(s.text(3), c.login_method);
    c.suspended = s.boolean(4);
    c.transactions_stopped = s.boolean(5);
    c.created_at = s.time(6);
    return c;
}

ChangeRequestRecord request_row(const Stmt& s) {
    ChangeRequestRecord r;
    r.id = s.int64(0);
    r.kind = s.text(1);
    r.contract_id = s.text(2);
    r.request_number = s.text(3);
    r.payload = s.text(4);
    change_request_state_from_name(s.text(5), r.state);
    r.requested_by = s.text(6);
    r.requested_at = s.time(7);
    r.decided_by = s.opt_text(8);
    r.decided_at = s.opt_time(9);
    r.reason = s.text(10);
    return r;
}

}  // namespace

Status SqliteTransaction::update_contract_details(const Contract& c) {
    KAKUIN_TRY(Stmt s, conn_->prepare("update_contract_details", kUpdateContractDetails));
    KAKUIN_TRY_STATUS(s.bind(1, c.contract_id)
                          .bind(2, c.name_kanji)
                          .bind(3, c.name_kana)
                          .bind(4, login_method_name(c.login_method))
                          .run());
    return expect_changed("contract " + c.contract_id);
}

Result<std::vector<Contract>> SqliteTransaction::search_contracts(const std::string& q, int limit) {
    KAKUIN_TRY(Stmt s, conn_->prepare("search_contracts", kSearchContracts));
    s.bind(1, q).bind(2, std::clamp(limit, 1, 500));
    std::vector<Contract> out;
    for (;;) {
        KAKUIN_TRY(bool row, s.step());
        if (!row) break;
        out.push_back(contract_row(s));
    }
    return out;
}

Status SqliteTransaction::insert_staff(const StaffRecord& r) {
    KAKUIN_TRY(Stmt s, conn_->prepare("insert_staff", kInsertStaff));
    s.bind(1, r.staff_id)
        .bind(2, r.name)
        .bind(3, staff_role_name(r.role))
        .bind(4, r.pin_hash)
        .bind(5, r.totp_secret_base32);
    if (r.last_otp_step) s.bind(6, *r.last_otp_step);
    else s.bind(6, std::optional<std::string>());
    return s.bind(7, r.failure_count)
        .bind(8, r.locked)
        .bind(9, r.created_at)
        .bind(10, r.last_login_at)
        .run();
}

Result<std::optional<StaffRecord>> SqliteTransaction::find_staff(const std::string& staff_id) {
    KAKUIN_TRY(Stmt s, conn_->prepare("find_staff", kFindStaff));
    s.bind(1, staff_id);
    KAKUIN_TRY(bool row, s.step());
    if (!row) return std::optional<StaffRecord>();
    StaffRecord r;
    r.staff_id = s.text(0);
    r.name = s.text(1);
    staff_role_from_name(s.text(2), r.role);
    r.pin_hash = s.text(3);
    r.totp_secret_base32 = s.text(4);
    if (s.opt_text(5)) r.last_otp_step = s.int64(5);
    r.failure_count = s.int32(6);
    r.locked = s.boolean(7);
    r.created_at = s.time(8);
    r.last_login_at = s.opt_time(9);
    return std::optional<StaffRecord>(std::move(r));
}

Status SqliteTransaction::update_staff(const StaffRecord& r) {
    KAKUIN_TRY(Stmt s, conn_->prepare("update_staff", kUpdateStaff));
    s.bind(1, r.staff_id)
        .bind(2, r.name)
        .bind(3, staff_role_name(r.role))
        .bind(4, r.pin_hash)
        .bind(5, r.totp_secret_base32);
    if (r.last_otp_step) s.bind(6, *r.last_otp_step);
    else s.bind(6, std::optional<std::string>());
    KAKUIN_TRY_STATUS(
        s.bind(7, r.failure_count).bind(8, r.locked).bind(9, r.last_login_at).run());
    return expect_changed("staff " + r.staff_id);
}

Status SqliteTransaction::insert_staff_session(const StaffSessionRecord& r) {
    KAKUIN_TRY(Stmt s, conn_->prepare("insert_staff_session", kInsertStaffSession));
    return s.bind(1, r.token_hash)
        .bind(2, r.staff_id)
        .bind(3, r.phase == SessionPhase::active ? "active" : "otp_required")
        .bind(4, r.csrf_token)
        .bind(5, r.created_at)
        .bind(6, r.last_seen_at)
        .run();
}

Result<std::optional<StaffSessionRecord>> SqliteTransaction::find_staff_session(
    const std::string& token_hash) {
    KAKUIN_TRY(Stmt s, conn_->prepare("find_staff_session", kFindStaffSession));
    s.bind(1, token_hash);
    KAKUIN_TRY(bool row, s.step());
    if (!row) return std::optional<StaffSessionRecord>();
    StaffSessionRecord r;
    r.token_hash = s.text(0);
    r.staff_id = s.text(1);
    r.phase = s.text(2) == "active" ? SessionPhase::active : SessionPhase::otp_required;
    r.csrf_token = s.text(3);
    r.created_at = s.time(4);
    r.last_seen_at = s.time(5);
    return std::optional<StaffSessionRecord>(std::move(r));
}

Status SqliteTransaction::update_staff_session(const StaffSessionRecord& r) {
    KAKUIN_TRY(Stmt s, conn_->prepare("update_staff_session", kUpdateStaffSession));
    KAKUIN_TRY_STATUS(s.bind(1, r.token_hash)
                          .bind(2, r.phase == SessionPhase::active ? "active" : "otp_required")
                          .bind(3, r.last_seen_at)
                          .run());
    return expect_changed("staff session");
}

Status SqliteTransaction::delete_staff_session(const std::string& token_hash) {
    KAKUIN_TRY(Stmt s, conn_->prepare("delete_staff_session", kDeleteStaffSession));
    KAKUIN_TRY_STATUS(s.bind(1, token_hash).run());
    return expect_changed("staff session");
}

Result<int> SqliteTransaction::delete_staff_sessions_of(const std::string& staff_id) {
    KAKUIN_TRY(Stmt s, conn_->prepare("delete_staff_sessions_of", kDeleteStaffSessionsOf));
    KAKUIN_TRY_STATUS(s.bind(1, staff_id).run());
    return static_cast<int>(conn_->changes());
}

Result<std::int64_t> SqliteTransaction::insert_change_request(const ChangeRequestRecord& r) {
    KAKUIN_TRY(Stmt s, conn_->prepare("insert_change_request", kInsertRequest));
    KAKUIN_TRY_STATUS(s.bind(1, r.kind)
                          .bind(2, r.contract_id)
                          .bind(3, r.request_number)
                          .bind(4, r.payload)
                          .bind(5, change_request_state_name(r.state))
                          .bind(6, r.requested_by)
                          .bind(7, r.requested_at)
                          .bind(8, r.decided_by)
                          .bind(9, r.decided_at)
                          .bind(10, r.reason)
                          .run());
    return static_cast<std::int64_t>(sqlite3_last_insert_rowid(conn_->db()));
}

Result<std::optional<ChangeRequestRecord>> SqliteTransaction::find_change_request(std::int64_t id) {
    KAKUIN_TRY(Stmt s, conn_->prepare("find_change_request", kFindRequest));
    s.bind(1, id);
    KAKUIN_TRY(bool row, s.step());
    if (!row) return std::optional<ChangeRequestRecord>();
    return std::optional<ChangeRequestRecord>(request_row(s));
}

Status SqliteTransaction::update_change_request(const ChangeRequestRecord& r) {
    KAKUIN_TRY(Stmt s, conn_->prepare("update_change_request", kUpdateRequest));
    KAKUIN_TRY_STATUS(s.bind(1, r.id)
                          .bind(2, change_request_state_name(r.state))
                          .bind(3, r.decided_by)
                          .bind(4, r.decided_at)
                          .bind(5, r.reason)
                          .run());
    return expect_changed("change request " + std::to_string(r.id));
}

Result<std::vector<ChangeRequestRecord>> SqliteTransaction::list_change_requests(
    const ChangeRequestQuery& q) {
    KAKUIN_TRY(Stmt s, conn_->prepare("list_change_requests", kListRequests));
    std::optional<std::string> state;
    if (q.state) state = std::string(change_request_state_name(*q.state));
    s.bind(1, state).bind(2, q.contract_id).bind(3, std::clamp(q.limit, 1, 500));
    std::vector<ChangeRequestRecord> out;
    for (;;) {
        KAKUIN_TRY(bool row, s.step());
        if (!row) break;
        out.push_back(request_row(s));
    }
    return out;
}

}  // namespace kakuin::store::sqlite
