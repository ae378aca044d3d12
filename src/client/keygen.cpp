#include "client/keygen.h"

#include <openssl/core_names.h>
#include <openssl/x509.h>

#include <cstring>

namespace kakuin::client {
namespace {

Result<EvpPkeyPtr> generate_rsa(unsigned bits) {
    EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
    if (!ctx) return client_ossl_error("EVP_PKEY_CTX_new_from_name(RSA)");
    if (EVP_PKEY_keygen_init(ctx.get()) <= 0) return client_ossl_error("EVP_PKEY_keygen_init");
    if (EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), static_cast<int>(bits)) <= 0)
        return client_ossl_error("EVP_PKEY_CTX_set_rsa_keygen_bits");
    EVP_PKEY* raw = nullptr;
    if (EVP_PKEY_generate(ctx.get(), &raw) <= 0) return client_ossl_error("EVP_PKEY_generate(RSA)");
    return EvpPkeyPtr(raw);
}

Result<EvpPkeyPtr> generate_ec(const char* group) {
    EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
    if (!ctx) return client_ossl_error("EVP_PKEY_CTX_new_from_name(EC)");
    if (EVP_PKEY_keygen_init(ctx.get()) <= 0) return client_ossl_error("EVP_PKEY_keygen_init");
    if (EVP_PKEY_CTX_set_group_name(ctx.get(), group) <= 0)
        return client_ossl_error("EVP_PKEY_CTX_set_group_name");
    EVP_PKEY* raw = nullptr;
    if (EVP_PKEY_generate(ctx.get(), &raw) <= 0) return client_ossl_error("EVP_PKEY_generate(EC)");
    return EvpPkeyPtr(raw);
}

}  // namespace

Result<EvpPkeyPtr> generate_key(KeyType type) {
    switch (type) {
        case KeyType::rsa2048: return generate_rsa(2048);
        case KeyType::rsa3072: return generate_rsa(3072);
        case KeyType::rsa4096: return generate_rsa(4096);
        case KeyType::p256: return generate_ec("P-256");
        case KeyType::p384: return generate_ec("P-384");
    }
    return make_error(ErrorCode::invalid_request, "unknown key type");
}

Result<KeyType> key_type_of(const EVP_PKEY* key) {
    if (key == nullptr) return make_error(ErrorCode::invalid_request, "no key");
    if (EVP_PKEY_is_a(key, "RSA")) {
        switch (EVP_PKEY_get_bits(key)) {
            case 2048: return KeyType::rsa2048;
            case 3072: return KeyType::rsa3072;
            case 4096: return KeyType::rsa4096;
            default: break;
        }
    } else if (EVP_PKEY_is_a(key, "EC")) {
        char group[64] = {};
        std::size_t len = 0;
        if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                           &len) == 1) {
            if (std::strcmp(group, "prime256v1") == 0 || std::strcmp(group, "P-256") == 0)
                return KeyType::p256;
            if (std::strcmp(group, "secp384r1") == 0 || std::strcmp(group, "P-384") == 0)
                return KeyType::p384;
        }
        client_ossl_clear_errors();
    }
    return make_error(ErrorCode::invalid_request, "unsupported key type");
}

Result<SecretBytes> private_key_pkcs8_der(const EVP_PKEY* key) {
    Pkcs8Ptr p8(EVP_PKEY2PKCS8(key));
    if (!p8) return client_ossl_error("EVP_PKEY2PKCS8");
    const int len = i2d_PKCS8_PRIV_KEY_INFO(p8.get(), nullptr);
    if (len <= 0) return client_ossl_error("i2d_PKCS8_PRIV_KEY_INFO");
    SecretBytes out(static_cast<std::size_t>(len));
    unsigned char* p = out.data();
    if (i2d_PKCS8_PRIV_KEY_INFO(p8.get(), &p) != len)
        return client_ossl_error("i2d_PKCS8_PRIV_KEY_INFO");
    return out;
}

bool same_public_key(const EVP_PKEY* a, const EVP_PKEY* b) {
    if (a == nullptr || b == nullptr) return false;
    const bool eq = EVP_PKEY_eq(a, b) == 1;
    client_ossl_clear_errors();
    return eq;
}

}  // namespace kakuin::client
