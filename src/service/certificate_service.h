// The certificate lifecycle use cases (R17-R23): register an issuance, acquire (issue from a
// CSR), revoke, reissue, renew, expire, and the CA's CRL and OCSP answers from the store.
// Each use case is one store transaction that also appends its usage-history record; when
// anything fails, nothing is written.
//
// Thread-safe when the Random is (pki::OsRandom is): the store serializes writers, so parallel
// use cases on one person apply one after the other and never leave two valid certificates.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <span>
#include <string>

#include "core/certificate_slot.h"
#include "core/clock.h"
#include "core/policy.h"
#include "core/random.h"
#include "core/result.h"
#include "core/usage_history.h"
#include "core/worker_pool.h"
#include "pki/ca.h"
#include "store/store.h"

namespace kakuin::service {

// What an acquisition or a renewal hands back to the acquisition app.
struct IssuedBundle {
    pki::IssuedCertificate certificate;
    std::string chain_pem;  // issuing CA + root
    int issue_number = 0;
};

// A CSR checked (its proof of possession) and the certificate signed for it, before the write
// transaction that stores it or drops it.
struct PresignedCertificate {
    pki::CheckedCsr checked;
    pki::IssuedCertificate presigned;
};

class CertificateService {
public:
    // The references must outlive the service.
    CertificateService(store::Store& store, const pki::IssuingCa& ca, const Clock& clock,
                       Random& random, const BankPolicy& policy);

    // The person's slot (details screen, R19). not_found for an unknown person.
    Result<CertificateSlot> slot(const PersonKey& person);

    // One certificate, for the login path (R5: revocation is checked in the store at every
    // login) and the details screen. not_found when the store does not know it.
    Result<CertificateRecord> certificate_by_serial(const std::string& serial_hex);
    Result<CertificateRecord> certificate_by_fingerprint(const std::string& sha256_hex);

    // Registers a new issuance (issue number + 1). Errors: not_found, certificate_state_invalid
    // (a registration in time or a valid certificate exists: use reissue).
    Result<CertificateSlot> register_issuance(const Actor& actor, const PersonKey& person);

    // Acquisition (R20): checks the CSR (nothing is written when it is refused), builds the
    // subject from the store (R17) and issues. Errors: the CSR's (csr_*, key_*), not_found,
    // contract_suspended, acquisition_not_registered, acquisition_deadline_passed,
    // acquisition_already_used.
    Result<IssuedBundle> issue_from_csr(const Actor& actor, const PersonKey& person,
                                        std::span<const std::uint8_t> csr);

    // Revokes the current certificate (or cancels a registration). Errors: not_found,
    // certificate_state_invalid.
    Result<CertificateSlot> revoke(const Actor& actor, const PersonKey& person, CrlReason reason);

    // 失効し再発行 (R18): revokes what is current and registers issue number + 1, atomically.
    Result<CertificateSlot> reissue(const Actor& actor, const PersonKey& person,
                                    CrlReason reason = kDefaultReissueReason);

    // Renewal (R22) with a new key: the old certificate is revoked as superseded. Errors: the
    // CSR's, not_found, contract_suspended, not_in_renewal_window, certificate_expired,
    // certificate_state_invalid.
    Result<IssuedBundle> renew(const Actor& actor, const PersonKey& person,
                               std::span<const std::uint8_t> csr);

    // A successful login with `serial_hex`: records the first use (ends the R20 retry).
    // Errors: not_found, certificate_not_current.
    Result<CertificateSlot> record_use(const Actor& actor, const PersonKey& person,
                                       const std::string& serial_hex);

    // Signs the certificate an issuance at `now` would give `person` for `csr` (fresh random
    // serial and CN suffix), outside any transaction: signing is CPU work that must not hold the
    // store's single writer. Nothing is stored or checked against the store here: the *_in
    // variants below decide in their transaction whether it is issued (otherwise it is
    // dropped, never handed out). Thread-safe.
    Result<pki::IssuedCertificate> presign(const PersonKey& person, const pki::CheckedCsr& csr,
                                           TimePoint now) const;

    // pki::check_csr (against the policy's key types), then presign, on the signing threads
    // (signing_pool()). Errors: the CSR's (csr_*, key_*). Thread-safe.
    Result<PresignedCertificate> check_and_presign(const PersonKey& person,
                                                   std::span<const std::uint8_t> csr,
                                                   TimePoint now) const;

    // Transaction-level variants, for use cases (login, acquisition by enrollment) that make
    // these steps part of their own transaction. Same rules and history records as above;
    // nothing is committed here. `csr` has passed pki::check_csr. `presigned`, when given, is
    // presign(person, csr, now): it is stored instead of signing under the transaction, after
    // the contract and slot were checked in it; if its serial turns out to be taken, a new
    // certificate is signed here.
    Result<CertificateSlot> record_use_in(store::Transaction& tx, const Actor& actor,
                                          const PersonKey& person, const std::string& serial_hex,
                                          TimePoint now);
    Result<IssuedBundle> issue_from_csr_in(store::Transaction& tx, const Actor& actor,
                                           const PersonKey& person, const pki::CheckedCsr& csr,
                                           TimePoint now,
                                           const pki::IssuedCertificate* presigned = nullptr);
    Result<IssuedBundle> renew_in(store::Transaction& tx, const Actor& actor,
                                  const PersonKey& person, const pki::CheckedCsr& csr,
                                  TimePoint now, const pki::IssuedCertificate* presigned = nullptr);

    // Records the expiry of up to `limit` issued certificates past not_after. Returns how many.
    Result<int> expire_due(int limit = 1000);

    // A full CRL of every revoked certificate with the next CRL number (persisted). Callers
    // regenerate it after revocations and on schedule; thisUpdate is now.
    Result<pki::Bytes> crl(std::chrono::seconds next_update = std::chrono::hours(24));

    // An OCSP response (DER) for a DER request, statuses from the store.
    Result<pki::Bytes> ocsp(std::span<const std::uint8_t> request_der);

private:
    enum class Kind { acquire, renew };
    Result<IssuedBundle> issue_certificate(const Actor& actor, const PersonKey& person,
                                           std::span<const std::uint8_t> csr, Kind kind);
    Result<IssuedBundle> issue_in(store::Transaction& tx, const Actor& actor,
                                  const PersonKey& person, const pki::CheckedCsr& checked,
                                  Kind kind, TimePoint now, const pki::IssuedCertificate* presigned);
    Result<pki::IssuedCertificate> sign(const PersonKey& person, const pki::CheckedCsr& csr,
                                        const std::string& serial_hex, TimePoint now) const;

    store::Store& store_;
    const pki::IssuingCa& ca_;
    const Clock& clock_;
    Random& random_;
    const BankPolicy& policy_;
    std::mutex crl_mu_;  // serializes crl()
};

// The process's signing threads (core::WorkerPool "kakuin-sign"): one per core, at nice 19, so
// that a CSR check and signature (about 70 µs of CPU) yields the core to the store's writer and
// to I/O threads that wake up, instead of stretching the time every other issuance waits for
// the single writer. Never destroyed: its threads end with the process.
core::WorkerPool& signing_pool();

}  // namespace kakuin::service
