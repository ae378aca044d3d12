// Who is calling: the authenticated session that every use case past login receives.
// Produced by SessionService (login, OTP step, authenticate); read by the other services and
// the API. Carries no secret: the session token itself never leaves SessionService and the API.
#pragma once

#include <optional>
#include <string>

#include "core/clock.h"
#include "core/identity.h"

namespace kakuin::service {

// The verified TLS client certificate of a request on the certificate listener.
struct ClientCertificate {
    std::string serial_hex;              // canonical uppercase hex
    std::string sha256_fingerprint_hex;  // lowercase hex of SHA-256(DER)
};

enum class SessionState {
    otp_required,  // PIN accepted; the one-time password is still to come
    active,
};

// The company of the session, read in the same transaction that checked the session (so the
// API need not read the contract again). Absent where that transaction did not read it.
struct SessionContract {
    std::string name_kanji;
    std::string name_kana;
    bool transactions_stopped = false;
};

struct SessionInfo {
    PersonKey person;
    SessionState state = SessionState::otp_required;
    bool via_certificate = false;             // made on the certificate listener (:8444)
    std::string certificate_serial;           // the certificate that made it, if any
    std::string csrf_token;                   // sent back by the screens in X-CSRF-Token
    std::optional<TimePoint> previous_login_at;  // shown as 前回ログイン日時 (R11)
    TimePoint created_at{};
    TimePoint last_seen_at{};
    std::optional<TimePoint> certificate_not_after;  // expiry of the login certificate
    std::optional<SessionContract> contract;         // filled by authenticate() and submit_otp()

    Role role() const { return person.role(); }
    bool active() const { return state == SessionState::active; }
};

}  // namespace kakuin::service
