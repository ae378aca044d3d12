// Building blocks for X.509 v3 certificates: names, the TBS skeleton, extensions.
#pragma once

#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "pki/ossl.h"

namespace kakuin::pki {

// CN / O / OU (each optional when empty) as UTF8String (PrintableString when it fits).
Result<X509NamePtr> make_name(const std::string& cn, const std::string& o, const std::string& ou);

// A v3 certificate without extensions or signature. `public_key` may be null when the
// caller sets the SubjectPublicKeyInfo with set_public_key_info.
Result<X509Ptr> new_certificate(const ASN1_INTEGER* serial, const X509_NAME* subject, const X509_NAME* issuer,
                                TimePoint not_before, TimePoint not_after, EVP_PKEY* public_key);

// Sets the certificate's SubjectPublicKeyInfo from its DER without decoding the key: OpenSSL
// 3.0's decoder and encoder would cost ~1 ms per certificate. REQUIRES: `spki_der` came from
// check_csr (RSA with NULL parameters or EC with a named curve). Errors: invalid_request.
Status set_public_key_info(X509* cert, std::span<const std::uint8_t> spki_der);

// An extension from OpenSSL's configuration syntax (e.g. "critical,CA:TRUE,pathlen:0").
// `issuer`/`subject` give the context for "hash" and "keyid" values.
Result<X509ExtensionPtr> conf_extension(X509* issuer, X509* subject, int nid, const char* value);
Status add_conf_extension(X509* issuer, X509* subject, int nid, const char* value);

// subjectKeyIdentifier: SHA-1 of the subjectPublicKey bits (RFC 5280 4.2.1.2 method 1).
Status add_subject_key_id(X509* cert);
// SHA-1 of the certificate's subjectPublicKey bits: what add_subject_key_id writes.
Result<Asn1OctetStringPtr> key_identifier(const X509* cert);
// authorityKeyIdentifier with only keyIdentifier (RFC 5280 4.2.1.1).
Result<X509ExtensionPtr> authority_key_id_extension(const ASN1_OCTET_STRING* issuer_key_id);
// cRLDistributionPoints with one fullName URI.
Result<X509ExtensionPtr> crl_distribution_extension(const std::string& url);
// authorityInfoAccess with an OCSP URI and, when non-empty, a caIssuers URI.
Result<X509ExtensionPtr> authority_info_access_extension(const std::string& ocsp_url,
                                                         const std::string& ca_issuers_url);
// subjectAltName: each host is an IP address if it parses as one, a DNS name otherwise.
Result<X509ExtensionPtr> subject_alt_name_extension(const std::vector<std::string>& hosts);

Result<std::string> certificate_pem(const X509* cert);

// `t` plus `n` calendar years, same time of day (29 February becomes 28 February).
TimePoint add_years(TimePoint t, int n);

}  // namespace kakuin::pki
