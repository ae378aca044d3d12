// The reminder loop of `kakuin serve` and the one pass of `kakuin reminders run`: builds the
// ReminderService (with the SMTP sender when smtp.url is set) from the configuration.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "cli/config.h"
#include "core/clock.h"
#include "service/reminder_service.h"
#include "store/store.h"

namespace kakuin::cli {

// One scan: enqueue, then deliver. Logs one line per pass with the counts (never addresses).
Status run_reminder_pass(service::ReminderService& s, const std::atomic<bool>* stop);

std::unique_ptr<service::ReminderService> make_reminder_service(
    const Config& config, store::Store& store, const Clock& clock,
    std::unique_ptr<service::MailSender>& sender_out);

// A background thread running a pass every reminders.check_interval_seconds (real time) with
// the server's clock. stop() (or the destructor) wakes it and joins: a send in flight
// finishes (bounded by smtp.timeout_seconds) and is recorded before the thread ends.
class ReminderRunner {
  public:
    ReminderRunner(const Config& config, store::Store& store, const Clock& clock);
    ~ReminderRunner();
    ReminderRunner(const ReminderRunner&) = delete;
    ReminderRunner& operator=(const ReminderRunner&) = delete;

    void start();
    void stop();

  private:
    void loop();

    std::unique_ptr<service::MailSender> sender_;
    std::unique_ptr<service::ReminderService> service_;
    std::chrono::seconds interval_;
    std::atomic<bool> stopping_{false};
    std::mutex mutex_;
    std::condition_variable wake_;
    std::thread thread_;
};

}  // namespace kakuin::cli
