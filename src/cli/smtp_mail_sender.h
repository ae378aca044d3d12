// service::MailSender over SMTP with libcurl: smtp:// (STARTTLS when offered) or smtps://,
// optional AUTH, bounded in time and size. Not thread-safe: one sender per thread.
#pragma once

#include <string>

#include "cli/config.h"
#include "service/mail_sender.h"

namespace kakuin::cli {

class SmtpMailSender final : public service::MailSender {
  public:
    // `smtp.url` must be set (parse_config checked it).
    explicit SmtpMailSender(SmtpConfig smtp) : smtp_(std::move(smtp)) {}
    Status send(const service::MailMessage& m) override;

  private:
    SmtpConfig smtp_;
};

// The largest message sent (reminders are a few KiB).
inline constexpr std::size_t kMaxMailBytes = 64 * 1024;

}  // namespace kakuin::cli
