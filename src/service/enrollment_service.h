// Certificate acquisition (R20, R24) without a session: the acquisition app (kakuin-cert
// acquire) starts an enrollment with contract ID, user ID (none: the administrator) and login
// PIN, passes the OTP step when the bank's policy asks for it, and sends its CSR.
//
// - The enrollment ID is a bearer secret: 32 random bytes, base64url; the store keeps its
//   SHA-256 only. It expires 10 minutes after start and is single use: after one accepted CSR
//   (or any refusal of the CSR by the slot's rules) the enrollment is finished.
// - The PIN is checked with the same lockout rules as login (failures counted and recorded,
//   committed). ID/PIN login's certificate_login_only does not apply: acquisition is how the
//   certificate is obtained.
// - The slot must allow an acquisition (core check_issue: acquisition_not_registered,
//   acquisition_deadline_passed, acquisition_already_used) at start and again at CSR time.
//   The R20 retry works: a certificate issued but never used can be acquired again before
//   the deadline (the old one is revoked).
// - OTP per BankPolicy::admin_otp_every_login / user_otp_every_login, as in SessionService
//   (no token registered: forbidden at start).
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/policy.h"
#include "core/result.h"
#include "service/certificate_service.h"
#include "service/context.h"

namespace kakuin::service {

class DummyPinHash;

inline constexpr Seconds kEnrollmentLifetime{600};

struct EnrollmentStart {
    std::string contract_id;
    std::string user_id;  // empty: the contract's administrator
    std::string pin;
    std::string source_address;
};

enum class EnrollmentStep {
    otp_required,
    csr_required,
};
std::string_view enrollment_step_name(EnrollmentStep s);  // "otp_required" / "csr_required"

struct EnrollmentInfo {
    EnrollmentStep state = EnrollmentStep::otp_required;
    std::vector<KeyType> key_types;  // the bank's allowed key types
    KeyType default_key_type = KeyType::rsa2048;
    TimePoint expires_at{};
};

struct NewEnrollment {
    std::string enrollment_id;  // secret: for the client only
    EnrollmentInfo info;
};

class EnrollmentService {
public:
    // The context and `certificates` must outlive the service.
    EnrollmentService(const ServiceContext& ctx, CertificateService& certificates);
    ~EnrollmentService();

    // Errors: invalid_request, pin_incorrect (also unknown contract/person), contract_suspended,
    // locked, forbidden (suspended/accident person, no OTP token while required),
    // acquisition_not_registered, acquisition_deadline_passed, acquisition_already_used,
    // storage_failure.
    Result<NewEnrollment> start(const EnrollmentStart& request);

    // Errors: not_found (unknown, expired or finished enrollment ID), invalid_request (the OTP
    // step is already done), otp_incorrect, otp_reused, locked, storage_failure.
    Result<EnrollmentInfo> submit_otp(std::string_view enrollment_id, std::string_view otp,
                                      const std::string& source_address);

    // Issues the certificate. Errors: not_found (unknown, expired or finished enrollment ID),
    // forbidden (OTP step not done), the CSR's (csr_*, key_*: the enrollment stays usable),
    // the slot's acquisition_* (the enrollment is finished), contract_suspended, locked,
    // storage_failure.
    Result<IssuedBundle> submit_csr(std::string_view enrollment_id,
                                    std::span<const std::uint8_t> csr,
                                    const std::string& source_address);

    // The CSR checked and the certificate signed for the enrollment's person, before the write
    // transaction.
    using Signed = PresignedCertificate;
    using SignStep = std::function<Result<Signed>(const PersonKey& person, TimePoint now)>;
    // submit_csr with its crypto step given (submit_csr's: CertificateService::
    // check_and_presign): the same read snapshot and write transaction. Benchmarks pass
    // certificates signed beforehand to measure the store's part alone.
    Result<IssuedBundle> submit_signed(std::string_view enrollment_id, const SignStep& sign,
                                       const std::string& source_address);

private:
    const ServiceContext& ctx_;
    CertificateService& certificates_;
    std::unique_ptr<DummyPinHash> dummy_;  // unknown IDs cost one Argon2 verification too
};

}  // namespace kakuin::service
