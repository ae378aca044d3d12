// A SQLite transaction. Internal to the store. A read transaction owns one pooled connection
// for its lifetime; a write transaction holds the store's writer connection (group_commit.h)
// from begin to commit or rollback.
#pragma once

#include <memory>

#include "store/store.h"

namespace kakuin::store::sqlite {

class Connection;
class GroupCommit;
class SqliteStore;

class SqliteTransaction final : public Transaction {
public:
    // Read: REQUIRES `conn` has begun a transaction.
    SqliteTransaction(SqliteStore& store, std::unique_ptr<Connection> conn);
    // Write: REQUIRES `writer.enter()` returned `conn`.
    SqliteTransaction(GroupCommit& writer, Connection& conn);
    // Write, inside a savepoint that GroupCommit::run opened and ends: commit() and the
    // destructor leave it to run().
    explicit SqliteTransaction(Connection& conn);
    // Rolls back unless commit() ran, then returns the connection (pool or writer).
    ~SqliteTransaction() override;

    Status commit() override;

    Status insert_contract(const Contract& c) override;
    Result<std::optional<Contract>> find_contract(const std::string& contract_id) override;
    Status update_contract_flags(const std::string& contract_id, bool suspended,
                                 bool transactions_stopped) override;

    Status insert_person(const Person& p) override;
    Result<std::optional<Person>> find_person(const PersonKey& key) override;
    Result<std::vector<Person>> list_persons(const std::string& contract_id) override;
    Status update_person(const Person& p) override;
    Status delete_person(const PersonKey& key) override;

    Result<CertificateSlot> load_slot_for_update(const PersonKey& key) override;
    Status save_slot(const PersonKey& key, const CertificateSlot& slot) override;
    Result<std::vector<DueSlot>> list_slots_due_for_expiry(TimePoint now, int limit) override;
    Result<std::map<std::string, CertificateSlot>> list_slots(const std::string& contract_id) override;

    Status insert_certificate(const CertificateRecord& c) override;
    Result<std::optional<CertificateRecord>> find_certificate_by_serial(
        const std::string& serial_hex) override;
    Result<std::optional<CertificateRecord>> find_certificate_by_fingerprint(
        const std::string& sha256_hex) override;
    Status mark_certificate_revoked(const std::string& serial_hex, TimePoint at,
                                    CrlReason reason) override;
    Status mark_certificate_first_used(const std::string& serial_hex, TimePoint at) override;
    Status for_each_revoked_certificate(
        const std::function<Status(const RevokedCertificate&)>& visit) override;

    Result<std::int64_t> next_crl_number() override;

    Result<std::int64_t> append_history(const UsageRecord& r) override;
    Result<HistoryPage> list_history(const HistoryQuery& q) override;

    Result<std::optional<std::string>> get_meta(const std::string& key) override;
    Status set_meta(const std::string& key, const std::string& value) override;

    Result<RowCounts> row_counts() override;

    // Issue 3 (sqlite_sessions.cpp).
    Status insert_session(const SessionRecord& s) override;
    Result<std::optional<SessionRecord>> find_session(const std::string& token_hash) override;
    Status update_session(const SessionRecord& s) override;
    Status delete_session(const std::string& token_hash) override;
    Result<int> delete_sessions_of(const PersonKey& person,
                                   const std::string& keep_token_hash) override;
    Result<int> delete_sessions_idle_since(TimePoint cutoff) override;
    Status upsert_otp_token(const OtpToken& t) override;
    Result<std::optional<OtpToken>> find_otp_token(const PersonKey& person) override;
    Status delete_otp_token(const PersonKey& person) override;
    Result<std::optional<std::int64_t>> last_used_otp_step(const PersonKey& person) override;
    Status record_used_otp_step(const PersonKey& person, std::int64_t step) override;
    Status insert_enrollment(const EnrollmentRecord& e) override;
    Result<std::optional<EnrollmentRecord>> find_enrollment(const std::string& id_hash) override;
    Status update_enrollment_phase(const std::string& id_hash, EnrollmentPhase phase) override;
    Result<int> delete_expired_enrollments(TimePoint now) override;
    Result<bool> person_has_certificate(const PersonKey& person) override;

    // Issue 5: the bank's back office (sqlite_staff.cpp).
    Status update_contract_details(const Contract& c) override;
    Result<std::vector<Contract>> search_contracts(const std::string& q, int limit) override;
    Status insert_staff(const StaffRecord& s) override;
    Result<std::optional<StaffRecord>> find_staff(const std::string& staff_id) override;
    Status update_staff(const StaffRecord& s) override;
    Status insert_staff_session(const StaffSessionRecord& s) override;
    Result<std::optional<StaffSessionRecord>> find_staff_session(
        const std::string& token_hash) override;
    Status update_staff_session(const StaffSessionRecord& s) override;
    Status delete_staff_session(const std::string& token_hash) override;
    Result<int> delete_staff_sessions_of(const std::string& staff_id) override;
    Result<std::int64_t> insert_change_request(const ChangeRequestRecord& r) override;
    Result<std::optional<ChangeRequestRecord>> find_change_request(std::int64_t id) override;
    Status update_change_request(const ChangeRequestRecord& r) override;
    Result<std::vector<ChangeRequestRecord>> list_change_requests(
        const ChangeRequestQuery& q) override;

    // Permissions and limits (sqlite_permissions.cpp).
    Result<Permissions> load_permissions(const PersonKey& person) override;
    Result<std::map<std::string, Permissions>> list_permissions(const std::string& contract_id) override;
    Status save_permissions(const PersonKey& person, const Permissions& p) override;
    Result<ContractLimits> load_contract_limits(const std::string& contract_id) override;
    Status save_contract_limits(const std::string& contract_id, const ContractLimits& l) override;

    // Issue 5: expiry reminders (sqlite_reminders.cpp).
    Result<std::vector<ReminderCandidate>> list_reminder_candidates(TimePoint now, Seconds horizon,
                                                                     int limit) override;
    Result<bool> insert_reminder_if_absent(const ReminderRecord& r) override;
    Result<std::optional<ReminderRecord>> find_reminder(const std::string& serial_hex,
                                                        int days_before) override;
    Result<std::vector<ReminderRecord>> claim_due_reminders(TimePoint now, TimePoint lease_until,
                                                            int limit) override;
    Status finish_reminder_claim(const ReminderRecord& r) override;
    Result<std::vector<ReminderRecord>> list_reminders(int limit) override;

private:
    Status expect_changed(std::string_view what);

    SqliteStore* store_ = nullptr;    // read: the pool to hand conn_ back to
    GroupCommit* writer_ = nullptr;   // write
    std::unique_ptr<Connection> owned_;  // read: the pooled connection
    Connection* conn_;
    bool finished_ = false;
};

}  // namespace kakuin::store::sqlite
