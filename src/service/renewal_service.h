// Certificate renewal by its holder (R22, seed 003): the holder, logged on with the certificate
// that is due, sends a CSR for a new key; the new certificate becomes current, the old one is
// revoked as superseded and every session of the person ends (R11: "after a certificate
// renewal the session ends"), all in one store transaction with its usage-history records.
//
// Also the renewal facts that the session answer shows (window, days left).
//
// Thread-safe like CertificateService: the store serializes writers.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "core/certificate_slot.h"
#include "core/clock.h"
#include "core/policy.h"
#include "core/result.h"
#include "service/certificate_service.h"
#include "service/context.h"
#include "service/session_info.h"

namespace kakuin::service {

// Where a certificate stands in its renewal window (R22) at a time `now`.
struct RenewalWindow {
    TimePoint not_after{};
    TimePoint opens_at{};  // not_after - renewal_window_days
    bool open = false;     // opens_at <= now < not_after
    // Whole days until not_after, rounded down (0 on the last day; negative once expired).
    std::int64_t days_left = 0;
};
RenewalWindow renewal_window(TimePoint not_after, const CertificatePolicy& policy, TimePoint now);

struct RenewalResult {
    IssuedBundle issued;
    std::string replaced_serial;  // the superseded certificate
    int sessions_ended = 0;
};

class RenewalService {
public:
    // The context and `certificates` must outlive the service.
    RenewalService(const ServiceContext& ctx, CertificateService& certificates);

    // `session` is the caller's active session (already authenticated with `presented`),
    // `presented` the client certificate of this request. The session must have been made by
    // certificate login with the presented certificate, and that certificate must still be the
    // person's current one. The CSR is checked before the store is touched.
    // Errors: certificate_required (no certificate, or an ID/PIN session), session_expired (the
    // session is gone, or belongs to another certificate), certificate_not_current,
    // the CSR's (csr_*, key_*), contract_suspended, not_in_renewal_window,
    // certificate_expired (role-specific message, R23), storage_failure.
    Result<RenewalResult> renew(const SessionInfo& session,
                                const std::optional<ClientCertificate>& presented,
                                std::span<const std::uint8_t> csr,
                                const std::string& source_address);

private:
    const ServiceContext& ctx_;
    CertificateService& certificates_;
};

// R23: the certificate_expired error that tells a user to ask the administrator for a
// reissue and an administrator to ask the bank (Japanese detail_ja and English detail).
Error expired_certificate_error(Role role);

}  // namespace kakuin::service
