// The certificate slot of one person (R17-R23): the current issuance and its state machine.
// Pure: no I/O; every time-dependent rule takes `now` explicitly.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/identity.h"
#include "core/policy.h"
#include "core/result.h"

namespace kakuin {

// RFC 5280 CRLReason values that kakuin uses. Mirrors pki::RevocationReason value for value
// (core may not include pki); the service converts with a static_cast.
enum class CrlReason : int {
    unspecified = 0,
    key_compromise = 1,
    affiliation_changed = 3,
    superseded = 4,
    cessation_of_operation = 5,
    privilege_withdrawn = 9,
};
std::string_view crl_reason_name(CrlReason r);  // "superseded", "cessationOfOperation", ...
// False for a value kakuin does not use.
bool crl_reason_from_int(int value, CrlReason& out);

// Status of one issued certificate at a time t.
enum class CertificateStatus { valid, expired, revoked, superseded };
std::string_view certificate_status_name(CertificateStatus s);

// One issued certificate, as the store keeps it.
struct CertificateRecord {
    std::string serial_hex;  // canonical uppercase hex
    PersonKey person;
    int issue_number = 0;
    TimePoint not_before{};
    TimePoint not_after{};
    std::vector<std::uint8_t> der;
    std::string sha256_fingerprint_hex;  // lowercase hex of SHA-256(der)
    std::optional<TimePoint> revoked_at;
    CrlReason revocation_reason = CrlReason::unspecified;  // meaningful when revoked_at is set
    std::optional<TimePoint> first_used_at;

    // Revoked (reason superseded: "superseded") wins over expired; expired when t >= not_after.
    CertificateStatus status_at(TimePoint t) const;
};

// Stored phase of a slot. `expired` is recorded by the expiry sweep; before the sweep an
// issued slot past not_after already *reports* expired (see SlotStatus).
enum class SlotPhase { none, registered, issued, revoked, expired };
std::string_view slot_phase_name(SlotPhase p);
bool slot_phase_from_name(std::string_view s, SlotPhase& out);

// What screens and the API show (R19). The names are part of the API.
enum class SlotStatus { none, registered, deadline_passed, valid, expired, revoked };
std::string_view slot_status_name(SlotStatus s);

// "001", "002", ... (R18). Numbers above 999 keep all their digits.
std::string format_issue_number(int n);

// The current issuance of one person. At most one certificate is current; every transition
// that replaces it orders the revocation of the previous one, so a person never holds two
// valid certificates (R17).
struct CertificateSlot {
    int issue_number = 0;  // 0: never registered
    SlotPhase phase = SlotPhase::none;
    std::optional<TimePoint> registered_at;
    std::optional<TimePoint> acquisition_deadline;
    // The current certificate (phase issued; kept after revoked/expired for the details screen).
    std::string serial_hex;
    std::optional<TimePoint> not_after;
    std::optional<TimePoint> first_used_at;
    std::optional<TimePoint> revoked_at;
    std::optional<CrlReason> revocation_reason;

    SlotStatus status_at(TimePoint t) const;
    friend bool operator==(const CertificateSlot&, const CertificateSlot&) = default;
};

// A certificate that a transition takes out of service.
struct RevocationOrder {
    std::string serial_hex;
    CrlReason reason = CrlReason::unspecified;
    friend bool operator==(const RevocationOrder&, const RevocationOrder&) = default;
};

struct Transition {
    CertificateSlot slot;                 // the new state to save
    std::optional<RevocationOrder> revoke;  // the certificate to mark revoked, if any
};

// The certificate a transition puts in the slot (issue, renew).
struct NewCertificate {
    std::string serial_hex;
    TimePoint not_after{};
};

// Reason used when the administrator (or the bank) reissues without naming one.
// cessationOfOperation: the holder's certificate is taken out of service by the contract's
// administrator, not replaced by its holder; `superseded` is kept for renewal (R22), so that
// screens show a reissued certificate as 失効 (revoked) and a renewed one as superseded.
inline constexpr CrlReason kDefaultReissueReason = CrlReason::cessation_of_operation;

// New registration: issue number + 1, registered_at = now, deadline = now + policy days.
// Allowed from none, revoked, expired and deadline_passed; otherwise certificate_state_invalid
// (a registration in time or a valid certificate is replaced by reissue()).
Result<Transition> register_issuance(const CertificateSlot& slot, const CertificatePolicy& policy,
                                     TimePoint now);

// Revoke what is current (cancel a registration, or revoke the certificate with `reason`),
// then register. From none it is a plain registration.
Result<Transition> reissue(const CertificateSlot& slot, const CertificatePolicy& policy,
                           TimePoint now, CrlReason reason = kDefaultReissueReason);

// Whether an acquisition (R20) may issue now; issue() applies the same rules.
// Errors: acquisition_not_registered, acquisition_deadline_passed, acquisition_already_used.
Status check_issue(const CertificateSlot& slot, TimePoint now);
// Acquisition: registered and now <= deadline -> issued with `cert`. R20 retry: issued, never
// used and now <= deadline -> the half-issued certificate is revoked (superseded).
Result<Transition> issue(const CertificateSlot& slot, TimePoint now, const NewCertificate& cert);

// First successful login with the current certificate; later calls keep the first time.
// Errors: certificate_not_current when `serial_hex` is not the slot's issued certificate.
Result<Transition> mark_used(const CertificateSlot& slot, const std::string& serial_hex,
                             TimePoint now);

// registered (also past its deadline) -> revoked (cancellation, no serial);
// issued and not expired -> revoked with `reason`; otherwise certificate_state_invalid.
Result<Transition> revoke(const CertificateSlot& slot, TimePoint now, CrlReason reason);

// Whether a renewal (R22) is possible now: issued and
// not_after - renewal_window_days <= now < not_after. Errors: certificate_expired,
// not_in_renewal_window, certificate_state_invalid (nothing issued / revoked).
Status check_renew(const CertificateSlot& slot, const CertificatePolicy& policy, TimePoint now);
// Renewal: the new certificate becomes current, the old one is revoked as superseded; the
// issue number does not change.
Result<Transition> renew(const CertificateSlot& slot, const CertificatePolicy& policy,
                         TimePoint now, const NewCertificate& cert);

// Records the expiry of an issued certificate: issued and now >= not_after -> expired.
// Otherwise certificate_state_invalid.
Result<Transition> expire(const CertificateSlot& slot, TimePoint now);

}  // namespace kakuin
