// PostgreSQL implementation of the expiry reminders (migration 0005). Several nodes may scan
// and deliver at once: inserts rely on the primary key (ON CONFLICT DO NOTHING), claims lock
// the rows they take and skip rows another node holds (FOR UPDATE SKIP LOCKED).
#include <algorithm>
#include <tuple>

#include "store/postgres/postgres_transaction.h"

namespace kakuin::store::postgres {

namespace {

constexpr std::string_view kReminderCandidates =
    "SELECT s.contract_id, s.user_id, s.serial_hex, s.not_after, p.contact_email"
    " FROM certificate_slots s"
    " JOIN persons p ON p.contract_id = s.contract_id AND p.user_id = s.user_id"
    " JOIN certificates c ON c.serial_hex = s.serial_hex"
    " WHERE s.phase = 'issued' AND s.not_after > $1 AND s.not_after <= $2"
    "   AND c.revoked_at IS NULL AND p.contact_email IS NOT NULL AND p.contact_email <> ''"
    " ORDER BY s.not_after, s.serial_hex LIMIT $3";

#define KAKUIN_REMINDER_COLUMNS                                                         \
    "serial_hex, days_before, contract_id, user_id, address, not_after, due_at, state," \
    " attempts, next_attempt_at, sent_at, last_error, created_at"
constexpr std::string_view kInsertReminder =
    "INSERT INTO reminders (" KAKUIN_REMINDER_COLUMNS
    ")"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
    " ON CONFLICT (serial_hex, days_before) DO NOTHING";
constexpr std::string_view kFindReminder =
    "SELECT " KAKUIN_REMINDER_COLUMNS " FROM reminders WHERE serial_hex = $1 AND days_before = $2";
constexpr std::string_view kClaimReminders =
    "UPDATE reminders SET state = 'sending', attempts = attempts + 1, next_attempt_at = $2"
    " WHERE (serial_hex, days_before) IN ("
    "   SELECT serial_hex, days_before FROM reminders"
    "   WHERE state IN ('queued', 'sending') AND next_attempt_at <= $1"
    "   ORDER BY next_attempt_at, serial_hex, days_before LIMIT $3 FOR UPDATE SKIP LOCKED)"
    " RETURNING " KAKUIN_REMINDER_COLUMNS;
constexpr std::string_view kListReminders =
    "SELECT " KAKUIN_REMINDER_COLUMNS
    " FROM reminders"
    " ORDER BY created_at, serial_hex, days_before LIMIT $1";
#undef KAKUIN_REMINDER_COLUMNS
constexpr std::string_view kFinishReminder =
    "UPDATE reminders SET state = $4, next_attempt_at = $5, sent_at = $6, last_error = $7"
    " WHERE serial_hex = $1 AND days_before = $2 AND attempts = $3 AND state = 'sending'";

Result<ReminderRecord> read_reminder(const Rows& rows, int i) {
    ReminderRecord r;
    r.serial_hex = rows.text(i, 0);
    r.days_before = rows.int32(i, 1);
    r.person = PersonKey{rows.text(i, 2), rows.text(i, 3)};
    r.address = rows.text(i, 4);
    r.not_after = rows.time(i, 5);
    r.due_at = rows.time(i, 6);
    if (!reminder_state_from_name(rows.text(i, 7), r.state))
        return make_error(ErrorCode::storage_failure,
                          "reminders: unknown state " + rows.text(i, 7));
    r.attempts = rows.int32(i, 8);
    r.next_attempt_at = rows.time(i, 9);
    r.sent_at = rows.opt_time(i, 10);
    r.last_error = rows.text(i, 11);
    r.created_at = rows.time(i, 12);
    return r;
}

Result<std::vector<ReminderRecord>> read_all(const Rows& rows) {
    std::vector<ReminderRecord> out;
    for (int i = 0; i < rows.size(); ++i) {
        KAKUIN_TRY(ReminderRecord r, read_reminder(rows, i));
        out.push_back(std::move(r));
    }
    // RETURNING gives no order: the same order as the SQLite store.
    std::sort(out.begin(), out.end(), [](const ReminderRecord& a, const ReminderRecord& b) {
        return std::tie(a.next_attempt_at, a.serial_hex, a.days_before) <
               std::tie(b.next_attempt_at, b.serial_hex, b.days_before);
    });
    return out;
}

int clamp_limit(int limit) { return std::clamp(limit, 1, 10'000); }

}  // namespace

Result<std::vector<ReminderCandidate>> PostgresTransaction::list_reminder_candidates(
    TimePoint now, Seconds horizon, int limit) {
    KAKUIN_TRY(Rows r, q("reminder_candidates", kReminderCandidates,
                         Params().add(now).add(now + horizon).add(clamp_limit(limit))));
    std::vector<ReminderCandidate> out;
    for (int i = 0; i < r.size(); ++i)
        out.push_back(
            {PersonKey{r.text(i, 0), r.text(i, 1)}, r.text(i, 2), r.time(i, 3), r.text(i, 4)});
    return out;
}

Result<bool> PostgresTransaction::insert_reminder_if_absent(const ReminderRecord& r) {
    KAKUIN_TRY(Rows rows, q("insert_reminder", kInsertReminder,
                            Params()
                                .add(r.serial_hex)
                                .add(r.days_before)
                                .add(r.person.contract_id)
                                .add(r.person.user_id)
                                .add(r.address)
                                .add(r.not_after)
                                .add(r.due_at)
                                .add(reminder_state_name(r.state))
                                .add(r.attempts)
                                .add(r.next_attempt_at)
                                .add(r.sent_at)
                                .add(r.last_error)
                                .add(r.created_at)));
    return rows.affected() > 0;
}

Result<std::optional<ReminderRecord>> PostgresTransaction::find_reminder(
    const std::string& serial_hex, int days_before) {
    KAKUIN_TRY(Rows rows,
               q("find_reminder", kFindReminder, Params().add(serial_hex).add(days_before)));
    if (rows.size() == 0) return std::optional<ReminderRecord>();
    KAKUIN_TRY(ReminderRecord r, read_reminder(rows, 0));
    return std::optional<ReminderRecord>(std::move(r));
}

Result<std::vector<ReminderRecord>> PostgresTransaction::claim_due_reminders(TimePoint now,
                                                                             TimePoint lease_until,
                                                                             int limit) {
    KAKUIN_TRY(Rows rows, q("claim_reminders", kClaimReminders,
                            Params().add(now).add(lease_until).add(clamp_limit(limit))));
    return read_all(rows);
}

Status PostgresTransaction::finish_reminder_claim(const ReminderRecord& r) {
    KAKUIN_TRY(Rows rows, q("finish_reminder", kFinishReminder,
                            Params()
                                .add(r.serial_hex)
                                .add(r.days_before)
                                .add(r.attempts)
                                .add(reminder_state_name(r.state))
                                .add(r.next_attempt_at)
                                .add(r.sent_at)
                                .add(r.last_error)));
    if (rows.affected() == 0)
        return make_error(ErrorCode::conflict, "reminder " + r.serial_hex + "/" +
                                                   std::to_string(r.days_before) +
                                                   ": claim no longer held");
    return {};
}

Result<std::vector<ReminderRecord>> PostgresTransaction::list_reminders(int limit) {
    KAKUIN_TRY(Rows rows, q("list_reminders", kListReminders, Params().add(clamp_limit(limit))));
    std::vector<ReminderRecord> out;
    for (int i = 0; i < rows.size(); ++i) {
        KAKUIN_TRY(ReminderRecord r, read_reminder(rows, i));
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace kakuin::store::postgres
