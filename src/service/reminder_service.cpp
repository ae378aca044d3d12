#include "service/reminder_service.h"

#include <algorithm>

#include "service/reminder_mail.h"
#include "service/unit_of_work.h"
#include "service/usage.h"

namespace kakuin::service {

namespace {

// One scan looks at this many certificates expiring within the longest reminder period: at
// 10,000 per month of expiries a bank has far more certificates than one SQLite node serves.
constexpr int kMaxCandidatesPerScan = 10'000;
constexpr std::size_t kMaxErrorText = 200;

struct Prepared {
    std::optional<MailMessage> mail;  // empty: cancelled
    std::string why_cancelled;
};

}  // namespace

ReminderService::ReminderService(store::Store& store, const Clock& clock, const BankPolicy& policy,
                                 ReminderSettings settings, MailSender* sender)
    : store_(store),
      clock_(clock),
      policy_(policy),
      settings_(std::move(settings)),
      sender_(sender) {
    std::sort(settings_.days_before.begin(), settings_.days_before.end());
    settings_.days_before.erase(
        std::unique(settings_.days_before.begin(), settings_.days_before.end()),
        settings_.days_before.end());
}

Result<int> ReminderService::enqueue_due() {
    if (settings_.days_before.empty()) return 0;
    const TimePoint now = clock_.now();
    const Seconds horizon = Days(settings_.days_before.back());
    return in_transaction<int>(
        store_, store::TxMode::write, [&](store::Transaction& tx) -> Result<int> {
            KAKUIN_TRY(auto candidates,
                       tx.list_reminder_candidates(now, horizon, kMaxCandidatesPerScan));
            int added = 0;
            for (const auto& c : candidates) {
                // The shortest period that has begun: not_after - d <= now.
                std::optional<int> due_days;
                for (int d : settings_.days_before) {
                    if (c.not_after - Days(d) <= now) {
                        due_days = d;
                        break;
                    }
                }
                if (!due_days) continue;
                store::ReminderRecord r;
                r.serial_hex = c.serial_hex;
                r.days_before = *due_days;
                r.person = c.person;
                r.address = c.address;
                r.not_after = c.not_after;
                r.due_at = c.not_after - Days(*due_days);
                r.state = store::ReminderState::queued;
                r.next_attempt_at = now;
                r.created_at = now;
                KAKUIN_TRY(bool inserted, tx.insert_reminder_if_absent(r));
                added += inserted ? 1 : 0;
            }
            return added;
        });
}

Result<DeliveryCounts> ReminderService::deliver_due(const std::atomic<bool>* stop) {
    DeliveryCounts counts;
    if (!sender_) return counts;
    for (int i = 0; i < settings_.max_per_pass; ++i) {
        if (stop && stop->load()) break;
        const TimePoint now = clock_.now();
        // One row per claim: a crash strands at most the row being sent, for one lease.
        KAKUIN_TRY(auto claimed, in_transaction<std::vector<store::ReminderRecord>>(
                                     store_, store::TxMode::write, [&](store::Transaction& tx) {
                                         return tx.claim_due_reminders(now, now + settings_.lease,
                                                                       1);
                                     }));
        if (claimed.empty()) break;
        KAKUIN_TRY(Outcome o, deliver_one(std::move(claimed.front())));
        switch (o) {
            case Outcome::sent:
                ++counts.sent;
                break;
            case Outcome::retried:
                ++counts.retried;
                break;
            case Outcome::failed:
                ++counts.failed;
                break;
            case Outcome::cancelled:
                ++counts.cancelled;
                break;
        }
    }
    return counts;
}

Status ReminderService::finish(store::ReminderRecord r) {
    return in_transaction<void>(store_, store::TxMode::write, [&](store::Transaction& tx) {
        return tx.finish_reminder_claim(r);
    });
}

Result<ReminderService::Outcome> ReminderService::deliver_one(store::ReminderRecord r) {
    const TimePoint now = clock_.now();
    // Read what the mail says, and whether it should still go out, in one snapshot.
    KAKUIN_TRY(Prepared p,
               in_transaction<Prepared>(
                   store_, store::TxMode::read, [&](store::Transaction& tx) -> Result<Prepared> {
                       Prepared out;
                       KAKUIN_TRY(auto person, tx.find_person(r.person));
                       KAKUIN_TRY(auto cert, tx.find_certificate_by_serial(r.serial_hex));
                       KAKUIN_TRY(auto contract, tx.find_contract(r.person.contract_id));
                       if (!person || !contract) {
                           out.why_cancelled = "holder no longer registered";
                           return out;
                       }
                       if (!person->contact_email || person->contact_email->empty()) {
                           out.why_cancelled = "no contact address";
                           return out;
                       }
                       if (!cert || cert->status_at(now) != CertificateStatus::valid) {
                           out.why_cancelled = "certificate revoked or expired";
                           return out;
                       }
                       // A renewal or reissue revoked it (superseded / cessationOfOperation).
                       ReminderMailInput in;
                       in.bank_name = policy_.bank_name;
                       in.from_address = settings_.from_address;
                       in.to_address = *person->contact_email;
                       in.contract_name = contract->name_kanji;
                       in.person = *person;
                       in.serial_hex = r.serial_hex;
                       in.issue_number = cert->issue_number;
                       in.not_after = cert->not_after;
                       in.days_before = r.days_before;
                       in.renewal_window_days = policy_.certificate.renewal_window_days;
                       in.now = now;
                       auto mail = compose_reminder_mail(in);
                       if (!mail.ok()) {
                           out.why_cancelled = mail.error().detail;
                           return out;
                       }
                       out.mail = std::move(*mail);
                       return out;
                   }));
    if (!p.mail) {
        r.state = store::ReminderState::cancelled;
        r.last_error = p.why_cancelled;
        KAKUIN_TRY_STATUS(finish(r));
        return Outcome::cancelled;
    }

    Status sent = sender_->send(*p.mail);
    const TimePoint done = clock_.now();
    if (sent.ok()) {
        r.state = store::ReminderState::sent;
        r.sent_at = done;
        r.last_error.clear();
        Status committed = in_transaction<void>(
            store_, store::TxMode::write, [&](store::Transaction& tx) -> Status {
                KAKUIN_TRY_STATUS(tx.finish_reminder_claim(r));
                KAKUIN_TRY(auto id,
                           tx.append_history(
                               usage(Actor::system(), r.person, history_kind::reminder_sent, done,
                                     "serial " + r.serial_hex + ", " +
                                         std::to_string(r.days_before) + " days before expiry")));
                (void)id;
                return {};
            });
        if (!committed.ok()) return committed.take_error();
        return Outcome::sent;
    }

    r.last_error = sent.error().detail.substr(0, kMaxErrorText);
    if (r.attempts >= settings_.max_attempts) {
        r.state = store::ReminderState::failed;
        KAKUIN_TRY_STATUS(finish(r));
        return Outcome::failed;
    }
    Seconds wait = settings_.retry_first;
    for (int i = 1; i < r.attempts && wait < settings_.retry_max; ++i) wait *= 2;
    r.state = store::ReminderState::queued;
    r.next_attempt_at = done + std::min(wait, settings_.retry_max);
    KAKUIN_TRY_STATUS(finish(r));
    return Outcome::retried;
}

}  // namespace kakuin::service
