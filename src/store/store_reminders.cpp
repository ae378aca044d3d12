// Issue 5 parts of the store interface: reminder state names and the default (unsupported)
// reminder methods, kept apart from store.cpp.
#include "store/store.h"

namespace kakuin::store {

namespace {
Error unsupported(std::string_view what) {
    return make_error(ErrorCode::internal_error,
                      std::string(what) + ": not supported by this store");
}
}  // namespace

std::string_view reminder_state_name(ReminderState s) {
    switch (s) {
        case ReminderState::queued:
            return "queued";
        case ReminderState::sending:
            return "sending";
        case ReminderState::sent:
            return "sent";
        case ReminderState::failed:
            return "failed";
        case ReminderState::cancelled:
            return "cancelled";
    }
    return "failed";
}

bool reminder_state_from_name(std::string_view s, ReminderState& out) {
    for (auto st : {ReminderState::queued, ReminderState::sending, ReminderState::sent,
                    ReminderState::failed, ReminderState::cancelled}) {
        if (reminder_state_name(st) == s) {
            out = st;
            return true;
        }
    }
    return false;
}

Result<std::vector<ReminderCandidate>> Transaction::list_reminder_candidates(TimePoint, Seconds,
                                                                             int) {
    return unsupported("list_reminder_candidates");
}
Result<bool> Transaction::insert_reminder_if_absent(const ReminderRecord&) {
    return unsupported("insert_reminder_if_absent");
}
Result<std::optional<ReminderRecord>> Transaction::find_reminder(const std::string&, int) {
    return unsupported("find_reminder");
}
Result<std::vector<ReminderRecord>> Transaction::claim_due_reminders(TimePoint, TimePoint, int) {
    return unsupported("claim_due_reminders");
}
Status Transaction::finish_reminder_claim(const ReminderRecord&) {
    return unsupported("finish_reminder_claim");
}
Result<std::vector<ReminderRecord>> Transaction::list_reminders(int) {
    return unsupported("list_reminders");
}

}  // namespace kakuin::store
