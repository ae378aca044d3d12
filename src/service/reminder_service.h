// Expiry reminders (issue 5, R22): queue one e-mail per (certificate, days before expiry) in
// the store, then deliver them through a MailSender, each exactly once.
//
// Exactly once: the store's key (serial, days_before) makes queueing idempotent across scans,
// restarts and nodes; delivery claims a row for a lease (state sending) before sending and
// marks it sent in the transaction that writes the history, fenced by the claim's attempt
// number. A process that dies holding a claim leaves the row to be retried after the lease.
// The one window left: a crash after the SMTP server accepted the message and before the
// commit sends it again after the lease (docs/operations.md); the Message-ID stays the same.
//
// Threading: one pass at a time per service (the server runs it on one background thread);
// several nodes may run passes on one PostgreSQL store at once.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/policy.h"
#include "core/result.h"
#include "service/mail_sender.h"
#include "store/store.h"

namespace kakuin::service {

struct ReminderSettings {
    std::vector<int> days_before = {30, 10};  // any order; each in [1, validity]
    std::string from_address;                 // plain addr-spec; required to send
    Seconds lease{600};       // a claim older than this is taken over (must exceed a send)
    Seconds retry_first{60};  // backoff after the first failure, doubled each time ...
    Seconds retry_max{3600};  // ... up to this
    int max_attempts = 12;    // then the reminder is failed
    int max_per_pass = 200;   // sends per deliver_due() call
};

struct DeliveryCounts {
    int sent = 0, retried = 0, failed = 0, cancelled = 0;
};

class ReminderService {
  public:
    // `sender` null: queue only, never send (no SMTP server configured). References outlive
    // the service.
    ReminderService(store::Store& store, const Clock& clock, const BankPolicy& policy,
                    ReminderSettings settings, MailSender* sender);

    // One write transaction: queues a reminder for every current, unrevoked certificate whose
    // holder has a contact address and that is inside a reminder period now. Of the periods
    // that have begun only the shortest is queued (a server down at 30 days sends the
    // 10-day one, not both). Returns how many rows were added.
    Result<int> enqueue_due();

    // Claims and sends due reminders one by one until none is due, max_per_pass is reached or
    // `stop` becomes true (checked between sends; a send in flight finishes and is recorded).
    // A reminder whose certificate is no longer current (renewed, revoked, expired) or whose
    // holder has no contact address any more is cancelled, not sent.
    Result<DeliveryCounts> deliver_due(const std::atomic<bool>* stop = nullptr);

    bool sending_enabled() const { return sender_ != nullptr; }

  private:
    enum class Outcome { sent, retried, failed, cancelled };
    Result<Outcome> deliver_one(store::ReminderRecord r);
    Status finish(store::ReminderRecord r);

    store::Store& store_;
    const Clock& clock_;
    const BankPolicy& policy_;
    ReminderSettings settings_;
    MailSender* sender_;
};

}  // namespace kakuin::service
