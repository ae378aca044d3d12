#include "pki/signer.h"

#include <openssl/pem.h>

#include <cstring>

#include "pki/files.h"
#include "pki/key_policy.h"

namespace kakuin::pki {

namespace {

const EVP_MD* digest_for(KeyType type) {
    return type == KeyType::p384 ? EVP_sha384() : EVP_sha256();
}

class KeySigner final : public Signer {
public:
    KeySigner(EvpPkeyPtr key, KeyType type) : key_(std::move(key)), type_(type) {}
    const EVP_PKEY* public_key() const override { return key_.get(); }
    KeyType key_type() const override { return type_; }

    Result<EvpMdCtxPtr> start_signing() const override {
        EvpMdCtxPtr ctx(EVP_MD_CTX_new());
        if (!ctx) return ossl_error("EVP_MD_CTX_new");
        // EVP_DigestSignInit only takes a reference on the key: concurrent contexts on one
        // EVP_PKEY are supported by OpenSSL 3 as long as nobody modifies the key.
        if (EVP_DigestSignInit(ctx.get(), nullptr, digest_for(type_), nullptr, key_.get()) != 1)
            return ossl_error("EVP_DigestSignInit");
        return ctx;
    }

private:
    EvpPkeyPtr key_;
    KeyType type_;
};

int passphrase_cb(char* buf, int size, int /*rwflag*/, void* u) {
    const auto* pass = static_cast<const std::string_view*>(u);
    if (pass->empty() || pass->size() > static_cast<std::size_t>(size)) return -1;
    std::memcpy(buf, pass->data(), pass->size());
    return static_cast<int>(pass->size());
}

}  // namespace

std::unique_ptr<Signer> make_key_signer(EvpPkeyPtr key, KeyType type) {
    return std::make_unique<KeySigner>(std::move(key), type);
}

Result<std::string> encrypt_private_key_pem(const EVP_PKEY* key, std::string_view passphrase) {
    if (passphrase.empty()) return make_error(ErrorCode::config_invalid, "empty CA key passphrase");
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio) return ossl_error("BIO_new");
    if (PEM_write_bio_PKCS8PrivateKey(bio.get(), key, EVP_aes_256_cbc(), passphrase.data(),
                                      static_cast<int>(passphrase.size()), nullptr, nullptr) != 1)
        return ossl_error("PEM_write_bio_PKCS8PrivateKey");
    return bio_to_string(bio.get());
}

Result<EvpPkeyPtr> decrypt_private_key_pem(std::string_view pem, std::string_view passphrase) {
    if (passphrase.empty()) return make_error(ErrorCode::config_invalid, "empty CA key passphrase");
    if (pem.find("-----BEGIN ENCRYPTED PRIVATE KEY-----") == std::string_view::npos)
        return make_error(ErrorCode::config_invalid, "the key is not an encrypted PKCS#8 PEM");
    BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    if (!bio) return ossl_error("BIO_new_mem_buf");
    EvpPkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, passphrase_cb, &passphrase));
    if (!key) return ossl_error("PEM_read_bio_PrivateKey (wrong passphrase?)", ErrorCode::config_invalid);
    return key;
}

Result<std::unique_ptr<Signer>> load_file_signer(const std::string& path, std::string_view passphrase) {
    KAKUIN_TRY(std::string pem, read_small_file(path, 64 * 1024));
    auto key = decrypt_private_key_pem(pem, passphrase);
    OPENSSL_cleanse(pem.data(), pem.size());
    if (!key) return make_error(ErrorCode::config_invalid, path + ": " + key.error().detail);
    auto type = classify_key(key->get());
    if (!type) return make_error(ErrorCode::config_invalid, path + ": " + type.error().detail);
    return make_key_signer(std::move(key).value(), *type);
}

Status sign_certificate(const Signer& signer, X509* cert) {
    KAKUIN_TRY(EvpMdCtxPtr ctx, signer.start_signing());
    if (X509_sign_ctx(cert, ctx.get()) <= 0) return ossl_error("X509_sign_ctx");
    return {};
}

Status sign_crl(const Signer& signer, X509_CRL* crl) {
    KAKUIN_TRY(EvpMdCtxPtr ctx, signer.start_signing());
    if (X509_CRL_sign_ctx(crl, ctx.get()) <= 0) return ossl_error("X509_CRL_sign_ctx");
    return {};
}

Status sign_ocsp(const Signer& signer, OCSP_BASICRESP* resp, X509* signer_cert) {
    KAKUIN_TRY(EvpMdCtxPtr ctx, signer.start_signing());
    if (OCSP_basic_sign_ctx(resp, signer_cert, ctx.get(), nullptr, OCSP_RESPID_KEY | OCSP_NOTIME) != 1)
        return ossl_error("OCSP_basic_sign_ctx");
    return {};
}

}  // namespace kakuin::pki
