// RAII for OpenSSL handles and the one way pki reports an OpenSSL failure.
// Private to src/pki: nothing above pki includes this header.
#pragma once

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "pki/ca.h"

namespace kakuin::pki {

template <auto FreeFn>
struct Deleter {
    template <typename T>
    void operator()(T* p) const { FreeFn(p); }
};

using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using BignumPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using Asn1IntegerPtr = std::unique_ptr<ASN1_INTEGER, Deleter<ASN1_INTEGER_free>>;
using Asn1TimePtr = std::unique_ptr<ASN1_TIME, Deleter<ASN1_TIME_free>>;
using Asn1OctetStringPtr = std::unique_ptr<ASN1_OCTET_STRING, Deleter<ASN1_OCTET_STRING_free>>;
using Asn1EnumeratedPtr = std::unique_ptr<ASN1_ENUMERATED, Deleter<ASN1_ENUMERATED_free>>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using EvpPkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX_free>>;
using EvpMdCtxPtr = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using X509ReqPtr = std::unique_ptr<X509_REQ, Deleter<X509_REQ_free>>;
using X509NamePtr = std::unique_ptr<X509_NAME, Deleter<X509_NAME_free>>;
using X509ExtensionPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;
using X509CrlPtr = std::unique_ptr<X509_CRL, Deleter<X509_CRL_free>>;
using X509RevokedPtr = std::unique_ptr<X509_REVOKED, Deleter<X509_REVOKED_free>>;
using X509PubkeyPtr = std::unique_ptr<X509_PUBKEY, Deleter<X509_PUBKEY_free>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, Deleter<GENERAL_NAMES_free>>;
using OcspRequestPtr = std::unique_ptr<OCSP_REQUEST, Deleter<OCSP_REQUEST_free>>;
using OcspResponsePtr = std::unique_ptr<OCSP_RESPONSE, Deleter<OCSP_RESPONSE_free>>;
using OcspBasicRespPtr = std::unique_ptr<OCSP_BASICRESP, Deleter<OCSP_BASICRESP_free>>;

// Frees memory that OpenSSL allocated with OPENSSL_malloc (BN_bn2hex, i2d with a NULL out...).
struct OpensslFree {
    void operator()(void* p) const { OPENSSL_free(p); }
};
using OsslString = std::unique_ptr<char, OpensslFree>;
using OsslBytes = std::unique_ptr<unsigned char, OpensslFree>;

// An Error that names the failing OpenSSL call and carries the drained ERR_get_error()
// queue of this thread (so the next call starts with an empty queue).
Error ossl_error(std::string_view call, ErrorCode code = ErrorCode::crypto_failure);
// Empties this thread's OpenSSL error queue after an expected failure.
void ossl_clear_errors();

// ASN.1 time for `t`: UTCTime before 2050, GeneralizedTime from 2050 (RFC 5280 4.1.2.5).
Result<Asn1TimePtr> to_asn1_time(TimePoint t);
// crypto_failure when `t` is not a valid ASN.1 time.
Result<TimePoint> from_asn1_time(const ASN1_TIME* t);

// Canonical uppercase hex of a serial (BN_bn2hex form), "" on failure.
std::string serial_to_hex(const ASN1_INTEGER* serial);
// Parses a positive serial of at most 20 octets given as hex; invalid_request otherwise.
Result<Asn1IntegerPtr> serial_from_hex(std::string_view hex);

// DER of an object through its i2d function; crypto_failure when encoding fails.
template <typename T, typename I2d>
Result<Bytes> to_der(const T* obj, I2d i2d, std::string_view what) {
    int len = i2d(obj, nullptr);
    if (len <= 0) return ossl_error(what);
    Bytes out(static_cast<std::size_t>(len));
    unsigned char* p = out.data();
    if (i2d(obj, &p) != len) return ossl_error(what);
    return out;
}

// The whole content of a memory BIO as a string.
std::string bio_to_string(BIO* bio);
// Lowercase hex of bytes.
std::string hex_lower(std::span<const unsigned char> bytes);

}  // namespace kakuin::pki
