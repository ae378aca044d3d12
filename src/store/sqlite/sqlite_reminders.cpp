// SQLite implementation of the expiry reminders (migration 0005). Write transactions are
// serialized (BEGIN IMMEDIATE), so a claim's SELECT and UPDATE see no other writer between.
#include <sqlite3.h>

#include <algorithm>

#include "store/sqlite/connection.h"
#include "store/sqlite/sqlite_transaction.h"

namespace kakuin::store::sqlite {

namespace {

constexpr std::string_view kReminderCandidates =
    "SELECT s.contract_id, s.user_id, s.serial_hex, s.not_after, p.contact_email"
    " FROM certificate_slots s"
    " JOIN persons p ON p.contract_id = s.contract_id AND p.user_id = s.user_id"
    " JOIN certificates c ON c.serial_hex = s.serial_hex"
    " WHERE s.phase = 'issued' AND s.not_after > ?1 AND s.not_after <= ?2"
    "   AND c.revoked_at IS NULL AND p.contact_email IS NOT NULL AND p.contact_email <> ''"
    " ORDER BY s.not_after, s.serial_hex LIMIT ?3";

#define KAKUIN_REMINDER_COLUMNS                                                         \
    "serial_hex, days_before, contract_id, user_id, address, not_after, due_at, state," \
    " attempts, next_attempt_at, sent_at, last_error, created_at"
constexpr std::string_view kInsertReminder =
    "INSERT INTO reminders (" KAKUIN_REMINDER_COLUMNS
    ")"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
    " ON CONFLICT (serial_hex, days_before) DO NOTHING";
constexpr std::string_view kFindReminder =
    "SELECT " KAKUIN_REMINDER_COLUMNS " FROM reminders WHERE serial_hex = ?1 AND days_before = ?2";
constexpr std::string_view kDueReminders =
    "SELECT " KAKUIN_REMINDER_COLUMNS
    " FROM reminders"
    " WHERE state IN ('queued', 'sending') AND next_attempt_at <= ?1"
    " ORDER BY next_attempt_at, serial_hex, days_before LIMIT ?2";
constexpr std::string_view kListReminders =
    "SELECT " KAKUIN_REMINDER_COLUMNS
    " FROM reminders"
    " ORDER BY created_at, serial_hex, days_before LIMIT ?1";
#undef KAKUIN_REMINDER_COLUMNS
constexpr std::string_view kClaimReminder =
    "UPDATE reminders SET state = 'sending', attempts = attempts + 1, next_attempt_at = ?3"
    " WHERE serial_hex = ?1 AND days_before = ?2";
constexpr std::string_view kFinishReminder =
    "UPDATE reminders SET state = ?4, next_attempt_at = ?5, sent_at = ?6, last_error = ?7"
    " WHERE serial_hex = ?1 AND days_before = ?2 AND attempts = ?3 AND state = 'sending'";

Result<ReminderRecord> read_reminder(const Stmt& s) {
    ReminderRecord r;
    r.serial_hex = s.text(0);
    r.days_before = s.int32(1);
    r.person = PersonKey{s.text(2), s.text(3)};
    r.address = s.text(4);
    r.not_after = s.time(5);
    r.due_at = s.time(6);
    if (!reminder_state_from_name(s.text(7), r.state))
        return make_error(ErrorCode::storage_failure, "reminders: unknown state " + s.text(7));
    r.attempts = s.int32(8);
    r.next_attempt_at = s.time(9);
    r.sent_at = s.opt_time(10);
    r.last_error = s.text(11);
    r.created_at = s.time(12);
    return r;
}

Result<std::vector<ReminderRecord>> read_all(Stmt& s) {
    std::vector<ReminderRecord> out;
    while (true) {
        KAKUIN_TRY(bool row, s.step());
        if (!row) break;
        KAKUIN_TRY(ReminderRecord r, read_reminder(s));
        out.push_back(std::move(r));
    }
    return out;
}

int clamp_limit(int limit) { return std::clamp(limit, 1, 10'000); }

}  // namespace

Result<std::vector<ReminderCandidate>> SqliteTransaction::list_reminder_candidates(TimePoint now,
                                                                                   Seconds horizon,
                                                                                   int limit) {
    KAKUIN_TRY(Stmt s, conn_->prepare("reminder_candidates", kReminderCandidates));
    s.bind(1, now).bind(2, now + horizon).bind(3, clamp_limit(limit));
    std::vector<ReminderCandidate> out;
    while (true) {
        KAKUIN_TRY(bool row, s.step());
        if (!row) break;
        out.push_back({PersonKey{s.text(0), s.text(1)}, s.text(2), s.time(3), s.text(4)});
    }
    return out;
}

Result<bool> SqliteTransaction::insert_reminder_if_absent(const ReminderRecord& r) {
    KAKUIN_TRY(Stmt s, conn_->prepare("insert_reminder", kInsertReminder));
    KAKUIN_TRY_STATUS(s.bind(1, r.serial_hex)
                          .bind(2, r.days_before)
                          .bind(3, r.person.contract_id)
                          .bind(4, r.person.user_id)
                          .bind(5, r.address)
                          .bind(6, r.not_after)
                          .bind(7, r.due_at)
                          .bind(8, reminder_state_name(r.state))
                          .bind(9, r.attempts)
                          .bind(10, r.next_attempt_at)
                          .bind(11, r.sent_at)
                          .bind(12, r.last_error)
                          .bind(13, r.created_at)
                          .run());
    return conn_->changes() > 0;
}

Result<std::optional<ReminderRecord>> SqliteTransaction::find_reminder(
    const std::string& serial_hex, int days_before) {
    KAKUIN_TRY(Stmt s, conn_->prepare("find_reminder", kFindReminder));
    s.bind(1, serial_hex).bind(2, days_before);
    KAKUIN_TRY(bool row, s.step());
    if (!row) return std::optional<ReminderRecord>();
    KAKUIN_TRY(ReminderRecord r, read_reminder(s));
    return std::optional<ReminderRecord>(std::move(r));
}

Result<std::vector<ReminderRecord>> SqliteTransaction::claim_due_reminders(TimePoint now,
                                                                           TimePoint lease_until,
                                                                           int limit) {
    std::vector<ReminderRecord> due;
    {
        KAKUIN_TRY(Stmt s, conn_->prepare("due_reminders", kDueReminders));
        s.bind(1, now).bind(2, clamp_limit(limit));
        KAKUIN_TRY(due, read_all(s));
    }
    for (auto& r : due) {
        KAKUIN_TRY(Stmt s, conn_->prepare("claim_reminder", kClaimReminder));
        KAKUIN_TRY_STATUS(
            s.bind(1, r.serial_hex).bind(2, r.days_before).bind(3, lease_until).run());
        KAKUIN_TRY_STATUS(expect_changed("reminder"));
        r.state = ReminderState::sending;
        r.attempts += 1;
        r.next_attempt_at = lease_until;
    }
    return due;
}

Status SqliteTransaction::finish_reminder_claim(const ReminderRecord& r) {
    KAKUIN_TRY(Stmt s, conn_->prepare("finish_reminder", kFinishReminder));
    KAKUIN_TRY_STATUS(s.bind(1, r.serial_hex)
                          .bind(2, r.days_before)
                          .bind(3, r.attempts)
                          .bind(4, reminder_state_name(r.state))
                          .bind(5, r.next_attempt_at)
                          .bind(6, r.sent_at)
                          .bind(7, r.last_error)
                          .run());
    if (conn_->changes() == 0)
        return make_error(ErrorCode::conflict, "reminder " + r.serial_hex + "/" +
                                                   std::to_string(r.days_before) +
                                                   ": claim no longer held");
    return {};
}

Result<std::vector<ReminderRecord>> SqliteTransaction::list_reminders(int limit) {
    KAKUIN_TRY(Stmt s, conn_->prepare("list_reminders", kListReminders));
    s.bind(1, clamp_limit(limit));
    return read_all(s);
}

}  // namespace kakuin::store::sqlite
