#include "service/admin_support.h"

#include <cstdint>

#include "service/user_admin_service.h"
#include "service/usage.h"

namespace kakuin::service {

namespace {

constexpr std::size_t kMaxNameChars = 60;

Error field_error(std::string_view field_ja, std::string_view en, std::string_view ja) {
    return make_error(ErrorCode::invalid_request, std::string(en),
                      std::string(field_ja) + std::string(ja));
}

// Decodes one UTF-8 code point at s[i]; false for malformed or overlong sequences.
bool next_code_point(std::string_view s, std::size_t& i, std::uint32_t& cp) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    int extra = 0;
    if (b0 < 0x80) {
        cp = b0;
    } else if ((b0 & 0xE0) == 0xC0) {
        cp = b0 & 0x1F;
        extra = 1;
    } else if ((b0 & 0xF0) == 0xE0) {
        cp = b0 & 0x0F;
        extra = 2;
    } else if ((b0 & 0xF8) == 0xF0) {
        cp = b0 & 0x07;
        extra = 3;
    } else {
        return false;
    }
    if (static_cast<std::size_t>(extra) >= s.size() - i) {
        if (extra > 0) return false;  // truncated sequence
    }
    for (int k = 1; k <= extra; ++k) {
        const auto b = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
        if ((b & 0xC0) != 0x80) return false;
        cp = (cp << 6) | (b & 0x3F);
    }
    static constexpr std::uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += static_cast<std::size_t>(extra) + 1;
    return true;
}

bool is_ascii_alnum(std::uint32_t c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

}  // namespace

Status check_name_kana(std::string_view s, std::string_view field_ja) {
    if (s.empty()) return field_error(field_ja, "kana name is required", "を入力してください。");
    std::size_t i = 0, chars = 0;
    while (i < s.size()) {
        std::uint32_t cp = 0;
        if (!next_code_point(s, i, cp)) {
            return field_error(field_ja, "kana name is not valid UTF-8",
                               "に使用できない文字が含まれています。");
        }
        const bool ok = (cp >= 0xFF61 && cp <= 0xFF9F) || is_ascii_alnum(cp) || cp == ' ' ||
                        cp == '(' || cp == ')' || cp == '-' || cp == '.' || cp == '/';
        if (!ok) {
            return field_error(field_ja, "kana name allows half-width kana and alphanumerics only",
                               "は半角カナ・半角英数字で入力してください。");
        }
        if (++chars > kMaxNameChars) {
            return field_error(field_ja, "kana name longer than 60 characters",
                               "は60文字以内で入力してください。");
        }
    }
    return {};
}

Status check_name_text(std::string_view s, std::string_view field_ja, bool required) {
    if (s.empty()) {
        if (!required) return {};
        return field_error(field_ja, "name is required", "を入力してください。");
    }
    std::size_t i = 0, chars = 0;
    while (i < s.size()) {
        std::uint32_t cp = 0;
        if (!next_code_point(s, i, cp) || cp < 0x20 || cp == 0x7F) {
            return field_error(field_ja, "name has an invalid character",
                               "に使用できない文字が含まれています。");
        }
        if (++chars > kMaxNameChars) {
            return field_error(field_ja, "name longer than 60 characters",
                               "は60文字以内で入力してください。");
        }
    }
    return {};
}

Status check_email(std::string_view s) {
    const auto at = s.find('@');
    bool ok = !s.empty() && s.size() <= 254 && at != std::string_view::npos && at > 0 &&
              at + 1 < s.size() && s.find('@', at + 1) == std::string_view::npos &&
              s.find('.', at + 1) != std::string_view::npos;
    for (char c : s) {
        if (c <= 0x20 || c >= 0x7F) ok = false;
    }
    if (!ok) {
        return field_error("連絡先メールアドレス", "the e-mail address is not valid",
                           "の形式が正しくありません。");
    }
    return {};
}

Status apply_slot_transition(store::Transaction& tx, const PersonKey& person, const Transition& t,
                             TimePoint now, const UsageRecord& record) {
    if (t.revoke) {
        KAKUIN_TRY_STATUS(tx.mark_certificate_revoked(t.revoke->serial_hex, now, t.revoke->reason));
        // A revoked certificate ends the holder's sessions at once (also on the other nodes: the
        // sessions live in the store), not only at the next certificate logon.
        KAKUIN_TRY(int ended, tx.delete_sessions_of(person, std::string()));
        (void)ended;
    }
    KAKUIN_TRY_STATUS(tx.save_slot(person, t.slot));
    KAKUIN_TRY_STATUS(tx.append_history(record));
    return {};
}

std::string transition_detail(const Transition& t) {
    std::string d = "issue " + format_issue_number(t.slot.issue_number);
    if (t.revoke) {
        d += ", revoked serial " + t.revoke->serial_hex + " (" +
             std::string(crl_reason_name(t.revoke->reason)) + ")";
    }
    return d;
}

CertificateSummary certificate_summary(const CertificateSlot& slot, TimePoint now) {
    CertificateSummary c;
    c.issue_number = slot.issue_number;
    if (slot.issue_number > 0) c.issue_number_text = format_issue_number(slot.issue_number);
    c.status = slot.status_at(now);
    c.marked = c.status == SlotStatus::registered || c.status == SlotStatus::valid;
    c.registered_at = slot.registered_at;
    c.serial_hex = slot.serial_hex;
    c.not_after = slot.not_after;
    c.acquisition_deadline = slot.acquisition_deadline;
    c.status_name = std::string(slot_status_name(c.status));
    if (c.status == SlotStatus::revoked && slot.revocation_reason == CrlReason::superseded &&
        !slot.serial_hex.empty()) {
        c.status_name = "superseded";
    }
    return c;
}

UsageRecord failure_usage(const Actor& actor, const PersonKey& target, std::string_view kind,
                          TimePoint at, std::string_view result, std::string detail) {
    UsageRecord r = usage(actor, target, kind, at, std::move(detail));
    r.result = std::string(result);
    return r;
}

}  // namespace kakuin::service
