// One row of the usage history (利用履歴, R16): who did what to whom, when, from where, and
// how it ended. Records never carry secrets (PINs, OTPs, tokens, keys).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/identity.h"

namespace kakuin {

// Who acted: a person of a contract, bank staff, or the server itself (sweeps).
struct Actor {
    std::string id;  // "admin", "user:<user id>", "bank:<staff id>", "system"
    std::optional<std::string> source_address;  // client IP address, when over the network

    static Actor person(const PersonKey& p, std::optional<std::string> address = {});
    static Actor bank(std::string_view staff_id, std::optional<std::string> address = {});
    static Actor system();
};

struct UsageRecord {
    std::int64_t id = 0;          // assigned by the store
    TimePoint at{};
    std::string contract_id;      // the contract it belongs to; empty for bank-wide events
    std::string actor;            // Actor::id
    std::optional<std::string> target_user_id;  // person affected ("" = administrator)
    std::string kind;             // one of history_kind::*
    std::optional<std::string> source_address;
    std::string result = "ok";    // "ok" or an error code name
    std::string detail;           // short, for people (serial, issue number, reason)
};

// Stable names of record kinds (filterable in the API).
namespace history_kind {
inline constexpr std::string_view contract_registered = "contract.registered";
inline constexpr std::string_view user_registered = "user.registered";
inline constexpr std::string_view user_changed = "user.changed";
inline constexpr std::string_view user_deleted = "user.deleted";
inline constexpr std::string_view contract_changed = "contract.changed";
inline constexpr std::string_view certificate_registered = "certificate.registered";
inline constexpr std::string_view certificate_issued = "certificate.issued";
inline constexpr std::string_view certificate_revoked = "certificate.revoked";
inline constexpr std::string_view certificate_reissued = "certificate.reissued";
inline constexpr std::string_view certificate_renewed = "certificate.renewed";
inline constexpr std::string_view certificate_expired = "certificate.expired";
inline constexpr std::string_view certificate_first_used = "certificate.first_used";
inline constexpr std::string_view reminder_sent = "reminder.sent";  // expiry reminder e-mail
}  // namespace history_kind

// The bank's back office (issue 5): staff sign-in and four-eyes change requests. Staff events
// are bank-wide (contract_id ""); request events belong to the request's contract. Actor:
// bank:<staff id>. detail names the request ("request 12 admin_unlock", never a secret).
namespace bank_history_kind {
inline constexpr std::string_view staff_added = "bank.staff.added";
inline constexpr std::string_view staff_login = "bank.staff.login";
inline constexpr std::string_view staff_auth_failed = "bank.staff.auth_failed";  // result: code
inline constexpr std::string_view staff_locked = "bank.staff.locked";
inline constexpr std::string_view staff_logout = "bank.staff.logout";
inline constexpr std::string_view staff_unlocked = "bank.staff.unlocked";  // lock cleared, new PIN
inline constexpr std::string_view request_created = "bank.request.created";
inline constexpr std::string_view request_approved = "bank.request.approved";
inline constexpr std::string_view request_rejected = "bank.request.rejected";
inline constexpr std::string_view request_failed = "bank.request.failed";  // result: code
}  // namespace bank_history_kind

}  // namespace kakuin
