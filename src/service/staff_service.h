// Bank staff accounts and their sessions (issue 5, R3): ID/PIN (Argon2id) then TOTP, lockout
// after the bank's threshold (R8), one session per staff member with the bank's idle timeout
// (R11). The session token is kept in the store only as its SHA-256.
//
// Thread-safe (the store serializes writers).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/result.h"
#include "core/usage_history.h"
#include "service/context.h"
#include "store/store.h"

namespace kakuin::service {

struct StaffIdentity {
    std::string staff_id;
    std::string name;
    store::StaffRole role = store::StaffRole::operator_;
};

struct StaffSessionInfo {
    StaffIdentity staff;
    store::SessionPhase phase = store::SessionPhase::otp_required;
    std::string csrf_token;
    bool active() const { return phase == store::SessionPhase::active; }
};

struct NewStaffSession {
    std::string token;  // for the client only (cookie / session file): never stored or logged
    StaffSessionInfo info;
};

// What `kakuin bank staff add` prints once. Secrets: show once, never log.
struct StaffCreated {
    StaffIdentity staff;
    std::string pin;
    std::string totp_secret_base32;
    std::string otpauth_uri;
};

// invalid_request unless 1-16 half-width alphanumerics.
Status check_staff_id(std::string_view staff_id);

class DummyPinHash;

class StaffService {
public:
    // The reference must outlive the service.
    explicit StaffService(const ServiceContext& ctx);
    ~StaffService();

    // Bootstrap on the server host (no session needed). Errors: invalid_request (ID, name),
    // conflict (the ID exists).
    Result<StaffCreated> add_staff(const std::string& staff_id, const std::string& name,
                                   store::StaffRole role, const Actor& actor);

    // Bootstrap-level recovery on the server host, like add_staff: clears the lock and the
    // failure count, ends the staff member's session and sets a new random PIN (the old one
    // may be what locked the account). The TOTP token is kept. Returns the new PIN (show once).
    // Errors: invalid_request (ID), not_found.
    Result<std::string> unlock_staff(const std::string& staff_id, const Actor& actor);

    // The PIN step: a new session in otp_required (any older session of the staff member
    // ends). Errors: pin_incorrect (also for an unknown ID), locked, invalid_request.
    Result<NewStaffSession> login(const std::string& staff_id, const std::string& pin,
                                  const std::string& source_address);

    // The OTP step. Errors: session_expired, otp_incorrect, otp_reused, locked.
    Result<StaffSessionInfo> submit_otp(const std::string& token, const std::string& otp,
                                        const std::string& source_address);

    // The session of `token`, its idle time restarted. `otp_step_ok`: a session still in
    // the OTP step is returned too (else forbidden). Errors: session_expired (unknown, idle,
    // or the staff member locked), forbidden.
    Result<StaffSessionInfo> authenticate(const std::string& token, bool otp_step_ok);

    // Ends the session. Errors: session_expired.
    Status logout(const std::string& token, const std::string& source_address);

private:
    const ServiceContext& ctx_;
    std::unique_ptr<DummyPinHash> dummy_;  // unknown IDs cost one Argon2 verification too
};

}  // namespace kakuin::service
