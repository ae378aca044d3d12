// The administrator's user management (R12-R16, R18, R19): list, details, register, change
// (incl. certificate keep / reissue / revoke), delete, unlock, OTP token, usage history and
// WEB-FB取引停止. Each write is one store transaction with its usage-history record.
//
// Rules every write applies, in this order:
// - the session must be active (otp_required -> forbidden) and an administrator's (a user's
//   session -> forbidden, R14);
// - the target must be a user of the administrator's own contract (else not_found, R14);
// - the administrator's confirmation PIN (契約法人確認暗証番号) must verify. A wrong one is
//   refused with confirmation_pin_incorrect and counts toward the administrator's lockout:
//   the failure count (and the lock at policy.lockout_threshold) and a history row are
//   committed, nothing else. A locked administrator gets `locked`;
// - the input is checked (invalid_request with a Japanese detail_ja) before anything is
//   written. A refused write changes nothing else.
// Secrets (PINs, OTP secrets) are never put in history or errors.
//
// Thread-safe (the store serializes writers).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/certificate_slot.h"
#include "core/contract.h"
#include "core/permissions.h"
#include "core/result.h"
#include "core/usage_history.h"
#include "service/certificate_service.h"
#include "service/context.h"
#include "service/session_info.h"
#include "store/store.h"

namespace kakuin::service {

// History kinds of this file's and bank_service's use cases (besides core's history_kind).
namespace admin_history_kind {
inline constexpr std::string_view confirmation_pin_failed = "confirmation_pin.failed";
inline constexpr std::string_view person_locked = "person.locked";
inline constexpr std::string_view person_unlocked = "person.unlocked";
inline constexpr std::string_view otp_token_registered = "otp_token.registered";
}  // namespace admin_history_kind

// Where a request came from (client IP address) for the usage history; empty for local calls.
using SourceAddress = std::optional<std::string>;

// The certificate of a person as screens show it (R19).
struct CertificateSummary {
    int issue_number = 0;                // 0: never registered
    std::string issue_number_text;       // "001"; empty when never registered
    SlotStatus status = SlotStatus::none;  // slot_status_name: none, registered, valid, ...
    // The list's ○ (R12): a registration awaiting acquisition or a valid certificate.
    bool marked = false;
    std::optional<TimePoint> registered_at;
    std::string serial_hex;               // empty when nothing was issued
    std::optional<TimePoint> not_after;
    std::optional<TimePoint> acquisition_deadline;
    // status_name: slot status, except "superseded" for a certificate revoked as superseded.
    std::string status_name;
};

struct PersonStates {
    bool accident = false;
    bool suspended = false;
    bool otp_locked = false;
    bool locked = false;
};

enum class TokenKind { none, software, hardware };
std::string_view token_kind_name(TokenKind k);  // "none", "software", "hardware"

// One row of the user list (R12).
struct UserSummary {
    std::string user_id;
    std::string name_kana;
    std::string name_kanji;
    Authority authority = Authority::general;
    PersonStates states;
    CertificateSummary certificate;
    Permissions permissions;
    std::string permissions_summary;  // permissions_summary_ja
};

// One user's details (R19). No PIN hashes.
struct UserDetail {
    std::string user_id;
    std::string name_kana;
    std::string name_kanji;
    Authority authority = Authority::general;
    PersonStates states;
    int failure_count = 0;
    std::optional<std::string> contact_email;
    std::optional<TimePoint> last_login_at;
    TimePoint created_at{};
    Permissions permissions;
    CertificateSummary certificate;
    TokenKind token = TokenKind::none;
};

// A new user (R13). PINs are typed twice and checked with auth::check_new_pin.
struct UserInput {
    std::string user_id;        // 1-16 half-width alphanumerics, unique in the contract
    std::string name_kana;      // required: half-width kana, alphanumerics, space and ()-./
    std::string name_kanji;     // optional
    Authority authority = Authority::general;
    std::string login_pin, login_pin_again;
    std::string confirmation_pin, confirmation_pin_again;  // the user's own 確認暗証番号
    Permissions permissions;
    std::optional<std::string> contact_email;
    bool issue_certificate = false;  // register an issuance at once (certificate method)
};

// A new PIN, typed twice.
struct PinReset {
    std::string pin, pin_again;
};

// A change of a user; empty optionals keep what is stored.
struct UserChange {
    std::optional<std::string> name_kana;
    std::optional<std::string> name_kanji;
    std::optional<Authority> authority;
    std::optional<PinReset> login_pin;
    std::optional<PinReset> confirmation_pin;
    std::optional<bool> accident;
    std::optional<bool> suspended;
    std::optional<bool> otp_locked;
    std::optional<Permissions> permissions;
    std::optional<std::optional<std::string>> contact_email;  // set / clear
};

// R18: 継続 / 失効し再発行 / 失効.
enum class CertificateHandling { keep, reissue, revoke };
bool certificate_handling_from_name(std::string_view s, CertificateHandling& out);

struct TokenRequest {
    TokenKind kind = TokenKind::software;  // software or hardware
    std::string hardware_secret_base32;    // hardware: the token's seed from the vendor
    std::string hardware_serial;           // hardware: printed on the token
};

struct TokenRegistration {
    TokenKind kind = TokenKind::software;
    // Software only: the provisioning URI (holds the secret: show once, never log) and its QR.
    std::string otpauth_uri;
    std::string qr_svg;
    std::string secret_base32;
};

// Filter of the history screen (R16).
struct HistoryFilter {
    std::optional<std::string> user_id;  // administrator only; "" = the administrator's own
    std::optional<std::string> kind;
    std::optional<TimePoint> from;
    std::optional<TimePoint> until;
    std::optional<store::HistoryQuery::Cursor> after;
    int limit = 50;
};

class UserAdminService {
public:
    // The references must outlive the service.
    UserAdminService(const ServiceContext& ctx, CertificateService& certificates);

    // R12: the users of the actor's contract (not the administrator), by user ID.
    // Errors: forbidden (not an active administrator session).
    Result<std::vector<UserSummary>> list_users(const SessionInfo& actor);

    // R19. Errors: forbidden, not_found (no such user in the actor's contract).
    Result<UserDetail> get_user(const SessionInfo& actor, const std::string& user_id);

    // R13. Errors: forbidden, locked, confirmation_pin_incorrect, invalid_request (IDs, names,
    // PINs, permissions above the contract's upper limits, max users), conflict (ID taken).
    Result<UserDetail> register_user(const SessionInfo& actor, const UserInput& input,
                                     const std::string& confirmation_pin,
                                     const SourceAddress& source);

    // R13/R18: every field and the certificate handling in ONE transaction. Reissue follows
    // kakuin::reissue (any slot state); revoke follows kakuin::revoke.
    // Errors: as register_user, not_found, certificate_state_invalid (revoke with nothing to
    // revoke). The actor's own certificate cannot be handled here (the target is a user).
    Result<UserDetail> change_user(const SessionInfo& actor, const std::string& user_id,
                                   const UserChange& change, CertificateHandling certificate,
                                   const std::string& confirmation_pin,
                                   const SourceAddress& source);

    // 登録抹消: deletes the user and revokes a valid certificate in the same transaction.
    Status delete_user(const SessionInfo& actor, const std::string& user_id,
                       const std::string& confirmation_pin, const SourceAddress& source);

    // IDロック解除 (R8): clears the lock and the failure count.
    Result<UserDetail> unlock_user(const SessionInfo& actor, const std::string& user_id,
                                   const std::string& confirmation_pin,
                                   const SourceAddress& source);

    // R9: registers (replaces) the user's OTP token. Software: a new random secret, returned
    // once as an otpauth:// URI and QR code. Hardware: the given base32 seed and serial.
    Result<TokenRegistration> register_token(const SessionInfo& actor, const std::string& user_id,
                                             const TokenRequest& request,
                                             const std::string& confirmation_pin,
                                             const SourceAddress& source);

    // R16: the administrator sees the whole contract (optionally one user); a user only the
    // records that target them. Needs an active session. Errors: forbidden.
    Result<store::HistoryPage> history(const SessionInfo& actor, const HistoryFilter& filter);

    // WEB-FB取引停止 (R16): stop (true) or resume (false) all transactions of the contract.
    Status stop_transactions(const SessionInfo& actor, bool stop,
                             const std::string& confirmation_pin, const SourceAddress& source);

private:
    // Checks the session (active administrator) and the confirmation PIN (outside the write
    // lock; a failure is committed as described above). Returns the administrator as read.
    Result<Person> confirm(const SessionInfo& actor, const std::string& confirmation_pin,
                           const SourceAddress& source);
    // In the use case's transaction: the administrator is still unlocked and has the PIN that
    // confirm() verified (else locked / conflict); resets a failure count.
    Status reconfirm(store::Transaction& tx, const Person& confirmed);

    const ServiceContext& ctx_;
    CertificateService& certificates_;
};

}  // namespace kakuin::service
