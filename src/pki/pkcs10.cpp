#include "pki/pkcs10.h"

#include <openssl/core_names.h>
#include <openssl/param_build.h>

#include <algorithm>
#include <string>

#include "pki/der.h"
#include "pki/key_policy.h"

namespace kakuin::pki {

namespace {

using Span = std::span<const std::uint8_t>;

constexpr std::uint8_t kRsaEncryption[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01};
constexpr std::uint8_t kEcPublicKey[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01};
constexpr std::uint8_t kP256[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
constexpr std::uint8_t kP384[] = {0x2b, 0x81, 0x04, 0x00, 0x22};
constexpr std::uint8_t kNull[] = {0x05, 0x00};

bool equal(Span a, Span b) { return std::equal(a.begin(), a.end(), b.begin(), b.end()); }

Error invalid(const char* what) { return make_error(ErrorCode::csr_invalid, what); }

// A positive INTEGER in minimal form; its magnitude without the sign octet.
bool positive_integer(const der::Tlv& t, Span& magnitude) {
    if (t.tag != 0x02 || t.content.empty() || (t.content[0] & 0x80)) return false;
    if (t.content.size() > 1 && t.content[0] == 0 && !(t.content[1] & 0x80)) return false;
    magnitude = t.content[0] == 0 ? t.content.subspan(1) : t.content;
    return !magnitude.empty();
}

Result<EvpPkeyPtr> key_from_params(const char* type, OSSL_PARAM_BLD* bld) {
    std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM_free>> params(OSSL_PARAM_BLD_to_param(bld));
    EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    EVP_PKEY* key = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
        ossl_clear_errors();
        return invalid("the public key does not decode");
    }
    return EvpPkeyPtr(key);
}

Result<CheckedKey> rsa_key(Span bits) {
    std::size_t pos = 0, inner = 0;
    der::Tlv seq, n, e;
    Span n_mag, e_mag;
    if (!der::read(bits, pos, seq) || seq.tag != 0x30 || pos != bits.size() || !der::read(seq.content, inner, n) ||
        !der::read(seq.content, inner, e) || inner != seq.content.size() || !positive_integer(n, n_mag) ||
        !positive_integer(e, e_mag))
        return invalid("malformed RSA public key");
    BignumPtr bn_n(BN_bin2bn(n_mag.data(), static_cast<int>(n_mag.size()), nullptr));
    BignumPtr bn_e(BN_bin2bn(e_mag.data(), static_cast<int>(e_mag.size()), nullptr));
    if (!bn_n || !bn_e) return ossl_error("BN_bin2bn");
    if (!BN_is_odd(bn_e.get()) || BN_is_one(bn_e.get()))
        return make_error(ErrorCode::key_not_allowed, "RSA public exponent must be odd and > 1");
    const int size = BN_num_bits(bn_n.get());
    KeyType type;
    if (size < 2048) return make_error(ErrorCode::key_too_weak, "RSA-" + std::to_string(size) + " is below 2048 bits");
    if (size == 2048) type = KeyType::rsa2048;
    else if (size == 3072) type = KeyType::rsa3072;
    else if (size == 4096) type = KeyType::rsa4096;
    else return make_error(ErrorCode::key_not_allowed, "RSA-" + std::to_string(size) + " is not 2048, 3072 or 4096 bits");

    std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD_free>> bld(OSSL_PARAM_BLD_new());
    if (!bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1)
        return ossl_error("OSSL_PARAM_BLD_push_BN");
    KAKUIN_TRY(EvpPkeyPtr key, key_from_params("RSA", bld.get()));
    return CheckedKey{type, std::move(key)};
}

Result<CheckedKey> ec_key(const der::Tlv& params, Span point) {
    if (params.tag != 0x06) return make_error(ErrorCode::key_not_allowed, "EC key without a named curve");
    KeyType type;
    const char* group;
    if (equal(params.content, kP256)) {
        type = KeyType::p256;
        group = "P-256";
    } else if (equal(params.content, kP384)) {
        type = KeyType::p384;
        group = "P-384";
    } else {
        return make_error(ErrorCode::key_not_allowed, "EC curve is not P-256 or P-384");
    }
    std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD_free>> bld(OSSL_PARAM_BLD_new());
    if (!bld || OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0) != 1 ||
        OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1)
        return ossl_error("OSSL_PARAM_BLD_push");
    // fromdata decodes the point and refuses one that is not on the curve.
    KAKUIN_TRY(EvpPkeyPtr key, key_from_params("EC", bld.get()));
    return CheckedKey{type, std::move(key)};
}

const EVP_MD* signature_digest(Span oid, KeyType key) {
    static constexpr std::uint8_t kEcdsa[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03};  // + 02/03/04
    static constexpr std::uint8_t kRsa[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01};  // + 0b/0c/0d
    const bool rsa = is_rsa(key);
    const Span prefix = rsa ? Span(kRsa) : Span(kEcdsa);
    if (oid.size() != prefix.size() + 1 || !std::equal(prefix.begin(), prefix.end(), oid.begin())) return nullptr;
    switch (oid.back() - (rsa ? 0x0b : 0x02)) {
        case 0: return EVP_sha256();
        case 1: return EVP_sha384();
        case 2: return EVP_sha512();
        default: return nullptr;
    }
}

}  // namespace

Result<Pkcs10> parse_pkcs10(std::span<const std::uint8_t> in) {
    std::size_t pos = 0;
    der::Tlv outer;
    if (!der::read(in, pos, outer) || outer.tag != 0x30) return invalid("not a DER PKCS#10 request");
    if (pos != in.size()) return make_error(ErrorCode::csr_trailing_data, "data after the DER request");

    der::Tlv info, alg, sig;
    std::size_t p = 0;
    if (!der::read(outer.content, p, info) || info.tag != 0x30 || !der::read(outer.content, p, alg) ||
        alg.tag != 0x30 || !der::read(outer.content, p, sig) || sig.tag != 0x03 || p != outer.content.size())
        return invalid("not a PKCS#10 request");

    der::Tlv version, subject, spki, attributes;
    std::size_t q = 0;
    if (!der::read(info.content, q, version) || version.tag != 0x02 || version.content.size() != 1 ||
        version.content[0] != 0 || !der::read(info.content, q, subject) || subject.tag != 0x30 ||
        !der::read(info.content, q, spki) || spki.tag != 0x30)
        return invalid("malformed CertificationRequestInfo");
    if (q < info.content.size() && (!der::read(info.content, q, attributes) || attributes.tag != 0xa0))
        return invalid("malformed CSR attributes");
    if (q != info.content.size()) return invalid("malformed CertificationRequestInfo");

    der::Tlv alg_oid, alg_params;
    std::size_t r = 0;
    if (!der::read(alg.content, r, alg_oid) || alg_oid.tag != 0x06) return invalid("malformed signature algorithm");
    if (r < alg.content.size() && !der::read(alg.content, r, alg_params))
        return invalid("malformed signature algorithm parameters");
    if (r != alg.content.size()) return invalid("malformed signature algorithm");
    if (sig.content.empty() || sig.content[0] != 0) return invalid("malformed signature");

    return Pkcs10{info.whole, spki.whole, alg_oid.content, alg_params.whole, sig.content.subspan(1)};
}

Result<CheckedKey> public_key_from_spki(std::span<const std::uint8_t> spki_der) {
    std::size_t pos = 0, a = 0, b = 0;
    der::Tlv spki, alg, bits, oid, params;
    if (!der::read(spki_der, pos, spki) || spki.tag != 0x30 || pos != spki_der.size() ||
        !der::read(spki.content, a, alg) || alg.tag != 0x30 || !der::read(spki.content, a, bits) ||
        bits.tag != 0x03 || a != spki.content.size() || bits.content.empty() || bits.content[0] != 0 ||
        !der::read(alg.content, b, oid) || oid.tag != 0x06)
        return invalid("malformed SubjectPublicKeyInfo");
    const bool has_params = b < alg.content.size();
    if (has_params && !der::read(alg.content, b, params)) return invalid("malformed key parameters");
    if (b != alg.content.size()) return invalid("malformed key algorithm");
    const Span key_bits = bits.content.subspan(1);

    if (equal(oid.content, kRsaEncryption)) {
        if (!has_params || !equal(params.whole, kNull))
            return make_error(ErrorCode::key_not_allowed, "RSA key parameters must be NULL");
        return rsa_key(key_bits);
    }
    if (equal(oid.content, kEcPublicKey)) {
        if (!has_params) return make_error(ErrorCode::key_not_allowed, "EC key without a named curve");
        return ec_key(params, key_bits);
    }
    return make_error(ErrorCode::key_not_allowed, "public key algorithm is not RSA or EC");
}

Status verify_pkcs10_signature(const Pkcs10& req, const CheckedKey& key) {
    // ECDSA: parameters absent; RSA PKCS#1 v1.5: NULL or (commonly tolerated) absent.
    const bool params_ok = req.signature_params.empty() || (is_rsa(key.type) && equal(req.signature_params, kNull));
    const EVP_MD* md = signature_digest(req.signature_alg, key.type);
    if (md == nullptr || !params_ok)
        return make_error(ErrorCode::csr_signature_invalid,
                          "signature algorithm is not ECDSA/RSA with SHA-256/384/512 matching the key");
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, key.key.get()) != 1)
        return ossl_error("EVP_DigestVerifyInit");
    if (EVP_DigestVerify(ctx.get(), req.signature.data(), req.signature.size(), req.info.data(), req.info.size()) != 1) {
        ossl_clear_errors();
        return make_error(ErrorCode::csr_signature_invalid, "the CSR's self-signature does not verify");
    }
    return {};
}

}  // namespace kakuin::pki
