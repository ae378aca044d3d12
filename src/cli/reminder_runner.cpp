#include "cli/reminder_runner.h"

#include <cstdio>

#include "cli/smtp_mail_sender.h"

namespace kakuin::cli {

namespace {

void log_line(const std::string& line) {
    std::fprintf(stderr, "%s\n", line.c_str());
    std::fflush(stderr);
}

}  // namespace

std::unique_ptr<service::ReminderService> make_reminder_service(
    const Config& config, store::Store& store, const Clock& clock,
    std::unique_ptr<service::MailSender>& sender_out) {
    service::ReminderSettings settings;
    settings.days_before = config.policy.certificate.reminder_days;
    settings.from_address = config.smtp.from;
    // A claim must outlive one send (connect + transfer, each bounded by the timeout).
    settings.lease = Seconds(4 * config.smtp.timeout_seconds + 60);
    sender_out.reset();
    if (!config.smtp.url.empty()) sender_out = std::make_unique<SmtpMailSender>(config.smtp);
    return std::make_unique<service::ReminderService>(store, clock, config.policy, settings,
                                                      sender_out.get());
}

Status run_reminder_pass(service::ReminderService& s, const std::atomic<bool>* stop) {
    KAKUIN_TRY(int queued, s.enqueue_due());
    KAKUIN_TRY(service::DeliveryCounts d, s.deliver_due(stop));
    if (queued + d.sent + d.retried + d.failed + d.cancelled > 0) {
        log_line("event=reminders queued=" + std::to_string(queued) +
                 " sent=" + std::to_string(d.sent) + " retried=" + std::to_string(d.retried) +
                 " failed=" + std::to_string(d.failed) + " cancelled=" +
                 std::to_string(d.cancelled) + (s.sending_enabled() ? "" : " smtp=none"));
    }
    return {};
}

ReminderRunner::ReminderRunner(const Config& config, store::Store& store, const Clock& clock)
    : service_(make_reminder_service(config, store, clock, sender_)),
      interval_(config.reminders.check_interval_seconds) {}

ReminderRunner::~ReminderRunner() { stop(); }

void ReminderRunner::start() {
    if (thread_.joinable()) return;
    thread_ = std::thread([this] { loop(); });
}

void ReminderRunner::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void ReminderRunner::loop() {
    while (!stopping_) {
        if (Status s = run_reminder_pass(*service_, &stopping_); !s.ok())
            log_line("event=reminders_error code=" + std::string(error_code_name(s.error().code)) +
                     " detail=\"" + s.error().detail + "\"");
        std::unique_lock lock(mutex_);
        wake_.wait_for(lock, interval_, [this] { return stopping_.load(); });
    }
}

}  // namespace kakuin::cli
