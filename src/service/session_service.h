// Login (R4-R11): ID/PIN on the HTTPS listener, certificate + PIN on the certificate listener,
// the one-time-password step, the per-request session check and logout.
//
// Each use case is one store transaction. A refused PIN or OTP still commits its bookkeeping
// (failure count, lock, usage-history record) and then returns the error; any other refusal
// writes nothing. Secrets (PINs, OTPs, the session token) are never stored or logged: the
// store keeps the SHA-256 of the session token only.
//
// Rules decided here (documented for the API and the screens):
// - Unknown contract or person: pin_incorrect after a dummy Argon2 verification, so that the
//   timing does not reveal which IDs exist. Nothing is written (there is no person to count).
// - Contract suspended: contract_suspended (checked before the PIN; a failure is not counted).
// - Person suspended (利用中止) or in accident state (事故): forbidden; locked ID: locked.
// - R6: once a certificate has been issued to a person (the store holds any certificate of
//   theirs, whatever its state now), ID/PIN login is refused with certificate_login_only. This
//   covers contracts with login_method certificate too: their persons may use ID/PIN only
//   before their first issuance; the acquisition itself goes through EnrollmentService, which
//   checks the PIN without this rule.
// - OTP: BankPolicy::admin_otp_every_login / user_otp_every_login. When required, login returns
//   a session in state otp_required; a person without a registered token gets forbidden
//   ("ワンタイムパスワードが登録されていません") at login, after the PIN was accepted, and no
//   session is made. Wrong OTPs count toward the same lockout as wrong PINs; an accepted step
//   is stored and never accepted again (otp_reused, which counts as a failure too).
// - The consecutive-failure count is reset only when the last factor passes (session active):
//   a right PIN with the OTP still to come does not reset it, so repeating the PIN step does
//   not buy more OTP guesses. Attempts on a locked ID are refused before any check and not
//   recorded.
// - Certificate login checks, in order: known to the store (fingerprint and serial), revoked
//   (superseded: certificate_not_current), expired, role of the portal, the person's current
//   certificate; then the PIN. They are checked again inside the write transaction. The
//   certificate's first use (R20) is recorded when the session becomes active.
// - History kinds (R8, R16): login.succeeded, auth.failed (result: the error code; detail:
//   step and count), person.locked, logout. Never a PIN, OTP or token.
// - R11: a session becoming active ends every other session of the person. previous_login_at
//   is the person's last_login_at before this login; last_login_at is set when the session
//   becomes active.
// - A session made on the certificate listener is accepted only with the same certificate
//   presented; a session made by ID/PIN only without a certificate. Otherwise session_expired
//   (the session itself is kept: a stolen cookie cannot end the owner's session).
// - A session still in otp_required is refused by authenticate(allow_pending = false) with
//   forbidden ("ワンタイムパスワードを入力してください").
// - Idle for BankPolicy::session_idle_seconds or longer, or past the login certificate's
//   not_after: the session is deleted and session_expired returned. Sessions abandoned without
//   logoff are removed by the next login of anyone. A suspended contract: contract_suspended.
//
// Thread-safe: write transactions serialize, so parallel logins of one person keep the failure
// count and the used OTP steps right.
#pragma once

#include <optional>
#include <memory>
#include <string>
#include <string_view>

#include "core/identity.h"
#include "core/result.h"
#include "service/certificate_service.h"
#include "service/context.h"
#include "service/session_info.h"

namespace kakuin::service {

class DummyPinHash;

// ID/PIN login (:8443). role admin: user_id must be empty; role user: user_id required.
struct PinLogin {
    Role role = Role::user;
    std::string contract_id;
    std::string user_id;
    std::string pin;
    std::string source_address;
};

// Certificate login (:8444): the identity comes from the verified client certificate.
struct CertificateLogin {
    Role role = Role::user;  // the portal the person logs in to
    ClientCertificate certificate;
    std::string pin;
    std::string source_address;
};

// A new session: `token` is the cookie value (kakuin_session), for the client only.
struct NewSession {
    std::string token;
    SessionInfo info;
};

class SessionService {
public:
    // The context and `certificates` must outlive the service.
    SessionService(const ServiceContext& ctx, CertificateService& certificates);
    ~SessionService();

    // Errors: invalid_request (malformed IDs, role/user_id mismatch), pin_incorrect,
    // contract_suspended, locked, forbidden (suspended/accident person; no OTP token while the
    // OTP is required), certificate_login_only, storage_failure.
    Result<NewSession> login_with_pin(const PinLogin& login);

    // Errors: certificate_required (unknown to the store), certificate_revoked,
    // certificate_not_current (superseded, or not the person's current certificate),
    // certificate_expired (role-specific detail_ja, R23), certificate_wrong_role, then those of
    // login_with_pin (except certificate_login_only). The first successful certificate login
    // records the certificate's first use (ends the R20 retry) in the same transaction.
    Result<NewSession> login_with_certificate(const CertificateLogin& login);

    // The OTP step of a session in otp_required. On success the session becomes active.
    // Errors: session_expired, invalid_request (session already active), otp_incorrect,
    // otp_reused, locked, forbidden (no token), storage_failure.
    Result<SessionInfo> submit_otp(std::string_view token, std::string_view otp,
                                   const std::string& source_address);

    // The session of a request; touches last_seen_at. `presented` is the verified client
    // certificate of the request (certificate listener), if any. Errors: session_expired,
    // forbidden (otp step pending and !allow_pending), contract_suspended, storage_failure.
    Result<SessionInfo> authenticate(std::string_view token,
                                     const std::optional<ClientCertificate>& presented,
                                     bool allow_pending = false);

    // Ends the session (deletes it) and records the logout. Unknown tokens: session_expired.
    Status logout(std::string_view token, const std::string& source_address);

private:
    const ServiceContext& ctx_;
    CertificateService& certificates_;
    std::unique_ptr<DummyPinHash> dummy_;  // unknown IDs cost one Argon2 verification too
};

}  // namespace kakuin::service
