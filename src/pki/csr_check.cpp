// check_csr: PKCS#10 parsing, proof of possession and key policy.
#include <algorithm>
#include <string_view>

#include "pki/ca.h"
#include "pki/key_policy.h"
#include "pki/ossl.h"

namespace kakuin::pki {

namespace {

bool is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool only_whitespace(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return is_space(static_cast<unsigned char>(c)); });
}

Error invalid(std::string detail) {
    ossl_clear_errors();
    return make_error(ErrorCode::csr_invalid, std::move(detail));
}

// DER of the single PEM block in `text` (which starts at "-----BEGIN ").
Result<Bytes> pem_body(std::string_view text) {
    static constexpr std::string_view kLabels[] = {"CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"};
    constexpr std::string_view kBegin = "-----BEGIN ";
    text.remove_prefix(kBegin.size());
    const std::size_t label_end = text.find("-----");
    if (label_end == std::string_view::npos) return invalid("PEM header is not closed");
    const std::string_view label = text.substr(0, label_end);
    if (std::find(std::begin(kLabels), std::end(kLabels), label) == std::end(kLabels))
        return invalid("PEM block is not a CERTIFICATE REQUEST");
    text.remove_prefix(label_end + 5);

    const std::string end_marker = "-----END " + std::string(label) + "-----";
    const std::size_t end = text.find(end_marker);
    if (end == std::string_view::npos) return invalid("PEM block has no END line");
    const std::string_view body = text.substr(0, end);
    if (!only_whitespace(text.substr(end + end_marker.size())))
        return make_error(ErrorCode::csr_trailing_data, "data after the PEM block");

    // Only base64 and line breaks between the markers (no RFC 1421 headers).
    for (char c : body) {
        const auto u = static_cast<unsigned char>(c);
        const bool b64 = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                         c == '+' || c == '/' || c == '=';
        if (!b64 && !is_space(u)) return invalid("PEM body is not base64");
    }
    std::unique_ptr<EVP_ENCODE_CTX, Deleter<EVP_ENCODE_CTX_free>> ctx(EVP_ENCODE_CTX_new());
    if (!ctx) return ossl_error("EVP_ENCODE_CTX_new");
    EVP_DecodeInit(ctx.get());
    Bytes der(body.size() * 3 / 4 + 3);
    int n = 0;
    int tail = 0;
    if (EVP_DecodeUpdate(ctx.get(), der.data(), &n, reinterpret_cast<const unsigned char*>(body.data()),
                         static_cast<int>(body.size())) < 0 ||
        EVP_DecodeFinal(ctx.get(), der.data() + n, &tail) != 1)
        return invalid("PEM body is not valid base64");
    der.resize(static_cast<std::size_t>(n + tail));
    if (der.empty()) return invalid("PEM block is empty");
    return der;
}

}  // namespace

Result<CheckedCsr> check_csr(std::span<const std::uint8_t> input, const std::vector<KeyType>& allowed) {
    if (input.size() > kMaxCsrBytes)
        return make_error(ErrorCode::csr_too_large, "CSR larger than " + std::to_string(kMaxCsrBytes) + " bytes");
    if (input.empty()) return invalid("empty CSR");

    const std::string_view text(reinterpret_cast<const char*>(input.data()), input.size());
    const std::size_t first = text.find_first_not_of(" \t\r\n");
    Bytes pem_der;
    std::span<const std::uint8_t> der = input;
    if (first != std::string_view::npos && text.substr(first).starts_with("-----BEGIN ")) {
        KAKUIN_TRY(pem_der, pem_body(text.substr(first)));
        der = pem_der;
    } else if (first == std::string_view::npos) {
        return invalid("CSR is only whitespace");
    }

    const unsigned char* p = der.data();
    X509ReqPtr req(d2i_X509_REQ(nullptr, &p, static_cast<long>(der.size())));
    if (!req) return invalid("not a PKCS#10 request");
    if (p != der.data() + der.size())
        return make_error(ErrorCode::csr_trailing_data, "data after the DER request");

    // Policy before the signature: verifying a huge RSA key costs more than refusing it.
    EVP_PKEY* key = X509_REQ_get0_pubkey(req.get());
    if (key == nullptr) {
        // Distinguish an undecodable RSA/EC key (malformed) from an algorithm we do not know.
        X509_PUBKEY* pub = X509_REQ_get_X509_PUBKEY(req.get());
        ASN1_OBJECT* alg = nullptr;
        if (pub != nullptr && X509_PUBKEY_get0_param(&alg, nullptr, nullptr, nullptr, pub) == 1 && alg != nullptr) {
            const int nid = OBJ_obj2nid(alg);
            ossl_clear_errors();
            if (nid != NID_rsaEncryption && nid != NID_X9_62_id_ecPublicKey)
                return make_error(ErrorCode::key_not_allowed, "public key algorithm is not allowed");
        }
        return invalid("public key cannot be decoded");
    }
    KAKUIN_TRY(KeyType type, classify_key(key));
    if (std::find(allowed.begin(), allowed.end(), type) == allowed.end())
        return make_error(ErrorCode::key_not_allowed,
                          std::string("key type ") + std::string(key_type_name(type)) + " is not allowed by policy");

    // Only the canonical forms go into certificates: a named curve (not explicit parameters,
    // which strict verifiers refuse) and RSA with NULL parameters.
    const ASN1_OBJECT* alg = nullptr;
    int ptype = 0;
    const void* pval = nullptr;
    const X509_ALGOR* algor = nullptr;
    X509_PUBKEY* pub = X509_REQ_get_X509_PUBKEY(req.get());
    if (pub == nullptr || X509_PUBKEY_get0_param(nullptr, nullptr, nullptr, const_cast<X509_ALGOR**>(&algor), pub) != 1)
        return invalid("no public key info");
    X509_ALGOR_get0(&alg, &ptype, &pval, algor);
    if (ptype != (is_rsa(type) ? V_ASN1_NULL : V_ASN1_OBJECT))
        return make_error(ErrorCode::key_not_allowed, "key parameters are not in their named form");

    if (X509_REQ_verify(req.get(), key) != 1) {
        ossl_clear_errors();
        return make_error(ErrorCode::csr_signature_invalid, "the CSR's self-signature does not verify");
    }

    CheckedCsr out{type, {}};
    // The request's own SubjectPublicKeyInfo, re-encoded by the ASN.1 template (i2d_PUBKEY
    // would go through OpenSSL 3.0's much slower encoder).
    KAKUIN_TRY(out.public_key_der, to_der(pub, i2d_X509_PUBKEY, "i2d_X509_PUBKEY"));
    return out;
}

}  // namespace kakuin::pki
