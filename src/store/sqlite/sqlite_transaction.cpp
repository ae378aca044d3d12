#include "store/sqlite/sqlite_transaction.h"

#include <algorithm>
#include <array>
#include <limits>

#include "store/sqlite/connection.h"
#include "store/sqlite/group_commit.h"
#include "store/sqlite/sqlite_store.h"

namespace kakuin::store::sqlite {

namespace {

// ---- SQL: every statement is a constant with bound parameters only. ----

constexpr std::string_view kInsertContract =
    "INSERT INTO contracts (contract_id, name_kanji, name_kana, login_method, suspended,"
    " transactions_stopped, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
constexpr std::string_view kFindContract =
    "SELECT contract_id, name_kanji, name_kana, login_method, suspended, transactions_stopped,"
    " created_at FROM contracts WHERE contract_id = ?1";
constexpr std::string_view kUpdateContractFlags =
    "UPDATE contracts SET suspended = ?2, transactions_stopped = ?3 WHERE contract_id = ?1";

#define KAKUIN_PERSON_COLUMNS                                                             \
    "contract_id, user_id, name_kana, name_kanji, authority, accident, suspended, otp_locked," \
    " locked, failure_count, contact_email, login_pin_hash, confirmation_pin_hash,"         \
    " last_login_at, created_at"
constexpr std::string_view kInsertPerson =
    "INSERT INTO persons (" KAKUIN_PERSON_COLUMNS
    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)";
constexpr std::string_view kInsertEmptySlot =
    "INSERT INTO certificate_slots (contract_id, user_id) VALUES (?1, ?2)";
constexpr std::string_view kFindPerson =
    "SELECT " KAKUIN_PERSON_COLUMNS " FROM persons WHERE contract_id = ?1 AND user_id = ?2";
constexpr std::string_view kListPersons =
    "SELECT " KAKUIN_PERSON_COLUMNS " FROM persons WHERE contract_id = ?1 ORDER BY user_id";
constexpr std::string_view kUpdatePerson =
    "UPDATE persons SET name_kana = ?3, name_kanji = ?4, authority = ?5, accident = ?6,"
    " suspended = ?7, otp_locked = ?8, locked = ?9, failure_count = ?10, contact_email = ?11,"
    " login_pin_hash = ?12, confirmation_pin_hash = ?13, last_login_at = ?14"
    " WHERE contract_id = ?1 AND user_id = ?2";
constexpr std::string_view kDeletePerson =
    "DELETE FROM persons WHERE contract_id = ?1 AND user_id = ?2";
#undef KAKUIN_PERSON_COLUMNS

#define KAKUIN_SLOT_COLUMNS                                                                  \
    "issue_number, phase, registered_at, acquisition_deadline, serial_hex, not_after,"         \
    " first_used_at, revoked_at, revocation_reason"
constexpr std::string_view kLoadSlot =
    "SELECT " KAKUIN_SLOT_COLUMNS " FROM certificate_slots WHERE contract_id = ?1 AND user_id = ?2";
constexpr std::string_view kSaveSlot =
    "UPDATE certificate_slots SET issue_number = ?3, phase = ?4, registered_at = ?5,"
    " acquisition_deadline = ?6, serial_hex = ?7, not_after = ?8, first_used_at = ?9,"
    " revoked_at = ?10, revocation_reason = ?11 WHERE contract_id = ?1 AND user_id = ?2";
constexpr std::string_view kListSlots =
    "SELECT " KAKUIN_SLOT_COLUMNS ", user_id FROM certificate_slots WHERE contract_id = ?1";
constexpr std::string_view kSlotsDueForExpiry =
    "SELECT " KAKUIN_SLOT_COLUMNS ", contract_id, user_id FROM certificate_slots"
    " WHERE phase = 'issued' AND not_after <= ?1 ORDER BY not_after LIMIT ?2";
#undef KAKUIN_SLOT_COLUMNS

#define KAKUIN_CERT_COLUMNS                                                                  \
    "serial_hex, contract_id, user_id, issue_number, not_before, not_after, der,"               \
    " sha256_fingerprint, revoked_at, revocation_reason, first_used_at"
constexpr std::string_view kInsertCertificate =
    "INSERT INTO certificates (" KAKUIN_CERT_COLUMNS
    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
constexpr std::string_view kFindCertificateBySerial =
    "SELECT " KAKUIN_CERT_COLUMNS " FROM certificates WHERE serial_hex = ?1";
constexpr std::string_view kFindCertificateByFingerprint =
    "SELECT " KAKUIN_CERT_COLUMNS " FROM certificates WHERE sha256_fingerprint = ?1";
#undef KAKUIN_CERT_COLUMNS
constexpr std::string_view kMarkCertificateRevoked =
    "UPDATE certificates SET revoked_at = ?2, revocation_reason = ?3"
    " WHERE serial_hex = ?1 AND revoked_at IS NULL";
constexpr std::string_view kMarkCertificateFirstUsed =
    "UPDATE certificates SET first_used_at = coalesce(first_used_at, ?2) WHERE serial_hex = ?1";
constexpr std::string_view kListRevoked =
    "SELECT serial_hex, revoked_at, revocation_reason FROM certificates"
    " WHERE revoked_at IS NOT NULL ORDER BY serial_hex";

constexpr std::string_view kNextCrlNumber =
    "INSERT INTO counters (name, value) VALUES ('crl_number', 1)"
    " ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value";

constexpr std::string_view kAppendHistory =
    "INSERT INTO usage_history (at, contract_id, actor, target_user_id, kind, source_address,"
    " result, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

constexpr std::string_view kGetMeta = "SELECT value FROM meta WHERE key = ?1";
constexpr std::string_view kSetMeta =
    "INSERT INTO meta (key, value) VALUES (?1, ?2)"
    " ON CONFLICT (key) DO UPDATE SET value = excluded.value";

constexpr std::string_view kRowCounts =
    "SELECT (SELECT count(*) FROM contracts), (SELECT count(*) FROM persons),"
    " (SELECT count(*) FROM certificate_slots), (SELECT count(*) FROM certificates),"
    " (SELECT count(*) FROM usage_history)";

// The history list has one statement per combination of equality filters, so that each uses
// the matching index; the period and the keyset cursor are a range on (at, id) in all of them.
// Bit 0: contract_id, bit 1: target_user_id, bit 2: kind.
const std::array<std::string, 8>& history_statements() {
    static const std::array<std::string, 8> all = [] {
        std::array<std::string, 8> s;
        for (unsigned mask = 0; mask < 8; ++mask) {
            std::string sql =
                "SELECT id, at, contract_id, actor, target_user_id, kind, source_address, result,"
                " detail FROM usage_history WHERE at >= ?1 AND (at, id) < (?2, ?3)";
            if (mask & 1u) sql += " AND contract_id = ?4";
            if (mask & 2u) sql += " AND target_user_id = ?5";
            if (mask & 4u) sql += " AND kind = ?6";
            sql += " ORDER BY at DESC, id DESC LIMIT ?7";
            s[mask] = std::move(sql);
        }
        return s;
    }();
    return all;
}

// ---- Rows. ----

Contract contract_from(const Stmt& s) {
    Contract c;
    c.contract_id = s.text(0);
    c.name_kanji = s.text(1);
    c.name_kana = s.text(2);
    (void)login_method_from_name(s.text(3), c.login_method);  // CHECK constraint keeps it valid
    c.suspended = s.boolean(4);
    c.transactions_stopped = s.boolean(5);
    c.created_at = s.time(6);
    return c;
}

Person person_from(const Stmt& s) {
    Person p;
    p.key = PersonKey{s.text(0), s.text(1)};
    p.name_kana = s.text(2);
    p.name_kanji = s.text(3);
    (void)authority_from_name(s.text(4), p.authority);
    p.accident = s.boolean(5);
    p.suspended = s.boolean(6);
    p.otp_locked = s.boolean(7);
    p.locked = s.boolean(8);
    p.failure_count = s.int32(9);
    p.contact_email = s.opt_text(10);
    p.login_pin_hash = s.text(11);
    p.confirmation_pin_hash = s.text(12);
    p.last_login_at = s.opt_time(13);
    p.created_at = s.time(14);
    return p;
}

Stmt& bind_person(Stmt& s, const Person& p) {
    return s.bind(1, p.key.contract_id)
        .bind(2, p.key.user_id)
        .bind(3, p.name_kana)
        .bind(4, p.name_kanji)
        .bind(5, authority_name(p.authority))
        .bind(6, p.accident)
        .bind(7, p.suspended)
        .bind(8, p.otp_locked)
        .bind(9, p.locked)
        .bind(10, p.failure_count)
        .bind(11, p.contact_email)
        .bind(12, p.login_pin_hash)
        .bind(13, p.confirmation_pin_hash)
        .bind(14, p.last_login_at);
}

CrlReason reason_from(std::int64_t v) {
    CrlReason r = CrlReason::unspecified;
    (void)crl_reason_from_int(static_cast<int>(v), r);
    return r;
}

Result<CertificateSlot> slot_from(const Stmt& s) {
    CertificateSlot slot;
    slot.issue_number = s.int32(0);
    if (!slot_phase_from_name(s.text(1), slot.phase)) {
        return make_error(ErrorCode::storage_failure, "unknown slot phase " + s.text(1));
    }
    slot.registered_at = s.opt_time(2);
    slot.acquisition_deadline = s.opt_time(3);
    slot.serial_hex = s.opt_text(4).value_or("");
    slot.not_after = s.opt_time(5);
    slot.first_used_at = s.opt_time(6);
    slot.revoked_at = s.opt_time(7);
    if (!s.is_null(8)) slot.revocation_reason = reason_from(s.int64(8));
    return slot;
}

CertificateRecord certificate_from(const Stmt& s) {
    CertificateRecord c;
    c.serial_hex = s.text(0);
    c.person = PersonKey{s.text(1), s.text(2)};
    c.issue_number = s.int32(3);
    c.not_before = s.time(4);
    c.not_after = s.time(5);
    c.der = s.blob(6);
    c.sha256_fingerprint_hex = s.text(7);
    c.revoked_at = s.opt_time(8);
    if (!s.is_null(9)) c.revocation_reason = reason_from(s.int64(9));
    c.first_used_at = s.opt_time(10);
    return c;
}

UsageRecord usage_from(const Stmt& s) {
    UsageRecord r;
    r.id = s.int64(0);
    r.at = s.time(1);
    r.contract_id = s.text(2);
    r.actor = s.text(3);
    r.target_user_id = s.opt_text(4);
    r.kind = s.text(5);
    r.source_address = s.opt_text(6);
    r.result = s.text(7);
    r.detail = s.text(8);
    return r;
}

std::string person_text(const PersonKey& k) {
    return k.contract_id + (k.user_id.empty() ? std::string(" (admin)") : "/" + k.user_id);
}

}  // namespace

SqliteTransaction::SqliteTransaction(SqliteStore& store, std::unique_ptr<Connection> conn)
    : store_(&store), owned_(std::move(conn)), conn_(owned_.get()) {}

SqliteTransaction::SqliteTransaction(GroupCommit& writer, Connection& conn)
    : writer_(&writer), conn_(&conn) {}

SqliteTransaction::SqliteTransaction(Connection& conn) : conn_(&conn) {}

SqliteTransaction::~SqliteTransaction() {
    if (!store_ && !writer_) return;  // GroupCommit::run ends its savepoint
    if (writer_) {
        if (!finished_) writer_->rollback();
        return;
    }
    if (!finished_) (void)conn_->exec("rollback", "ROLLBACK");
    store_->release(std::move(owned_));  // dropped if the rollback failed
}

Status SqliteTransaction::commit() {
    if (finished_) return make_error(ErrorCode::internal_error, "transaction already finished");
    if (writer_) {
        finished_ = true;  // the writer connection is handed on whatever the outcome
        return writer_->commit();
    }
    if (!store_) {  // inside GroupCommit::run: it RELEASEs the savepoint and COMMITs
        finished_ = true;
        return {};
    }
    KAKUIN_TRY_STATUS(conn_->exec("commit", "COMMIT"));
    finished_ = true;
    return {};
}

Status SqliteTransaction::expect_changed(std::string_view what) {
    if (conn_->changes() == 0) return make_error(ErrorCode::not_found, std::string(what));
    return {};
}

// ---- Contracts. ----

Status SqliteTransaction::insert_contract(const Contract& c) {
    KAKUIN_TRY(Stmt s, conn_->prepare("insert_contract", kInsertContract));
    return s.bind(1, c.contract_id)
        .bind(2, c.name_kanji)
        .bind(3, c.name_kana)
        .bind(4, login_method_name(c.login_method))
        .bind(5, c.suspended)
        .bind(6, c.transactions_stopped)
        .bind(7, c.created_at)
        .run();
}

Result<std::optional<Contract>> SqliteTransaction::find_contract(const std::string& contract_id) {
    KAKUIN_TRY(Stmt s, conn_->prepare("find_contract", kFindContract));
    s.bind(1, contract_id);
    KAKUIN_TRY(bool row, s.step());
    if (!row) return std::optional<Contract>();
    return std::optional<Contract>(contract_from(s));
}

Status SqliteTransaction::update_contract_flags(const std::string& contract_id, bool suspended,
                                                bool transactions_stopped) {
    KAKUIN_TRY(Stmt s, conn_->prepare("update_contract_flags", kUpdateContractFlags));
    KAKUIN_TRY_STATUS(s.bind(1, contract_id).bind(2, suspended).bind(3, transactions_stopped).run());
    return expect_changed("contract " + contract_id);
}

// ---- Persons. ----

Status SqliteTransaction::insert_person(const Person& p) {
    {
        KAKUIN_TRY(Stmt s, conn_->prepare("insert_person", kInsertPerson));
        bind_person(s, p).bind(15, p.created_at);
        KAKUIN_TRY_STATUS(s.run());
    }
    KAKUIN_TRY(Stmt slot, conn_->prepare("insert_empty_slot", kInsertEmptySlot));
    return slot.bind(1, p.key.contract_id).bind(2, p.key.user_id).run();
}

Result<std::optional<Person>> SqliteTransaction::find_person(const PersonKey& key) {
    KAKUIN_TRY(Stmt s, conn_->prepare("find_person", kFindPerson));
    s.bind(1, key.contract_id).bind(2, key.user_id);
    KAKUIN_TRY(bool row, s.step());
    if (!row) return std::optional<Person>();
    return std::optional<Person>(person_from(s));
}

Result<std::vector<Person>> SqliteTransaction::list_persons(const std::string& contract_id) {
    KAKUIN_TRY(Stmt s, conn_->prepare("list_persons", kListPersons));
    s.bind(1, contract_id);
    std::vector<Person> out;
    for (;;) {
        KAKUIN_TRY(bool row, s.step());
        if (!row) break;
        out.push_back(person_from(s));
    }
    return out;
}

Status SqliteTransaction::update_person(const Person& p) {
    KAKUIN_TRY(Stmt s, conn_->prepare("update_person", kUpdatePerson));
    KAKUIN_TRY_STATUS(bind_person(s, p).run());
    return expect_changed("person " + person_text(p.key));
}

Status SqliteTransaction::delete_person(const PersonKey& key) {
    KAKUIN_TRY(Stmt s, conn_->prepare("delete_person", kDeletePerson));
    KAKUIN_TRY_STATUS(s.bind(1, key.contract_id).bind(2, key.user_id).run());
    return expect_changed("person " + person_text(key));
}

// ---- Certificate slots. ----

Result<CertificateSlot> SqliteTransaction::load_slot_for_update(const PersonKey& key) {
    // A write transaction already holds SQLite's write lock (BEGIN IMMEDIATE): no row lock needed.
    KAKUIN_TRY(Stmt s, conn_->prepare("load_slot", kLoadSlot));
    s.bind(1, key.contract_id).bind(2, key.user_id);
    KAKUIN_TRY(bool row, s.step());
    if (!row) return make_error(ErrorCode::not_found, "no slot for " + person_text(key));
    return slot_from(s);
}

Result<std::map<std::string, CertificateSlot>> SqliteTransaction::list_slots(
    const std::string& contract_id) {
    KAKUIN_TRY(Stmt s, conn_->prepare("list_slots", kListSlots));
    s.bind(1, contract_id);
    std::map<std::string, CertificateSlot> out;
    for (;;) {
        KAKUIN_TRY(bool row, s.step());
        if (!row) break;
        KAKUIN_TRY(CertificateSlot slot, slot_from(s));
        out.emplace(s.text(9), std::move(slot));
    }
    return out;
}

Status SqliteTransaction::save_slot(const PersonKey& key, const CertificateSlot& slot) {
    KAKUIN_TRY(Stmt s, conn_->prepare("save_slot", kSaveSlot));
    std::optional<int> reason;
    if (slot.revocation_reason) reason = static_cast<int>(*slot.revocation_reason);
    std::optional<std::string> serial;
    if (!slot.serial_hex.empty()) serial = slot.serial_hex;
    KAKUIN_TRY_STATUS(s.bind(1, key.contract_id)
                          .bind(2, key.user_id)
                          .bind(3, slot.issue_number)
                          .bind(4, slot_phase_name(slot.phase))
                          .bind(5, slot.registered_at)
                          .bind(6, slot.acquisition_deadline)
                          .bind(7, serial)
                          .bind(8, slot.not_after)
                          .bind(9, slot.first_used_at)
                          .bind(10, slot.revoked_at)
                          .bind(11, reason)
                          .run());
    return expect_changed("slot of " + person_text(key));
}

Result<std::vector<DueSlot>> SqliteTransaction::list_slots_due_for_expiry(TimePoint now, int limit) {
    KAKUIN_TRY(Stmt s, conn_->prepare("slots_due_for_expiry", kSlotsDueForExpiry));
    s.bind(1, now).bind(2, std::max(1, limit));
    std::vector<DueSlot> out;
    for (;;) {
        KAKUIN_TRY(bool row, s.step());
        if (!row) break;
        KAKUIN_TRY(CertificateSlot slot, slot_from(s));
        out.push_back(DueSlot{PersonKey{s.text(9), s.text(10)}, std::move(slot)});
    }
    return out;
}

// ---- Certificates. ----

Status SqliteTransaction::insert_certificate(const CertificateRecord& c) {
    KAKUIN_TRY(Stmt s, conn_->prepare("insert_certificate", kInsertCertificate));
    std::optional<int> reason;
    if (c.revoked_at) reason = static_cast<int>(c.revocation_reason);
    return s.bind(1, c.serial_hex)
        .bind(2, c.person.contract_id)
        .bind(3, c.person.user_id)
        .bind(4, c.issue_number)
        .bind(5, c.not_before)
        .bind(6, c.not_after)
        .bind(7, std::span<const std::uint8_t>(c.der))
        .bind(8, c.sha256_fingerprint_hex)
        .bind(9, c.revoked_at)
        .bind(10, reason)
        .bind(11, c.first_used_at)
        .run();
}

Result<std::optional<CertificateRecord>> SqliteTransaction::find_certificate_by_serial(
    const std::string& serial_hex) {
    KAKUIN_TRY(Stmt s, conn_->prepare("find_certificate_by_serial", kFindCertificateBySerial));
    s.bind(1, serial_hex);
    KAKUIN_TRY(bool row, s.step());
    if (!row) return std::optional<CertificateRecord>();
    return std::optional<CertificateRecord>(certificate_from(s));
}

Result<std::optional<CertificateRecord>> SqliteTransaction::find_certificate_by_fingerprint(
    const std::string& sha256_hex) {
    KAKUIN_TRY(Stmt s,
               conn_->prepare("find_certificate_by_fingerprint", kFindCertificateByFingerprint));
    s.bind(1, sha256_hex);
    KAKUIN_TRY(bool row, s.step());
    if (!row) return std::optional<CertificateRecord>();
    return std::optional<CertificateRecord>(certificate_from(s));
}

Status SqliteTransaction::mark_certificate_revoked(const std::string& serial_hex, TimePoint at,
                                                   CrlReason reason) {
    KAKUIN_TRY(Stmt s, conn_->prepare("mark_certificate_revoked", kMarkCertificateRevoked));
    KAKUIN_TRY_STATUS(s.bind(1, serial_hex).bind(2, at).bind(3, static_cast<int>(reason)).run());
    return expect_changed("unrevoked certificate " + serial_hex);
}

Status SqliteTransaction::mark_certificate_first_used(const std::string& serial_hex, TimePoint at) {
    KAKUIN_TRY(Stmt s, conn_->prepare("mark_certificate_first_used", kMarkCertificateFirstUsed));
    KAKUIN_TRY_STATUS(s.bind(1, serial_hex).bind(2, at).run());
    return expect_changed("certificate " + serial_hex);
}

Status SqliteTransaction::for_each_revoked_certificate(
    const std::function<Status(const RevokedCertificate&)>& visit) {
    KAKUIN_TRY(Stmt s, conn_->prepare("list_revoked", kListRevoked));
    for (;;) {
        KAKUIN_TRY(bool row, s.step());
        if (!row) return {};
        KAKUIN_TRY_STATUS(visit(RevokedCertificate{s.text(0), s.time(1), reason_from(s.int64(2))}));
    }
}

Result<std::int64_t> SqliteTransaction::next_crl_number() {
    KAKUIN_TRY(Stmt s, conn_->prepare("next_crl_number", kNextCrlNumber));
    KAKUIN_TRY(bool row, s.step());
    if (!row) return make_error(ErrorCode::storage_failure, "next_crl_number returned no row");
    const std::int64_t value = s.int64(0);
    KAKUIN_TRY(bool more, s.step());  // finish the statement so the write completes
    (void)more;
    return value;
}

// ---- Usage history. ----

Result<std::int64_t> SqliteTransaction::append_history(const UsageRecord& r) {
    KAKUIN_TRY(Stmt s, conn_->prepare("append_history", kAppendHistory));
    KAKUIN_TRY_STATUS(s.bind(1, r.at)
                          .bind(2, r.contract_id)
                          .bind(3, r.actor)
                          .bind(4, r.target_user_id)
                          .bind(5, r.kind)
                          .bind(6, r.source_address)
                          .bind(7, r.result)
                          .bind(8, r.detail)
                          .run());
    return static_cast<std::int64_t>(sqlite3_last_insert_rowid(conn_->db()));
}

Result<HistoryPage> SqliteTransaction::list_history(const HistoryQuery& q) {
    constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
    constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
    // Upper bound (exclusive) on (at, id): the cursor or the period's end, whichever is lower.
    std::int64_t upper_at = q.until ? to_unix(*q.until) : kMax;
    std::int64_t upper_id = kMin;
    if (q.after && (to_unix(q.after->at) < upper_at ||
                    (to_unix(q.after->at) == upper_at && q.after->id < upper_id))) {
        upper_at = to_unix(q.after->at);
        upper_id = q.after->id;
    }
    const unsigned mask = (q.contract_id ? 1u : 0u) | (q.target_user_id ? 2u : 0u) |
                          (q.kind ? 4u : 0u);
    const std::string& sql = history_statements()[mask];
    const int limit = std::clamp(q.limit, 1, kMaxHistoryPage);

    KAKUIN_TRY(Stmt s, conn_->prepare("list_history", sql));
    s.bind(1, q.from ? to_unix(*q.from) : kMin).bind(2, upper_at).bind(3, upper_id);
    if (q.contract_id) s.bind(4, *q.contract_id);
    if (q.target_user_id) s.bind(5, *q.target_user_id);
    if (q.kind) s.bind(6, *q.kind);
    s.bind(7, limit + 1);  // one more tells whether another page follows

    HistoryPage page;
    for (;;) {
        KAKUIN_TRY(bool row, s.step());
        if (!row) break;
        if (static_cast<int>(page.records.size()) == limit) {
            const UsageRecord& last = page.records.back();
            page.next = HistoryQuery::Cursor{last.at, last.id};
            break;
        }
        page.records.push_back(usage_from(s));
    }
    return page;
}

// ---- Meta. ----

Result<std::optional<std::string>> SqliteTransaction::get_meta(const std::string& key) {
    KAKUIN_TRY(Stmt s, conn_->prepare("get_meta", kGetMeta));
    s.bind(1, key);
    KAKUIN_TRY(bool row, s.step());
    if (!row) return std::optional<std::string>();
    return std::optional<std::string>(s.text(0));
}

Status SqliteTransaction::set_meta(const std::string& key, const std::string& value) {
    KAKUIN_TRY(Stmt s, conn_->prepare("set_meta", kSetMeta));
    return s.bind(1, key).bind(2, value).run();
}

Result<RowCounts> SqliteTransaction::row_counts() {
    KAKUIN_TRY(Stmt s, conn_->prepare("row_counts", kRowCounts));
    KAKUIN_TRY(bool row, s.step());
    if (!row) return make_error(ErrorCode::storage_failure, "row_counts returned no row");
    return RowCounts{s.int64(0), s.int64(1), s.int64(2), s.int64(3), s.int64(4)};
}

}  // namespace kakuin::store::sqlite
