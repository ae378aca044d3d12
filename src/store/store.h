// The store: everything kakuin keeps, behind an interface with transactions. No SQL type
// appears here, so a PostgreSQL implementation fits behind the same interface.
//
// Threading: a Store is shared by all threads; a Transaction belongs to one thread at a time.
// Write transactions are serialized by the implementation (SQLite: BEGIN IMMEDIATE; a
// PostgreSQL implementation: row locks from load_slot_for_update / SELECT ... FOR UPDATE).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/certificate_slot.h"
#include "core/contract.h"
#include "core/permissions.h"
#include "core/result.h"
#include "core/usage_history.h"

namespace kakuin::store {

// Filter and page of the usage history; newest first. Empty optionals do not filter.
struct HistoryQuery {
    std::optional<std::string> contract_id;
    std::optional<std::string> target_user_id;  // "" = the administrator
    std::optional<std::string> kind;
    std::optional<TimePoint> from;   // inclusive
    std::optional<TimePoint> until;  // exclusive
    // Keyset cursor: continue after the last record of the previous page.
    struct Cursor {
        TimePoint at{};
        std::int64_t id = 0;
        friend bool operator==(const Cursor&, const Cursor&) = default;
    };
    std::optional<Cursor> after;
    int limit = 50;  // clamped to [1, kMaxHistoryPage]
};
inline constexpr int kMaxHistoryPage = 500;

struct HistoryPage {
    std::vector<UsageRecord> records;
    std::optional<HistoryQuery::Cursor> next;  // set when more records may follow
};

// One entry of the CRL.
struct RevokedCertificate {
    std::string serial_hex;
    TimePoint revoked_at{};
    CrlReason reason = CrlReason::unspecified;
};

// A slot whose issued certificate has reached not_after (for the expiry sweep).
struct DueSlot {
    PersonKey person;
    CertificateSlot slot;
};

// Row counts, for diagnostics and for tests that prove nothing was written.
struct RowCounts {
    std::int64_t contracts = 0, persons = 0, slots = 0, certificates = 0, history = 0;
    friend bool operator==(const RowCounts&, const RowCounts&) = default;
};

// A login session (R11). The cookie token is kept only as its SHA-256 (auth/session_token.h).
enum class SessionPhase { otp_required, active };
struct SessionRecord {
    std::string token_hash;  // lowercase hex SHA-256 of the cookie token; the key
    PersonKey person;
    SessionPhase phase = SessionPhase::otp_required;
    std::string csrf_token;  // useless without the cookie, so kept as is
    TimePoint created_at{};
    TimePoint last_seen_at{};
    std::optional<std::string> cert_serial;       // set for sessions made by certificate login
    std::optional<std::string> cert_fingerprint;  // lowercase hex SHA-256 of its DER
    std::optional<TimePoint> cert_not_after;
    std::optional<TimePoint> previous_login_at;   // the person's last login before this one
    friend bool operator==(const SessionRecord&, const SessionRecord&) = default;
};

// ---- Issue 5: the bank's back office (migration 0006; sqlite_staff.cpp / pg_staff.cpp). ----
// A bank staff member (R3, R24). operator: requests changes; approver: also approves them.
enum class StaffRole { operator_, approver };
std::string_view staff_role_name(StaffRole r);  // "operator" / "approver"
bool staff_role_from_name(std::string_view s, StaffRole& out);
struct StaffRecord {
    std::string staff_id;  // half-width alphanumerics, 1-16; the key
    std::string name;
    StaffRole role = StaffRole::operator_;
    std::string pin_hash;            // Argon2id PHC string
    std::string totp_secret_base32;  // stored as given (like OtpToken::secret)
    std::optional<std::int64_t> last_otp_step;  // newest accepted TOTP step (replay)
    int failure_count = 0;
    bool locked = false;
    TimePoint created_at{};
    std::optional<TimePoint> last_login_at;
    friend bool operator==(const StaffRecord&, const StaffRecord&) = default;
};
// A staff session: like SessionRecord, one per staff member.
struct StaffSessionRecord {
    std::string token_hash;  // lowercase hex SHA-256 of the cookie token; the key
    std::string staff_id;
    SessionPhase phase = SessionPhase::otp_required;
    std::string csrf_token;
    TimePoint created_at{};
    TimePoint last_seen_at{};
    friend bool operator==(const StaffSessionRecord&, const StaffSessionRecord&) = default;
};
// A four-eyes change request (docs/api/bank-api.md).
enum class ChangeRequestState { pending, applied, rejected, failed };
std::string_view change_request_state_name(ChangeRequestState s);
bool change_request_state_from_name(std::string_view s, ChangeRequestState& out);
struct ChangeRequestRecord {
    std::int64_t id = 0;  // assigned by the store
    std::string kind;     // service/change_request.h kinds
    std::string contract_id;
    std::string request_number;  // 依頼書番号; "" when none
    std::string payload;         // opaque text (service/change_payload.h)
    ChangeRequestState state = ChangeRequestState::pending;
    std::string requested_by;  // staff ID
    TimePoint requested_at{};
    std::optional<std::string> decided_by;
    std::optional<TimePoint> decided_at;
    std::string reason;  // rejection reason, or the error code of a failed application
    friend bool operator==(const ChangeRequestRecord&, const ChangeRequestRecord&) = default;
};
// Newest first. Empty optionals do not filter.
struct ChangeRequestQuery {
    std::optional<ChangeRequestState> state;
    std::optional<std::string> contract_id;
    int limit = 100;  // clamped to [1, 500]
};

// A person's one-time-password token (R9): hardware or software, one per person.
enum class OtpTokenKind { software, hardware };
std::string_view otp_token_kind_name(OtpTokenKind k);  // "software" / "hardware"
bool otp_token_kind_from_name(std::string_view s, OtpTokenKind& out);
struct OtpToken {
    PersonKey person;
    OtpTokenKind kind = OtpTokenKind::software;
    // The TOTP secret. Stored as given: encrypting it at rest (a key outside the database)
    // is the caller's choice and not done yet.
    std::vector<std::uint8_t> secret;
    int step_seconds = 30;
    int digits = 6;
    TimePoint registered_at{};
    friend bool operator==(const OtpToken&, const OtpToken&) = default;
};

// An acquisition in progress (R20). The enrollment ID is a bearer secret: only its hash is kept.
enum class EnrollmentPhase { otp_required, ready, done };
struct EnrollmentRecord {
    std::string id_hash;  // lowercase hex SHA-256 of the enrollment ID; the key
    PersonKey person;
    EnrollmentPhase phase = EnrollmentPhase::otp_required;
    TimePoint created_at{};
    TimePoint expires_at{};
    friend bool operator==(const EnrollmentRecord&, const EnrollmentRecord&) = default;
};

// ---- Issue 5: expiry reminders (migration 0005, store/*/..._reminders.cpp). ----
// queued -> sending (claimed; next_attempt_at is the lease) -> sent; a failed attempt goes
// back to queued with a later next_attempt_at, or to failed after the last attempt;
// cancelled when the certificate stopped being current before the reminder went out.
enum class ReminderState { queued, sending, sent, failed, cancelled };
std::string_view reminder_state_name(ReminderState s);
bool reminder_state_from_name(std::string_view s, ReminderState& out);

// One reminder e-mail. Key: (serial_hex, days_before).
struct ReminderRecord {
    std::string serial_hex;
    int days_before = 0;
    PersonKey person;
    std::string address;  // the contact address when it was queued
    TimePoint not_after{};
    TimePoint due_at{};   // not_after - days_before
    ReminderState state = ReminderState::queued;
    int attempts = 0;     // claims so far; also the fencing token of the current claim
    TimePoint next_attempt_at{};
    std::optional<TimePoint> sent_at;
    std::string last_error;  // short, for operators; never a secret
    TimePoint created_at{};
    friend bool operator==(const ReminderRecord&, const ReminderRecord&) = default;
};

// A person's current certificate that a reminder may be due for: slot issued, certificate not
// revoked, now < not_after <= now + horizon, and the person has a non-empty contact address.
struct ReminderCandidate {
    PersonKey person;
    std::string serial_hex;
    TimePoint not_after{};
    std::string address;
    friend bool operator==(const ReminderCandidate&, const ReminderCandidate&) = default;
};

// One unit of work. Destroying it without a successful commit() rolls everything back.
// Errors: storage_failure (I/O, corruption, busy beyond the timeout), conflict (a unique key
// already taken), not_found (update/delete of a row that does not exist).
class Transaction {
public:
    virtual ~Transaction() = default;
    Transaction() = default;
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

    // After commit() (successful or not) the transaction is finished; no call may follow.
    virtual Status commit() = 0;

    // Contracts.
    virtual Status insert_contract(const Contract& c) = 0;
    virtual Result<std::optional<Contract>> find_contract(const std::string& contract_id) = 0;
    virtual Status update_contract_flags(const std::string& contract_id, bool suspended,
                                         bool transactions_stopped) = 0;

    // Persons. insert_person also creates the person's empty certificate slot.
    virtual Status insert_person(const Person& p) = 0;
    virtual Result<std::optional<Person>> find_person(const PersonKey& key) = 0;
    // The administrator first, then users by user ID.
    virtual Result<std::vector<Person>> list_persons(const std::string& contract_id) = 0;
    virtual Status update_person(const Person& p) = 0;
    // Deletes the person with their slot, sessions and tokens; certificates stay (CRL, OCSP).
    virtual Status delete_person(const PersonKey& key) = 0;

    // Certificate slots. In a write transaction the slot stays locked until the end.
    virtual Result<CertificateSlot> load_slot_for_update(const PersonKey& key) = 0;
    virtual Status save_slot(const PersonKey& key, const CertificateSlot& slot) = 0;
    virtual Result<std::vector<DueSlot>> list_slots_due_for_expiry(TimePoint now, int limit) = 0;
    // Every slot of a contract's persons (one query), keyed by user ID ("" = the
    // administrator). Takes no row lock. Not pure: the default reads slot by slot.
    virtual Result<std::map<std::string, CertificateSlot>> list_slots(const std::string& contract_id);

    // Certificates.
    virtual Status insert_certificate(const CertificateRecord& c) = 0;
    virtual Result<std::optional<CertificateRecord>> find_certificate_by_serial(
        const std::string& serial_hex) = 0;
    virtual Result<std::optional<CertificateRecord>> find_certificate_by_fingerprint(
        const std::string& sha256_hex) = 0;
    virtual Status mark_certificate_revoked(const std::string& serial_hex, TimePoint at,
                                            CrlReason reason) = 0;
    virtual Status mark_certificate_first_used(const std::string& serial_hex, TimePoint at) = 0;
    // Streams every revoked certificate in serial order, one row at a time (the CRL may list
    // a million). Stops at and returns the first error `visit` returns.
    virtual Status for_each_revoked_certificate(
        const std::function<Status(const RevokedCertificate&)>& visit) = 0;

    // The next CRL number (1, 2, ...), persisted with the transaction.
    virtual Result<std::int64_t> next_crl_number() = 0;

    // Usage history. Returns the new record's id.
    virtual Result<std::int64_t> append_history(const UsageRecord& r) = 0;
    virtual Result<HistoryPage> list_history(const HistoryQuery& q) = 0;

    // Small settings and markers (e.g. the time of the last CRL).
    virtual Result<std::optional<std::string>> get_meta(const std::string& key) = 0;
    virtual Status set_meta(const std::string& key, const std::string& value) = 0;

    virtual Result<RowCounts> row_counts() = 0;

    // Permissions and limits (R15), stored per person and per contract. Not pure: a store
    // decorator that does not forward them answers internal_error.
    // A person without stored permissions has none (everything denied).
    virtual Result<Permissions> load_permissions(const PersonKey& person);
    // The stored permissions of every person of a contract (one query), keyed by user ID; a
    // person without any may be absent (= none). The default reads person by person.
    virtual Result<std::map<std::string, Permissions>> list_permissions(const std::string& contract_id);
    // Errors: not_found (no such person).
    virtual Status save_permissions(const PersonKey& person, const Permissions& p);
    // A contract without stored upper limits has none (0 everywhere).
    virtual Result<ContractLimits> load_contract_limits(const std::string& contract_id);
    // Errors: not_found (no such contract).
    virtual Status save_contract_limits(const std::string& contract_id, const ContractLimits& l);

    // ---- Issue 5: the bank's back office. Not pure (see below). ----
    // Name, kana and login method of an existing contract. not_found when it does not exist.
    virtual Status update_contract_details(const Contract& c);
    // Contracts whose ID starts with `q` or whose kanji or kana name contains it; newest first
    // (created_at, then contract ID). Empty `q`: the newest. At most `limit` (1..500).
    virtual Result<std::vector<Contract>> search_contracts(const std::string& q, int limit);
    // Staff. insert: conflict when the ID exists. update: every field but staff_id and
    // created_at; not_found when it does not exist. In a write transaction find_staff locks.
    virtual Status insert_staff(const StaffRecord& s);
    virtual Result<std::optional<StaffRecord>> find_staff(const std::string& staff_id);
    virtual Status update_staff(const StaffRecord& s);
    // Staff sessions. insert: conflict when the hash exists or the staff member already has
    // one (delete_staff_sessions_of first); not_found when the staff member does not exist.
    virtual Status insert_staff_session(const StaffSessionRecord& s);
    virtual Result<std::optional<StaffSessionRecord>> find_staff_session(
        const std::string& token_hash);
    // Updates phase and last_seen_at. not_found when it does not exist.
    virtual Status update_staff_session(const StaffSessionRecord& s);
    // not_found when it does not exist.
    virtual Status delete_staff_session(const std::string& token_hash);
    virtual Result<int> delete_staff_sessions_of(const std::string& staff_id);
    // Change requests. insert returns the new id (r.id is ignored). In a write transaction
    // find_change_request locks the row. update writes state, decided_by, decided_at, reason.
    virtual Result<std::int64_t> insert_change_request(const ChangeRequestRecord& r);
    virtual Result<std::optional<ChangeRequestRecord>> find_change_request(std::int64_t id);
    virtual Status update_change_request(const ChangeRequestRecord& r);
    virtual Result<std::vector<ChangeRequestRecord>> list_change_requests(
        const ChangeRequestQuery& q);

    // ---- Issue 3: sessions, OTP tokens, used OTP steps, enrollments. ----
    // Not pure, so that decorators and other implementations written before them still build;
    // the default implementations fail with internal_error ("not supported by this store").

    // Sessions. insert: conflict when the hash exists; not_found when the person does not.
    virtual Status insert_session(const SessionRecord& s);
    virtual Result<std::optional<SessionRecord>> find_session(const std::string& token_hash);
    // Updates phase, last_seen_at and previous_login_at. not_found when it does not exist.
    virtual Status update_session(const SessionRecord& s);
    // not_found when it does not exist.
    virtual Status delete_session(const std::string& token_hash);
    // Deletes every session of `person` except `keep_token_hash` (R11). Returns how many.
    virtual Result<int> delete_sessions_of(const PersonKey& person,
                                           const std::string& keep_token_hash);
    // Sessions idle since before `cutoff` (last_seen_at < cutoff); returns how many.
    virtual Result<int> delete_sessions_idle_since(TimePoint cutoff);

    // OTP tokens: one per person, replaced by upsert. not_found when the person does not exist.
    virtual Status upsert_otp_token(const OtpToken& t);
    virtual Result<std::optional<OtpToken>> find_otp_token(const PersonKey& person);
    // not_found when the person has none.
    virtual Status delete_otp_token(const PersonKey& person);

    // The newest accepted TOTP step of a person (none: never).
    virtual Result<std::optional<std::int64_t>> last_used_otp_step(const PersonKey& person);
    // Records an accepted step and forgets older ones. conflict when `step` was already used.
    virtual Status record_used_otp_step(const PersonKey& person, std::int64_t step);

    // Enrollments. insert: conflict when the hash exists; not_found when the person does not.
    virtual Status insert_enrollment(const EnrollmentRecord& e);
    virtual Result<std::optional<EnrollmentRecord>> find_enrollment(const std::string& id_hash);
    // not_found when it does not exist.
    virtual Status update_enrollment_phase(const std::string& id_hash, EnrollmentPhase phase);
    // Deletes enrollments with expires_at <= now; returns how many.
    virtual Result<int> delete_expired_enrollments(TimePoint now);

    // Whether the store holds any certificate issued to `person` (R6), whatever its state.
    virtual Result<bool> person_has_certificate(const PersonKey& person);

    // ---- Issue 5: expiry reminders. Not pure (see above). ----
    // Candidates in not_after order, at most `limit`.
    virtual Result<std::vector<ReminderCandidate>> list_reminder_candidates(TimePoint now,
                                                                             Seconds horizon,
                                                                             int limit);
    // Inserts unless (serial_hex, days_before) exists; true when inserted. Never conflict.
    virtual Result<bool> insert_reminder_if_absent(const ReminderRecord& r);
    virtual Result<std::optional<ReminderRecord>> find_reminder(const std::string& serial_hex,
                                                                int days_before);
    // Claims up to `limit` rows that are queued, or sending with an expired lease, and whose
    // next_attempt_at <= now: each becomes sending with attempts + 1 and next_attempt_at =
    // lease_until. Returns them as claimed. PostgreSQL skips rows another node has locked.
    virtual Result<std::vector<ReminderRecord>> claim_due_reminders(TimePoint now,
                                                                    TimePoint lease_until,
                                                                    int limit);
    // Writes state, next_attempt_at, sent_at and last_error of r's row, only while it is still
    // sending with attempts == r.attempts (the claim r came from). conflict otherwise: another
    // claim took over after the lease expired, or the row is gone.
    virtual Status finish_reminder_claim(const ReminderRecord& r);
    // Rows per state, for tests and diagnostics.
    virtual Result<std::vector<ReminderRecord>> list_reminders(int limit);
};

enum class TxMode {
    read,   // a consistent snapshot; must not write
    write,  // serialized with other writers
};

class Store {
public:
    virtual ~Store() = default;
    // May wait for another writer (bounded); storage_failure when it cannot start.
    virtual Result<std::unique_ptr<Transaction>> begin(TxMode mode) = 0;

    // One write transaction: `work` returns true to commit what it did, false to roll it
    // back. Returns the error that kept the transaction from starting or from committing
    // (ok after a rollback `work` asked for). The default runs begin(write), `work` and
    // commit() on the caller's thread; a store may instead run `work` on the thread of
    // another writer whose COMMIT it shares (SQLite's group commit), so `work` must not
    // depend on the thread it runs on (no thread-locals, no locks the caller holds).
    virtual Status run_write(const std::function<bool(Transaction&)>& work);
};

}  // namespace kakuin::store
