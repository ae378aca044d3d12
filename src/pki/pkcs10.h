// PKCS#10 (RFC 2986) parsing by hand, for speed: OpenSSL 3.0's d2i_X509_REQ decodes the key
// through its legacy/provider machinery (~300 µs a request); here the key is built with
// EVP_PKEY_fromdata (~40 µs) from a structure we have already checked.
#pragma once

#include <span>

#include "core/policy.h"
#include "core/result.h"
#include "pki/ossl.h"

namespace kakuin::pki {

struct Pkcs10 {
    std::span<const std::uint8_t> info;             // CertificationRequestInfo, signed bytes
    std::span<const std::uint8_t> spki;             // SubjectPublicKeyInfo, whole TLV
    std::span<const std::uint8_t> signature_alg;    // OID content octets
    std::span<const std::uint8_t> signature_params; // whole TLV, empty when absent
    std::span<const std::uint8_t> signature;        // signature bits
};

// Structure only. Errors: csr_invalid (not a DER CertificationRequest), csr_trailing_data.
Result<Pkcs10> parse_pkcs10(std::span<const std::uint8_t> der);

struct CheckedKey {
    KeyType type;
    EvpPkeyPtr key;
};
// The public key of a SubjectPublicKeyInfo, if policy allows it: RSA (NULL parameters,
// minimal INTEGERs, 2048/3072/4096 bits, odd e > 1) or EC on P-256/P-384 by named curve.
// Errors: key_too_weak, key_not_allowed, csr_invalid (malformed key).
Result<CheckedKey> public_key_from_spki(std::span<const std::uint8_t> spki);

// Verifies `signature` over `info` with `key`. Accepted algorithms: ECDSA and RSA PKCS#1 v1.5
// with SHA-256/384/512, matching the key's type. Errors: csr_signature_invalid.
Status verify_pkcs10_signature(const Pkcs10& req, const CheckedKey& key);

}  // namespace kakuin::pki
