// The expiry reminder e-mail (issue 5): Japanese, UTF-8, MIME with an RFC 2047 subject and a
// base64 body. Pure: everything it says comes from the arguments. Never carries a secret.
#pragma once

#include <string>

#include "core/clock.h"
#include "core/contract.h"
#include "core/result.h"
#include "service/mail_sender.h"

namespace kakuin::service {

struct ReminderMailInput {
    std::string bank_name;      // shown as the sender's name and in the text
    std::string from_address;   // bare addr-spec
    std::string to_address;     // bare addr-spec (the person's contact address)
    std::string contract_name;  // 契約法人名
    Person person;              // the holder (administrator or user)
    std::string serial_hex;     // the certificate
    int issue_number = 0;
    TimePoint not_after{};
    int days_before = 0;  // which reminder (30, 10, ...)
    int renewal_window_days = 30;
    TimePoint now{};  // the Date header
};

// Whether `s` is a plain addr-spec kakuin may put in headers and SMTP commands: ASCII without
// spaces, controls, quotes or angle brackets, one '@' with text on both sides, at most 254.
bool is_plain_mail_address(const std::string& s);

// RFC 2047 "B" encoded-words for a UTF-8 header text, folded so no line exceeds 76 chars.
std::string encode_header_utf8(const std::string& text);

// "Sat, 21 Nov 2026 18:00:00 +0900" (RFC 5322 date in JST).
std::string format_rfc5322_date_jst(TimePoint t);

// Errors: invalid_request when an address is not plain (is_plain_mail_address).
Result<MailMessage> compose_reminder_mail(const ReminderMailInput& in);

}  // namespace kakuin::service
