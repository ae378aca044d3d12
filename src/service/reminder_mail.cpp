#include "service/reminder_mail.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "core/certificate_slot.h"

namespace kakuin::service {

namespace {

constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64(std::string_view in) {
    std::string out;
    out.reserve((in.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        const unsigned v =
            (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8 | (unsigned char)in[i + 2];
        out += {kB64[v >> 18], kB64[(v >> 12) & 63], kB64[(v >> 6) & 63], kB64[v & 63]};
    }
    if (i + 1 == in.size()) {
        const unsigned v = (unsigned char)in[i] << 16;
        out += {kB64[v >> 18], kB64[(v >> 12) & 63], '=', '='};
    } else if (i + 2 == in.size()) {
        const unsigned v = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8;
        out += {kB64[v >> 18], kB64[(v >> 12) & 63], kB64[(v >> 6) & 63], '='};
    }
    return out;
}

// Length of the UTF-8 sequence starting with byte c (1 for anything unexpected).
std::size_t utf8_len(unsigned char c) {
    if (c >= 0xF0) return 4;
    if (c >= 0xE0) return 3;
    if (c >= 0xC0) return 2;
    return 1;
}

// Body: base64 in lines of 76 characters (RFC 2045).
std::string base64_lines(std::string_view text) {
    const std::string b = base64(text);
    std::string out;
    for (std::size_t i = 0; i < b.size(); i += 76) out += b.substr(i, 76) + "\r\n";
    return out;
}

std::string person_name(const Person& p) {
    return p.name_kanji.empty() ? p.name_kana : p.name_kanji;
}

// The message text (UTF-8, LF line ends; converted to CRLF inside the base64 body).
std::string body_text(const ReminderMailInput& in) {
    const bool admin = in.person.key.role() == Role::admin;
    const int window = in.renewal_window_days;
    std::string t;
    t += in.contract_name + "\n" + person_name(in.person) + " 様\n\n";
    t += in.bank_name + "をご利用いただき、ありがとうございます。\n";
    t += "ご利用中の電子証明書の有効期限が近づいています（有効期限の" +
         std::to_string(in.days_before) + "日前のお知らせです）。\n\n";
    t += "■ 対象の電子証明書\n";
    t += "  契約法人ID: " + in.person.key.contract_id + "\n";
    t += "  " + std::string(admin ? "利用者: 管理者" : "利用者ID: " + in.person.key.user_id) + "\n";
    t += "  お名前: " + person_name(in.person) + "\n";
    t += "  発行番号: " + format_issue_number(in.issue_number) + "\n";
    t += "  シリアル番号: " + in.serial_hex + "\n";
    t += "  有効期限: " + format_jst_ja(in.not_after) + "（日本時間）\n\n";
    t += "■ 更新の方法\n";
    t += "  有効期限の" + std::to_string(window) +
         "日前から、電子証明書の更新ができます。更新期間中に、この電子証明書を使って"
         "電子証明書方式でログオンすると「電子証明書更新のお知らせ」画面が表示されます。"
         "画面の案内に従って、電子証明書を利用しているパソコンで更新してください"
         "（新しい鍵はそのパソコンで作られます）。\n";
    if (in.days_before > window) {
        t += "  更新期間は " + format_jst_ja(in.not_after - Days(window)) + " からです。\n";
    }
    t += "\n■ 有効期限を過ぎた場合\n";
    if (admin) {
        t += "  有効期限を過ぎた電子証明書ではログオンできません。管理者の電子証明書の再発行は、"
             "当行所定の依頼書でお取引店にお申し込みください。\n";
    } else {
        t += "  有効期限を過ぎた電子証明書ではログオンできません。その場合は、管理者に"
             "電子証明書の再発行を依頼してください。\n";
    }
    t += "\nこのメールは送信専用です。暗証番号やワンタイムパスワードをメールでお尋ねすることは"
         "ありません。\n";
    t += "\n" + in.bank_name + "\n";
    return t;
}

std::string crlf(std::string_view lf_text) {
    std::string out;
    for (char c : lf_text) {
        if (c == '\n')
            out += "\r\n";
        else
            out += c;
    }
    return out;
}

std::string domain_of(const std::string& address) { return address.substr(address.rfind('@') + 1); }

}  // namespace

bool is_plain_mail_address(const std::string& s) {
    if (s.empty() || s.size() > 254) return false;
    const auto at = s.find('@');
    if (at == std::string::npos || at == 0 || at + 1 >= s.size() ||
        s.find('@', at + 1) != std::string::npos)
        return false;
    for (unsigned char c : s) {
        if (c <= 0x20 || c >= 0x7F) return false;
        if (c == '<' || c == '>' || c == '"' || c == '(' || c == ')' || c == ',' || c == ';' ||
            c == ':' || c == '\\' || c == '[' || c == ']')
            return false;
    }
    return true;
}

std::string encode_header_utf8(const std::string& text) {
    // Each encoded-word holds whole characters only and stays within 75 characters
    // (RFC 2047 section 2): 12 for "=?UTF-8?B??=", so at most 63 base64 chars = 45 bytes.
    constexpr std::size_t kMaxBytes = 45;
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t end = i;
        while (end < text.size()) {
            const std::size_t n = utf8_len(static_cast<unsigned char>(text[end]));
            if (end + n - i > kMaxBytes) break;
            end += n;
        }
        if (end == i) end = std::min(text.size(), i + 1);
        if (!out.empty()) out += "\r\n ";
        out += "=?UTF-8?B?" + base64(std::string_view(text).substr(i, end - i)) + "?=";
        i = end;
    }
    return out;
}

std::string format_rfc5322_date_jst(TimePoint t) {
    static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const TimePoint jst = t + std::chrono::hours(9);
    const auto day = std::chrono::floor<Days>(jst);
    const std::chrono::year_month_day ymd{day};
    const std::chrono::weekday wd{day};
    const std::chrono::hh_mm_ss hms{jst - day};
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s, %u %s %04d %02d:%02d:%02d +0900", kDays[wd.c_encoding()],
                  unsigned(ymd.day()), kMonths[unsigned(ymd.month()) - 1], int(ymd.year()),
                  int(hms.hours().count()), int(hms.minutes().count()), int(hms.seconds().count()));
    return buf;
}

Result<MailMessage> compose_reminder_mail(const ReminderMailInput& in) {
    if (!is_plain_mail_address(in.from_address))
        return make_error(ErrorCode::invalid_request, "sender address is not a plain address");
    if (!is_plain_mail_address(in.to_address))
        return make_error(ErrorCode::invalid_request, "contact address is not a plain address");
    const std::string subject = "【" + in.bank_name + "】電子証明書の有効期限のお知らせ（あと" +
                                std::to_string(in.days_before) + "日）";
    std::string h;
    h += "From: " + encode_header_utf8(in.bank_name) + " <" + in.from_address + ">\r\n";
    h += "To: <" + in.to_address + ">\r\n";
    h += "Subject: " + encode_header_utf8(subject) + "\r\n";
    h += "Date: " + format_rfc5322_date_jst(in.now) + "\r\n";
    // The same ID for the same reminder: a receiver can drop the copy a crash may cause
    // (docs/operations.md).
    h += "Message-ID: <reminder." + in.serial_hex + "." + std::to_string(in.days_before) + "@" +
         domain_of(in.from_address) + ">\r\n";
    h += "MIME-Version: 1.0\r\n";
    h += "Content-Type: text/plain; charset=UTF-8\r\n";
    h += "Content-Transfer-Encoding: base64\r\n";
    h += "Auto-Submitted: auto-generated\r\n";
    MailMessage m;
    m.envelope_from = in.from_address;
    m.envelope_to = in.to_address;
    m.data = h + "\r\n" + base64_lines(crlf(body_text(in)));
    return m;
}

}  // namespace kakuin::service
