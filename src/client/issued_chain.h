// The PEM chain the server returns for a CSR: parsed, checked against the key we made and
// verified against the bank's CA file before anything is installed.
#pragma once

#include <string>
#include <string_view>

#include "client/ossl_handles.h"
#include "core/clock.h"
#include "core/result.h"

namespace kakuin::client {

inline constexpr std::size_t kMaxChainBytes = 1024 * 1024;
inline constexpr std::size_t kMaxChainCertificates = 8;

struct IssuedChain {
    X509Ptr leaf;
    X509StackPtr cas;  // the certificates after the leaf, in the order received
};

// Parses "leaf PEM, then CA PEMs". invalid_request when empty, too large, not PEM
// certificates only, or more than kMaxChainCertificates.
Result<IssuedChain> parse_pem_chain(std::string_view pem);

// Succeeds only when the leaf carries `our_key`'s public key and the chain verifies at `now`
// for TLS client use up to a trust anchor of `ca_file` (PEM; any certificate in it is one). crypto_failure otherwise,
// with a Japanese detail_ja that says which check failed.
Status check_issued_chain(const IssuedChain& chain, const EVP_PKEY* our_key,
                          const std::string& ca_file, TimePoint now);

struct CertificateSummary {
    std::string common_name;  // UTF-8; "" when the subject has no CN
    std::string serial_hex;   // uppercase, as BN_bn2hex prints it
    TimePoint not_before;
    TimePoint not_after;
};

Result<CertificateSummary> summarize_certificate(const X509* cert);

}  // namespace kakuin::client
