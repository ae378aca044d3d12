#include "pki/key_policy.h"

#include <openssl/core_names.h>
#include <openssl/obj_mac.h>

#include <string>

namespace kakuin::pki {

namespace {

Result<KeyType> classify_rsa(const EVP_PKEY* key) {
    const int bits = EVP_PKEY_get_bits(key);
    BIGNUM* e_raw = nullptr;
    if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &e_raw) != 1) {
        ossl_clear_errors();
        return make_error(ErrorCode::key_not_allowed, "RSA key without a public exponent");
    }
    BignumPtr e(e_raw);
    if (!BN_is_odd(e.get()) || BN_is_one(e.get()))
        return make_error(ErrorCode::key_not_allowed, "RSA public exponent must be odd and > 1");
    if (bits < 2048)
        return make_error(ErrorCode::key_too_weak, "RSA-" + std::to_string(bits) + " is below 2048 bits");
    switch (bits) {
        case 2048: return KeyType::rsa2048;
        case 3072: return KeyType::rsa3072;
        case 4096: return KeyType::rsa4096;
        default:
            return make_error(ErrorCode::key_not_allowed,
                              "RSA-" + std::to_string(bits) + " is not 2048, 3072 or 4096 bits");
    }
}

Result<KeyType> classify_ec(const EVP_PKEY* key) {
    char name[64] = {};
    size_t len = 0;
    if (EVP_PKEY_get_group_name(key, name, sizeof name, &len) != 1) {
        ossl_clear_errors();
        return make_error(ErrorCode::key_not_allowed, "EC key without a named curve");
    }
    const int nid = OBJ_txt2nid(name);
    if (nid == NID_X9_62_prime256v1) return KeyType::p256;
    if (nid == NID_secp384r1) return KeyType::p384;
    return make_error(ErrorCode::key_not_allowed, std::string("EC curve ") + name + " is not allowed");
}

}  // namespace

Result<KeyType> classify_key(const EVP_PKEY* key) {
    if (key == nullptr) return make_error(ErrorCode::key_not_allowed, "no public key");
    if (EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA) return classify_rsa(key);
    if (EVP_PKEY_get_base_id(key) == EVP_PKEY_EC) return classify_ec(key);
    const char* type = EVP_PKEY_get0_type_name(key);
    return make_error(ErrorCode::key_not_allowed,
                      std::string("key type ") + (type ? type : "(unknown)") + " is not allowed");
}

Result<EvpPkeyPtr> generate_key(KeyType type) {
    EVP_PKEY* raw = nullptr;
    switch (type) {
        case KeyType::rsa2048: raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048}); break;
        case KeyType::rsa3072: raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{3072}); break;
        case KeyType::rsa4096: raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{4096}); break;
        case KeyType::p256: raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"); break;
        case KeyType::p384: raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"); break;
    }
    if (raw == nullptr) return ossl_error("EVP_PKEY_Q_keygen");
    return EvpPkeyPtr(raw);
}

bool is_rsa(KeyType type) {
    return type == KeyType::rsa2048 || type == KeyType::rsa3072 || type == KeyType::rsa4096;
}

}  // namespace kakuin::pki
