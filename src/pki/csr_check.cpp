// check_csr: PKCS#10 parsing, proof of possession and key policy.
#include <algorithm>
#include <string_view>

#include "pki/ca.h"
#include "pki/ossl.h"
#include "pki/pkcs10.h"

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

    KAKUIN_TRY(Pkcs10 req, parse_pkcs10(der));
    // Policy before the signature: verifying a huge RSA key costs more than refusing it.
    KAKUIN_TRY(CheckedKey key, public_key_from_spki(req.spki));
    if (std::find(allowed.begin(), allowed.end(), key.type) == allowed.end())
        return make_error(ErrorCode::key_not_allowed,
                          std::string("key type ") + std::string(key_type_name(key.type)) + " is not allowed by policy");
    KAKUIN_TRY_STATUS(verify_pkcs10_signature(req, key));
    // The SubjectPublicKeyInfo as the client sent it: checked above to be DER with RSA NULL
    // parameters or a named curve, so it goes into the certificate unchanged.
    return CheckedCsr{key.type, Bytes(req.spki.begin(), req.spki.end())};
}

}  // namespace kakuin::pki
