// Sending one e-mail: the seam between the reminder service and SMTP (cli/smtp_mail_sender.h
// on libcurl), so that the service's rules are tested with a fake.
#pragma once

#include <string>

#include "core/result.h"

namespace kakuin::service {

struct MailMessage {
    std::string envelope_from;  // bare address, the SMTP MAIL FROM
    std::string envelope_to;    // bare address, the SMTP RCPT TO
    std::string data;           // the whole RFC 5322 message, CRLF line ends, ASCII only
};

class MailSender {
  public:
    virtual ~MailSender() = default;
    // Succeeds once the server accepted the message (SMTP 250 after DATA). Any error is worth a
    // later retry; its detail names the failure and never carries a credential.
    virtual Status send(const MailMessage& m) = 0;
};

}  // namespace kakuin::service
