// The certificate that `kakuin-cert renew` renews: its private key and certificate, taken from
// a PKCS#12 file or exported from the NSS database that `acquire` installed into.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "client/issued_chain.h"
#include "client/ossl_handles.h"
#include "client/secret.h"
#include "core/result.h"

namespace kakuin::client {

struct CurrentCredential {
    EvpPkeyPtr key;
    X509Ptr certificate;
    CertificateSummary summary;
    std::string role;  // the certificate's OU: "admin" or "user" ("" when it has none)
};

inline constexpr std::size_t kMaxPkcs12Bytes = 1024 * 1024;

// Parses a PKCS#12 (any PBE OpenSSL's default provider knows, MAC checked). invalid_request
// with a Japanese detail_ja for a wrong password, a malformed file, or a file without exactly
// what a client certificate needs (a key and its certificate).
Result<CurrentCredential> parse_pkcs12(std::span<const std::uint8_t> der, const SecretString& password);
// The same from a file (at most kMaxPkcs12Bytes).
Result<CurrentCredential> load_pkcs12(const std::string& path, const SecretString& password);

// The leaf as PEM, for presenting it in TLS.
Result<std::string> certificate_pem(const X509* cert);

// The OU of the certificate's subject ("" when none).
std::string organizational_unit(const X509* cert);

}  // namespace kakuin::client
