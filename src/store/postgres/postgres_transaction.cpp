#include "store/postgres/postgres_transaction.h"

#include <algorithm>
#include <array>
#include <limits>

#include "store/postgres/postgres_store.h"

namespace kakuin::store::postgres {

namespace {

// ---- SQL: every statement is a constant with bound parameters only. Inserts that may hit a
// key use ON CONFLICT DO NOTHING and report conflict from the row count: unlike SQLite, a
// failed statement would abort the whole PostgreSQL transaction, and callers may go on after a
// conflict (as they can on SQLite). ----

constexpr std::string_view kInsertContract =
    "INSERT INTO contracts (contract_id, name_kanji, name_kana, login_method, suspended,"
    " transactions_stopped, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
    " ON CONFLICT DO NOTHING";
#define KAKUIN_CONTRACT_COLUMNS                                                            \
    "contract_id, name_kanji, name_kana, login_method, suspended, transactions_stopped,"   \
    " created_at"
constexpr std::string_view kFindContract =
    "SELECT " KAKUIN_CONTRACT_COLUMNS " FROM contracts WHERE contract_id = $1";
constexpr std::string_view kFindContractShared =
    "SELECT " KAKUIN_CONTRACT_COLUMNS " FROM contracts WHERE contract_id = $1 FOR KEY SHARE";
#undef KAKUIN_CONTRACT_COLUMNS
constexpr std::string_view kUpdateContractFlags =
    "UPDATE contracts SET suspended = $2, transactions_stopped = $3 WHERE contract_id = $1";

#define KAKUIN_PERSON_COLUMNS                                                             \
    "contract_id, user_id, name_kana, name_kanji, authority, accident, suspended, otp_locked," \
    " locked, failure_count, contact_email, login_pin_hash, confirmation_pin_hash,"         \
    " last_login_at, created_at"
constexpr std::string_view kInsertPerson =
    "INSERT INTO persons (" KAKUIN_PERSON_COLUMNS
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
    " ON CONFLICT DO NOTHING";
constexpr std::string_view kInsertEmptySlot =
    "INSERT INTO certificate_slots (contract_id, user_id) VALUES ($1, $2)";
constexpr std::string_view kFindPerson =
    "SELECT " KAKUIN_PERSON_COLUMNS " FROM persons WHERE contract_id = $1 AND user_id = $2";
// Write transactions lock the person: failure counters and lock flags are read-modify-write.
constexpr std::string_view kFindPersonForUpdate =
    "SELECT " KAKUIN_PERSON_COLUMNS " FROM persons WHERE contract_id = $1 AND user_id = $2"
    " FOR NO KEY UPDATE";
constexpr std::string_view kListPersons =
    "SELECT " KAKUIN_PERSON_COLUMNS " FROM persons WHERE contract_id = $1"
    " ORDER BY user_id COLLATE \"C\"";
constexpr std::string_view kUpdatePerson =
    "UPDATE persons SET name_kana = $3, name_kanji = $4, authority = $5, accident = $6,"
    " suspended = $7, otp_locked = $8, locked = $9, failure_count = $10, contact_email = $11,"
    " login_pin_hash = $12, confirmation_pin_hash = $13, last_login_at = $14"
    " WHERE contract_id = $1 AND user_id = $2";
constexpr std::string_view kDeletePerson =
    "DELETE FROM persons WHERE contract_id = $1 AND user_id = $2";
#undef KAKUIN_PERSON_COLUMNS

#define KAKUIN_SLOT_COLUMNS                                                                  \
    "issue_number, phase, registered_at, acquisition_deadline, serial_hex, not_after,"         \
    " first_used_at, revoked_at, revocation_reason"
constexpr std::string_view kLoadSlot =
    "SELECT " KAKUIN_SLOT_COLUMNS " FROM certificate_slots WHERE contract_id = $1 AND user_id = $2";
// The slot row lock is what keeps one valid certificate per person across nodes.
constexpr std::string_view kLoadSlotForUpdate =
    "SELECT " KAKUIN_SLOT_COLUMNS " FROM certificate_slots WHERE contract_id = $1 AND user_id = $2"
    " FOR NO KEY UPDATE";
constexpr std::string_view kSaveSlot =
    "UPDATE certificate_slots SET issue_number = $3, phase = $4, registered_at = $5,"
    " acquisition_deadline = $6, serial_hex = $7, not_after = $8, first_used_at = $9,"
    " revoked_at = $10, revocation_reason = $11 WHERE contract_id = $1 AND user_id = $2";
constexpr std::string_view kListSlots =
    "SELECT " KAKUIN_SLOT_COLUMNS ", user_id FROM certificate_slots WHERE contract_id = $1";
constexpr std::string_view kSlotsDueForExpiry =
    "SELECT " KAKUIN_SLOT_COLUMNS ", contract_id, user_id FROM certificate_slots"
    " WHERE phase = 'issued' AND not_after <= $1 ORDER BY not_after LIMIT $2";
#undef KAKUIN_SLOT_COLUMNS

#define KAKUIN_CERT_COLUMNS                                                                  \
    "serial_hex, contract_id, user_id, issue_number, not_before, not_after, der,"               \
    " sha256_fingerprint, revoked_at, revocation_reason, first_used_at"
constexpr std::string_view kInsertCertificate =
    "INSERT INTO certificates (" KAKUIN_CERT_COLUMNS
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING";
constexpr std::string_view kFindCertificateBySerial =
    "SELECT " KAKUIN_CERT_COLUMNS " FROM certificates WHERE serial_hex = $1";
constexpr std::string_view kFindCertificateByFingerprint =
    "SELECT " KAKUIN_CERT_COLUMNS " FROM certificates WHERE sha256_fingerprint = $1";
#undef KAKUIN_CERT_COLUMNS
constexpr std::string_view kMarkCertificateRevoked =
    "UPDATE certificates SET revoked_at = $2, revocation_reason = $3"
    " WHERE serial_hex = $1 AND revoked_at IS NULL";
constexpr std::string_view kMarkCertificateFirstUsed =
    "UPDATE certificates SET first_used_at = coalesce(first_used_at, $2) WHERE serial_hex = $1";
// A cursor streams the CRL from one snapshot without holding a million rows in memory.
constexpr std::string_view kDeclareRevoked =
    "DECLARE kakuin_revoked NO SCROLL CURSOR FOR"
    " SELECT serial_hex, revoked_at, revocation_reason FROM certificates"
    " WHERE revoked_at IS NOT NULL ORDER BY serial_hex";
constexpr std::string_view kFetchRevoked = "FETCH FORWARD 10000 FROM kakuin_revoked";
constexpr std::string_view kCloseRevoked = "CLOSE kakuin_revoked";

constexpr std::string_view kNextCrlNumber =
    "INSERT INTO counters (name, value) VALUES ('crl_number', 1)"
    " ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value";

constexpr std::string_view kAppendHistory =
    "INSERT INTO usage_history (at, contract_id, actor, target_user_id, kind, source_address,"
    " result, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";

constexpr std::string_view kGetMeta = "SELECT value FROM meta WHERE key = $1";
constexpr std::string_view kSetMeta =
    "INSERT INTO meta (key, value) VALUES ($1, $2)"
    " ON CONFLICT (key) DO UPDATE SET value = excluded.value";

constexpr std::string_view kRowCounts =
    "SELECT (SELECT count(*) FROM contracts), (SELECT count(*) FROM persons),"
    " (SELECT count(*) FROM certificate_slots), (SELECT count(*) FROM certificates),"
    " (SELECT count(*) FROM usage_history)";

// One statement per combination of equality filters (bit 0: contract_id, bit 1:
// target_user_id, bit 2: kind), parameters numbered in order of use, so each uses its index.
const std::array<std::string, 8>& history_statements() {
    static const std::array<std::string, 8> all = [] {
        std::array<std::string, 8> s;
        for (unsigned mask = 0; mask < 8; ++mask) {
            std::string sql =
                "SELECT id, at, contract_id, actor, target_user_id, kind, source_address, result,"
                " detail FROM usage_history WHERE at >= $1 AND (at, id) < ($2, $3)";
            int n = 4;
            if (mask & 1u) sql += " AND contract_id = $" + std::to_string(n++);
            if (mask & 2u) sql += " AND target_user_id = $" + std::to_string(n++);
            if (mask & 4u) sql += " AND kind = $" + std::to_string(n++);
            sql += " ORDER BY at DESC, id DESC LIMIT $" + std::to_string(n);
            s[mask] = std::move(sql);
        }
        return s;
    }();
    return all;
}

// ---- Rows. ----

Contract contract_from(const Rows& r, int i) {
    Contract c;
    c.contract_id = r.text(i, 0);
    c.name_kanji = r.text(i, 1);
    c.name_kana = r.text(i, 2);
    (void)login_method_from_name(r.text(i, 3), c.login_method);  // CHECK keeps it valid
    c.suspended = r.boolean(i, 4);
    c.transactions_stopped = r.boolean(i, 5);
    c.created_at = r.time(i, 6);
    return c;
}

Person person_from(const Rows& r, int i) {
    Person p;
    p.key = PersonKey{r.text(i, 0), r.text(i, 1)};
    p.name_kana = r.text(i, 2);
    p.name_kanji = r.text(i, 3);
    (void)authority_from_name(r.text(i, 4), p.authority);
    p.accident = r.boolean(i, 5);
    p.suspended = r.boolean(i, 6);
    p.otp_locked = r.boolean(i, 7);
    p.locked = r.boolean(i, 8);
    p.failure_count = r.int32(i, 9);
    p.contact_email = r.opt_text(i, 10);
    p.login_pin_hash = r.text(i, 11);
    p.confirmation_pin_hash = r.text(i, 12);
    p.last_login_at = r.opt_time(i, 13);
    p.created_at = r.time(i, 14);
    return p;
}

Params person_params(const Person& p) {
    Params a;
    a.add(p.key.contract_id)
        .add(p.key.user_id)
        .add(p.name_kana)
        .add(p.name_kanji)
        .add(authority_name(p.authority))
        .add(p.accident)
        .add(p.suspended)
        .add(p.otp_locked)
        .add(p.locked)
        .add(p.failure_count)
        .add(p.contact_email)
        .add(p.login_pin_hash)
        .add(p.confirmation_pin_hash)
        .add(p.last_login_at);
    return a;
}

CrlReason reason_from(std::int64_t v) {
    CrlReason r = CrlReason::unspecified;
    (void)crl_reason_from_int(static_cast<int>(v), r);
    return r;
}

Result<CertificateSlot> slot_from(const Rows& r, int i) {
    CertificateSlot slot;
    slot.issue_number = r.int32(i, 0);
    if (!slot_phase_from_name(r.text(i, 1), slot.phase)) {
        return make_error(ErrorCode::storage_failure, "unknown slot phase " + r.text(i, 1));
    }
    slot.registered_at = r.opt_time(i, 2);
    slot.acquisition_deadline = r.opt_time(i, 3);
    slot.serial_hex = r.opt_text(i, 4).value_or("");
    slot.not_after = r.opt_time(i, 5);
    slot.first_used_at = r.opt_time(i, 6);
    slot.revoked_at = r.opt_time(i, 7);
    if (!r.is_null(i, 8)) slot.revocation_reason = reason_from(r.int64(i, 8));
    return slot;
}

CertificateRecord certificate_from(const Rows& r, int i) {
    CertificateRecord c;
    c.serial_hex = r.text(i, 0);
    c.person = PersonKey{r.text(i, 1), r.text(i, 2)};
    c.issue_number = r.int32(i, 3);
    c.not_before = r.time(i, 4);
    c.not_after = r.time(i, 5);
    c.der = r.bytes(i, 6);
    c.sha256_fingerprint_hex = r.text(i, 7);
    c.revoked_at = r.opt_time(i, 8);
    if (!r.is_null(i, 9)) c.revocation_reason = reason_from(r.int64(i, 9));
    c.first_used_at = r.opt_time(i, 10);
    return c;
}

UsageRecord usage_from(const Rows& r, int i) {
    UsageRecord u;
    u.id = r.int64(i, 0);
    u.at = r.time(i, 1);
    u.contract_id = r.text(i, 2);
    u.actor = r.text(i, 3);
    u.target_user_id = r.opt_text(i, 4);
    u.kind = r.text(i, 5);
    u.source_address = r.opt_text(i, 6);
    u.result = r.text(i, 7);
    u.detail = r.text(i, 8);
    return u;
}

std::string person_text(const PersonKey& k) {
    return k.contract_id + (k.user_id.empty() ? std::string(" (admin)") : "/" + k.user_id);
}

Status expect_changed(const Rows& r, std::string_view what) {
    if (r.affected() == 0) return make_error(ErrorCode::not_found, std::string(what));
    return {};
}

}  // namespace

PostgresTransaction::PostgresTransaction(PostgresStore& store, std::unique_ptr<PgConnection> conn,
                                         TxMode mode)
    : store_(store), conn_(std::move(conn)), mode_(mode) {}

PostgresTransaction::~PostgresTransaction() {
    if (!finished_) (void)conn_->exec("rollback", "ROLLBACK");
    store_.release(std::move(conn_));  // dropped unless idle
}

Result<Rows> PostgresTransaction::q(std::string_view name, std::string_view sql, const Params& p) {
    return conn_->query(name, sql, p);
}

Status PostgresTransaction::commit() {
    if (finished_) return make_error(ErrorCode::internal_error, "transaction already finished");
    finished_ = true;
    // After a failed statement PostgreSQL answers COMMIT with ROLLBACK: that is a failure.
    PGresult* r = PQexec(conn_->raw(), "COMMIT");
    if (!r || PQresultStatus(r) != PGRES_COMMAND_OK) return pg_error(conn_->raw(), r, "commit");
    const std::string tag = PQcmdStatus(r);
    PQclear(r);
    if (tag != "COMMIT") {
        return make_error(ErrorCode::storage_failure, "commit: the transaction was rolled back");
    }
    return {};
}

// ---- Contracts. ----

Status PostgresTransaction::insert_contract(const Contract& c) {
    KAKUIN_TRY(Rows r, q("insert_contract", kInsertContract,
                         Params()
                             .add(c.contract_id)
                             .add(c.name_kanji)
                             .add(c.name_kana)
                             .add(login_method_name(c.login_method))
                             .add(c.suspended)
                             .add(c.transactions_stopped)
                             .add(c.created_at)));
    if (r.affected() == 0) return make_error(ErrorCode::conflict, "contract " + c.contract_id);
    return {};
}

Result<std::optional<Contract>> PostgresTransaction::find_contract(const std::string& contract_id) {
    KAKUIN_TRY(Rows r, writing() ? q("find_contract_shared", kFindContractShared,
                                     Params().add(contract_id))
                                 : q("find_contract", kFindContract, Params().add(contract_id)));
    if (r.size() == 0) return std::optional<Contract>();
    return std::optional<Contract>(contract_from(r, 0));
}

Status PostgresTransaction::update_contract_flags(const std::string& contract_id, bool suspended,
                                                  bool transactions_stopped) {
    KAKUIN_TRY(Rows r, q("update_contract_flags", kUpdateContractFlags,
                         Params().add(contract_id).add(suspended).add(transactions_stopped)));
    return expect_changed(r, "contract " + contract_id);
}

// ---- Persons. ----

Status PostgresTransaction::insert_person(const Person& p) {
    KAKUIN_TRY(auto contract, find_contract(p.key.contract_id));  // locks it against deletion
    if (!contract) return make_error(ErrorCode::not_found, "contract " + p.key.contract_id);
    KAKUIN_TRY(Rows r, q("insert_person", kInsertPerson, person_params(p).add(p.created_at)));
    if (r.affected() == 0) return make_error(ErrorCode::conflict, "person " + person_text(p.key));
    KAKUIN_TRY(Rows slot, q("insert_empty_slot", kInsertEmptySlot,
                            Params().add(p.key.contract_id).add(p.key.user_id)));
    (void)slot;
    return {};
}

Result<std::optional<Person>> PostgresTransaction::find_person(const PersonKey& key) {
    const Params p = Params().add(key.contract_id).add(key.user_id);
    KAKUIN_TRY(Rows r, writing() ? q("find_person_for_update", kFindPersonForUpdate, p)
                                 : q("find_person", kFindPerson, p));
    if (r.size() == 0) return std::optional<Person>();
    return std::optional<Person>(person_from(r, 0));
}

Result<std::vector<Person>> PostgresTransaction::list_persons(const std::string& contract_id) {
    KAKUIN_TRY(Rows r, q("list_persons", kListPersons, Params().add(contract_id)));
    std::vector<Person> out;
    out.reserve(static_cast<std::size_t>(r.size()));
    for (int i = 0; i < r.size(); ++i) out.push_back(person_from(r, i));
    return out;
}

Status PostgresTransaction::update_person(const Person& p) {
    KAKUIN_TRY(Rows r, q("update_person", kUpdatePerson, person_params(p)));
    return expect_changed(r, "person " + person_text(p.key));
}

Status PostgresTransaction::delete_person(const PersonKey& key) {
    KAKUIN_TRY(Rows r,
               q("delete_person", kDeletePerson, Params().add(key.contract_id).add(key.user_id)));
    return expect_changed(r, "person " + person_text(key));
}

// ---- Certificate slots. ----

Result<CertificateSlot> PostgresTransaction::load_slot_for_update(const PersonKey& key) {
    const Params p = Params().add(key.contract_id).add(key.user_id);
    KAKUIN_TRY(Rows r, writing() ? q("load_slot_for_update", kLoadSlotForUpdate, p)
                                 : q("load_slot", kLoadSlot, p));
    if (r.size() == 0) return make_error(ErrorCode::not_found, "no slot for " + person_text(key));
    return slot_from(r, 0);
}

Result<std::map<std::string, CertificateSlot>> PostgresTransaction::list_slots(
    const std::string& contract_id) {
    KAKUIN_TRY(Rows r, q("list_slots", kListSlots, Params().add(contract_id)));
    std::map<std::string, CertificateSlot> out;
    for (int i = 0; i < r.size(); ++i) {
        KAKUIN_TRY(CertificateSlot slot, slot_from(r, i));
        out.emplace(r.text(i, 9), std::move(slot));
    }
    return out;
}

Status PostgresTransaction::save_slot(const PersonKey& key, const CertificateSlot& slot) {
    std::optional<int> reason;
    if (slot.revocation_reason) reason = static_cast<int>(*slot.revocation_reason);
    std::optional<std::string> serial;
    if (!slot.serial_hex.empty()) serial = slot.serial_hex;
    KAKUIN_TRY(Rows r, q("save_slot", kSaveSlot,
                         Params()
                             .add(key.contract_id)
                             .add(key.user_id)
                             .add(slot.issue_number)
                             .add(slot_phase_name(slot.phase))
                             .add(slot.registered_at)
                             .add(slot.acquisition_deadline)
                             .add(serial)
                             .add(slot.not_after)
                             .add(slot.first_used_at)
                             .add(slot.revoked_at)
                             .add(reason)));
    return expect_changed(r, "slot of " + person_text(key));
}

Result<std::vector<DueSlot>> PostgresTransaction::list_slots_due_for_expiry(TimePoint now,
                                                                            int limit) {
    KAKUIN_TRY(Rows r, q("slots_due_for_expiry", kSlotsDueForExpiry,
                         Params().add(now).add(std::max(1, limit))));
    std::vector<DueSlot> out;
    for (int i = 0; i < r.size(); ++i) {
        KAKUIN_TRY(CertificateSlot slot, slot_from(r, i));
        out.push_back(DueSlot{PersonKey{r.text(i, 9), r.text(i, 10)}, std::move(slot)});
    }
    return out;
}

// ---- Certificates. ----

Status PostgresTransaction::insert_certificate(const CertificateRecord& c) {
    std::optional<int> reason;
    if (c.revoked_at) reason = static_cast<int>(c.revocation_reason);
    KAKUIN_TRY(Rows r, q("insert_certificate", kInsertCertificate,
                         Params()
                             .add(c.serial_hex)
                             .add(c.person.contract_id)
                             .add(c.person.user_id)
                             .add(c.issue_number)
                             .add(c.not_before)
                             .add(c.not_after)
                             .add(std::span<const std::uint8_t>(c.der))
                             .add(c.sha256_fingerprint_hex)
                             .add(c.revoked_at)
                             .add(reason)
                             .add(c.first_used_at)));
    if (r.affected() == 0) {
        return make_error(ErrorCode::conflict, "certificate serial or fingerprint exists: " +
                                                   c.serial_hex);
    }
    return {};
}

Result<std::optional<CertificateRecord>> PostgresTransaction::find_certificate_by_serial(
    const std::string& serial_hex) {
    KAKUIN_TRY(Rows r, q("find_certificate_by_serial", kFindCertificateBySerial,
                         Params().add(serial_hex)));
    if (r.size() == 0) return std::optional<CertificateRecord>();
    return std::optional<CertificateRecord>(certificate_from(r, 0));
}

Result<std::optional<CertificateRecord>> PostgresTransaction::find_certificate_by_fingerprint(
    const std::string& sha256_hex) {
    KAKUIN_TRY(Rows r, q("find_certificate_by_fingerprint", kFindCertificateByFingerprint,
                         Params().add(sha256_hex)));
    if (r.size() == 0) return std::optional<CertificateRecord>();
    return std::optional<CertificateRecord>(certificate_from(r, 0));
}

Status PostgresTransaction::mark_certificate_revoked(const std::string& serial_hex, TimePoint at,
                                                     CrlReason reason) {
    KAKUIN_TRY(Rows r, q("mark_certificate_revoked", kMarkCertificateRevoked,
                         Params().add(serial_hex).add(at).add(static_cast<int>(reason))));
    return expect_changed(r, "unrevoked certificate " + serial_hex);
}

Status PostgresTransaction::mark_certificate_first_used(const std::string& serial_hex,
                                                        TimePoint at) {
    KAKUIN_TRY(Rows r, q("mark_certificate_first_used", kMarkCertificateFirstUsed,
                         Params().add(serial_hex).add(at)));
    return expect_changed(r, "certificate " + serial_hex);
}

Status PostgresTransaction::for_each_revoked_certificate(
    const std::function<Status(const RevokedCertificate&)>& visit) {
    KAKUIN_TRY_STATUS(conn_->exec("declare revoked cursor", std::string(kDeclareRevoked)));
    auto stream = [&]() -> Status {
        for (;;) {
            PGresult* raw = PQexec(conn_->raw(), std::string(kFetchRevoked).c_str());
            if (!raw || PQresultStatus(raw) != PGRES_TUPLES_OK) {
                return pg_error(conn_->raw(), raw, "fetch revoked");
            }
            Rows r(raw);
            if (r.size() == 0) return {};
            for (int i = 0; i < r.size(); ++i) {
                KAKUIN_TRY_STATUS(visit(
                    RevokedCertificate{r.text(i, 0), r.time(i, 1), reason_from(r.int64(i, 2))}));
            }
        }
    };
    Status st = stream();
    Status closed = conn_->exec("close revoked cursor", std::string(kCloseRevoked));
    if (!st.ok()) return st;
    return closed;
}

Result<std::int64_t> PostgresTransaction::next_crl_number() {
    KAKUIN_TRY(Rows r, q("next_crl_number", kNextCrlNumber, Params()));
    if (r.size() == 0) return make_error(ErrorCode::storage_failure, "next_crl_number: no row");
    return r.int64(0, 0);
}

// ---- Usage history. ----

Result<std::int64_t> PostgresTransaction::append_history(const UsageRecord& u) {
    KAKUIN_TRY(Rows r, q("append_history", kAppendHistory,
                         Params()
                             .add(u.at)
                             .add(u.contract_id)
                             .add(u.actor)
                             .add(u.target_user_id)
                             .add(u.kind)
                             .add(u.source_address)
                             .add(u.result)
                             .add(u.detail)));
    if (r.size() == 0) return make_error(ErrorCode::storage_failure, "append_history: no id");
    return r.int64(0, 0);
}

Result<HistoryPage> PostgresTransaction::list_history(const HistoryQuery& hq) {
    constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
    constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
    std::int64_t upper_at = hq.until ? to_unix(*hq.until) : kMax;
    std::int64_t upper_id = kMin;
    if (hq.after && (to_unix(hq.after->at) < upper_at ||
                     (to_unix(hq.after->at) == upper_at && hq.after->id < upper_id))) {
        upper_at = to_unix(hq.after->at);
        upper_id = hq.after->id;
    }
    const unsigned mask = (hq.contract_id ? 1u : 0u) | (hq.target_user_id ? 2u : 0u) |
                          (hq.kind ? 4u : 0u);
    const int limit = std::clamp(hq.limit, 1, kMaxHistoryPage);
    Params p;
    p.add(hq.from ? to_unix(*hq.from) : kMin).add(upper_at).add(upper_id);
    if (hq.contract_id) p.add(*hq.contract_id);
    if (hq.target_user_id) p.add(*hq.target_user_id);
    if (hq.kind) p.add(*hq.kind);
    p.add(limit + 1);  // one more tells whether another page follows
    static const std::array<std::string, 8> names = [] {
        std::array<std::string, 8> n;
        for (unsigned m = 0; m < 8; ++m) n[m] = "list_history_" + std::to_string(m);
        return n;
    }();
    KAKUIN_TRY(Rows r, q(names[mask], history_statements()[mask], p));
    HistoryPage page;
    for (int i = 0; i < r.size(); ++i) {
        if (static_cast<int>(page.records.size()) == limit) {
            const UsageRecord& last = page.records.back();
            page.next = HistoryQuery::Cursor{last.at, last.id};
            break;
        }
        page.records.push_back(usage_from(r, i));
    }
    return page;
}

// ---- Meta. ----

Result<std::optional<std::string>> PostgresTransaction::get_meta(const std::string& key) {
    KAKUIN_TRY(Rows r, q("get_meta", kGetMeta, Params().add(key)));
    if (r.size() == 0) return std::optional<std::string>();
    return std::optional<std::string>(r.text(0, 0));
}

Status PostgresTransaction::set_meta(const std::string& key, const std::string& value) {
    KAKUIN_TRY(Rows r, q("set_meta", kSetMeta, Params().add(key).add(value)));
    (void)r;
    return {};
}

Result<RowCounts> PostgresTransaction::row_counts() {
    KAKUIN_TRY(Rows r, q("row_counts", kRowCounts, Params()));
    if (r.size() == 0) return make_error(ErrorCode::storage_failure, "row_counts: no row");
    return RowCounts{r.int64(0, 0), r.int64(0, 1), r.int64(0, 2), r.int64(0, 3), r.int64(0, 4)};
}

}  // namespace kakuin::store::postgres
