// Who signs for a CA. The file-key signer holds an EVP_PKEY decrypted from an encrypted
// PKCS#8 file; a PKCS#11 signer (later) would hold an EVP_PKEY whose operations a
// provider or engine performs in the HSM. Everything that signs certificates, CRLs and
// OCSP responses goes through start_signing(), so either slots in unchanged.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/policy.h"
#include "core/result.h"
#include "pki/ossl.h"

namespace kakuin::pki {

class Signer {
public:
    virtual ~Signer() = default;
    // The public half; owned by the Signer and never modified, so safe to read from any thread.
    virtual const EVP_PKEY* public_key() const = 0;
    virtual KeyType key_type() const = 0;
    // A new context ready for EVP_DigestSign* with the digest that suits the key
    // (SHA-256; SHA-384 for P-384). Thread-safe: every call gets its own context.
    virtual Result<EvpMdCtxPtr> start_signing() const = 0;
};

// Signs with a key held in memory. REQUIRES: `key` holds a private key of `type`.
std::unique_ptr<Signer> make_key_signer(EvpPkeyPtr key, KeyType type);

// Loads an encrypted PKCS#8 PEM key file ("ENCRYPTED PRIVATE KEY"; unencrypted keys are
// refused). Errors: config_invalid (missing, unreadable, not encrypted, wrong passphrase,
// key type not allowed for a CA).
Result<std::unique_ptr<Signer>> load_file_signer(const std::string& path, std::string_view passphrase);

// The encrypted PKCS#8 PEM (AES-256-CBC, PBKDF2) of a private key. REQUIRES: non-empty passphrase.
Result<std::string> encrypt_private_key_pem(const EVP_PKEY* key, std::string_view passphrase);
// Decrypts what encrypt_private_key_pem wrote. Errors: config_invalid.
Result<EvpPkeyPtr> decrypt_private_key_pem(std::string_view pem, std::string_view passphrase);

Status sign_certificate(const Signer& signer, X509* cert);
Status sign_crl(const Signer& signer, X509_CRL* crl);
// The response's responderID is the key hash (RFC 5019 2.2.3); `signer_cert` is included.
// REQUIRES: producedAt already set (OpenSSL would otherwise read the system clock).
Status sign_ocsp(const Signer& signer, OCSP_BASICRESP* resp, X509* signer_cert);

}  // namespace kakuin::pki
