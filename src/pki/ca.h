// The bank's CA as the rest of kakuin sees it. No OpenSSL type appears in this header:
// callers above pki (service, http, cli) include only this and never link against
// OpenSSL's headers. Implementation: src/pki/*.cpp (helper files own their parts).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/policy.h"
#include "core/random.h"
#include "core/result.h"

namespace kakuin::pki {

using Bytes = std::vector<std::uint8_t>;

// Largest CSR accepted, PEM or DER. A 4096-bit RSA CSR in PEM is about 1.7 KiB.
inline constexpr std::size_t kMaxCsrBytes = 16 * 1024;
// Largest OCSP request accepted.
inline constexpr std::size_t kMaxOcspRequestBytes = 8 * 1024;

// RFC 5280 CRLReason values that kakuin uses.
enum class RevocationReason : int {
    unspecified = 0,
    key_compromise = 1,
    affiliation_changed = 3,
    superseded = 4,
    cessation_of_operation = 5,
    privilege_withdrawn = 9,
};
std::string_view revocation_reason_name(RevocationReason r);  // "keyCompromise", ...

// A checked CSR: self-signature verified, key allowed by policy. Subject and extensions
// of the request are deliberately not kept: the CA builds them from the store (R17).
struct CheckedCsr {
    KeyType key_type;
    Bytes public_key_der;  // SubjectPublicKeyInfo, DER
};

// Parses a PKCS#10 request in PEM (exactly one block, nothing but whitespace around it) or
// DER (nothing after it); input larger than kMaxCsrBytes is refused before parsing.
// Errors: csr_too_large, csr_invalid, csr_trailing_data, csr_signature_invalid,
// key_too_weak (RSA < 2048), key_not_allowed (other curves, DSA, Ed25519, or not in `allowed`).
Result<CheckedCsr> check_csr(std::span<const std::uint8_t> input,
                             const std::vector<KeyType>& allowed);

// A random positive 128-bit serial as canonical uppercase hex (BN_bn2hex form).
std::string random_serial_hex(Random& random);

struct SubjectSpec {
    std::string common_name;          // "00009876543 riyousya 1635"
    std::string organization;         // the bank's O
    std::string organizational_unit;  // "admin" or "user"
};

struct IssueRequest {
    const CheckedCsr* csr = nullptr;
    SubjectSpec subject;
    std::string serial_hex;
    TimePoint not_before;
    TimePoint not_after;
};

struct IssuedCertificate {
    std::string serial_hex;
    Bytes der;
    std::string pem;
    TimePoint not_before;
    TimePoint not_after;
    std::string sha256_fingerprint_hex;  // of the DER, lowercase
};

struct RevokedEntry {
    std::string serial_hex;
    TimePoint revoked_at;
    RevocationReason reason;
};

// What the store knows of one serial, for OCSP.
struct SerialStatus {
    enum class Kind { good, revoked, unknown } kind = Kind::unknown;
    TimePoint revoked_at{};
    RevocationReason reason = RevocationReason::unspecified;
};
using SerialStatusLookup = std::function<Result<SerialStatus>(const std::string& serial_hex)>;

// Where the issuing CA's files are and how its certificates point at CRL and OCSP.
struct CaSettings {
    std::string dir;                   // DIR/ca
    std::string passphrase;            // decrypts the private keys; never logged
    std::string crl_url;               // CRL distribution point put in issued certificates
    std::string ocsp_url;              // OCSP responder URL (AIA) put in issued certificates
    int crl_next_update_hours = 24;
    int ocsp_validity_minutes = 60;    // nextUpdate of OCSP responses
};

// Creates DIR/ca with a root CA, the issuing CA for person certificates, the OCSP signing
// certificate and a TLS server certificate for `tls_hosts` (DNS names or IP addresses),
// each private key in encrypted PKCS#8 PEM. Fails if DIR/ca already holds a CA.
// Files (pki/ca_files.h): root, issuing, ocsp, tls-server .crt.pem (0644) / .key.pem
// (0600, AES-256-CBC PKCS#8 under settings.passphrase) and chain.pem (issuing + root).
// The TLS certificate is signed by the root, so the issuing CA signs only person
// certificates and its OCSP responder. Everything is written to a temporary directory
// first and renamed into place: a failure leaves nothing behind.
// Signatures: SHA-256 (ECDSA P-256 or RSA), SHA-384 with a P-384 key.
// Errors: config_invalid (CA exists, empty passphrase/organization), storage_failure.
struct CaHierarchySpec {
    std::string organization;   // O of the CA certificates, e.g. the bank's name
    std::vector<std::string> tls_hosts = {"localhost", "127.0.0.1", "::1"};
    KeyType ca_key_type = KeyType::p256;
};
Status create_ca_hierarchy(const CaSettings& settings, const CaHierarchySpec& spec,
                           const Clock& clock, Random& random);

// Signing behind an interface so that a PKCS#11 HSM can replace the key file later.
class Signer;

// The issuing CA, loaded once at start-up; thread-safe for concurrent issue/crl/ocsp calls.
class IssuingCa {
public:
    // Reads the certificates and decrypts the issuing CA and OCSP keys once; checks that
    // keys match certificates and the chain is signed. Errors: config_invalid.
    static Result<std::unique_ptr<IssuingCa>> load(const CaSettings& settings);
    ~IssuingCa();

    // REQUIRES: request.csr != nullptr. Errors: invalid_request (serial not positive hex of
    // at most 20 octets, empty or too long CN, not_after <= not_before).
    // The subject and extensions come from `request` only:
    // basicConstraints CA:FALSE (critical), keyUsage digitalSignature (+ keyEncipherment for
    // RSA), extendedKeyUsage clientAuth, SKI/AKI, CRL distribution point, OCSP AIA.
    Result<IssuedCertificate> issue(const IssueRequest& request) const;

    // A full v2 CRL (DER) signed by the issuing CA: CRL number, AKI, entries sorted by serial,
    // each with its revocation date and reasonCode (omitted for unspecified, RFC 5280 5.3.1).
    // Linear in the number of entries: 1,000,000 take ~1.4 s on the 2-core machine, where
    // `openssl ca -gencrl` took 32 s in the same run. Errors: invalid_request
    // (bad serial or reason, next_update <= this_update, negative number).
    Result<Bytes> make_crl(std::span<const RevokedEntry> revoked, std::int64_t crl_number,
                           TimePoint this_update, TimePoint next_update) const;

    // Parses a DER OCSP request (RFC 6960) and returns a DER OCSP response signed by the
    // OCSP signer: good / revoked / unknown per `lookup`, nonce echoed. A malformed request
    // yields a signed-less "malformedRequest" response (still Ok: that is the protocol's
    // answer), never an Error; Error only for internal failures or a failing `lookup`.
    // Malformed: empty, larger than kMaxOcspRequestBytes, trailing bytes, no CertID.
    // CertIDs may use SHA-1, SHA-256, SHA-384 or SHA-512; one that does not name the issuing
    // CA is answered "unknown" without calling `lookup`. thisUpdate and producedAt are `now`,
    // nextUpdate now + ocsp_validity_minutes; the responderID is the signer's key hash.
    // `lookup` runs on the calling thread, once per CertID that names the issuing CA.
    Result<Bytes> answer_ocsp(std::span<const std::uint8_t> request_der,
                              const SerialStatusLookup& lookup, TimePoint now) const;

    // Issuing CA + root, PEM, for clients to trust and for TLS client verification.
    const std::string& chain_pem() const;
    const std::string& root_pem() const;
    const std::string& issuing_pem() const;

    // Opaque outside src/pki (defined in pki/issuing_ca_impl.h).
    struct Impl;

private:
    explicit IssuingCa(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// Cryptographically strong randomness from OpenSSL's DRBG. If RAND_bytes fails three times
// in a row the process terminates with a message: there is no safe way to go on without
// randomness (serials, tokens and OTP secrets would be predictable).
class OsRandom final : public Random {
public:
    void fill(std::span<std::uint8_t> out) override;
};

}  // namespace kakuin::pki
