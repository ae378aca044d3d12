#include "client/issued_chain.h"

#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <cctype>
#include <chrono>
#include <ctime>

#include "client/keygen.h"

namespace kakuin::client {
namespace {

bool only_whitespace(std::string_view s) {
    for (char c : s) {
        if (!std::isspace(static_cast<unsigned char>(c))) return false;
    }
    return true;
}

Result<TimePoint> to_time_point(const ASN1_TIME* t) {
    std::tm tm{};
    if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return client_ossl_error("ASN1_TIME_to_tm");
    using namespace std::chrono;
    const year_month_day ymd{year(tm.tm_year + 1900), month(static_cast<unsigned>(tm.tm_mon + 1)),
                             day(static_cast<unsigned>(tm.tm_mday))};
    if (!ymd.ok()) return make_error(ErrorCode::crypto_failure, "invalid certificate time");
    return TimePoint(sys_days(ymd)) + hours(tm.tm_hour) + minutes(tm.tm_min) + seconds(tm.tm_sec);
}

Error chain_error(std::string detail, std::string detail_ja) {
    return make_error(ErrorCode::crypto_failure, std::move(detail), std::move(detail_ja));
}

}  // namespace

Result<IssuedChain> parse_pem_chain(std::string_view pem) {
    if (pem.size() > kMaxChainBytes)
        return make_error(ErrorCode::invalid_request, "certificate chain too large");
    static constexpr std::string_view kBegin = "-----BEGIN CERTIFICATE-----";
    static constexpr std::string_view kEnd = "-----END CERTIFICATE-----";
    IssuedChain chain;
    chain.cas.reset(sk_X509_new_null());
    if (!chain.cas) return client_ossl_error("sk_X509_new_null");
    std::size_t pos = 0;
    std::size_t count = 0;
    while (true) {
        const std::size_t begin = pem.find(kBegin, pos);
        if (begin == std::string_view::npos) {
            if (!only_whitespace(pem.substr(pos)))
                return make_error(ErrorCode::invalid_request, "unexpected data after the chain");
            break;
        }
        if (!only_whitespace(pem.substr(pos, begin - pos)))
            return make_error(ErrorCode::invalid_request, "unexpected data in the chain");
        const std::size_t end = pem.find(kEnd, begin);
        if (end == std::string_view::npos)
            return make_error(ErrorCode::invalid_request, "unterminated PEM certificate");
        const std::string_view block = pem.substr(begin, end + kEnd.size() - begin);
        if (++count > kMaxChainCertificates)
            return make_error(ErrorCode::invalid_request, "too many certificates in the chain");
        BioPtr bio(BIO_new_mem_buf(block.data(), static_cast<int>(block.size())));
        if (!bio) return client_ossl_error("BIO_new_mem_buf");
        X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
        if (!cert) return client_ossl_error("PEM_read_bio_X509", ErrorCode::invalid_request);
        if (!chain.leaf) {
            chain.leaf = std::move(cert);
        } else {
            if (sk_X509_push(chain.cas.get(), cert.get()) <= 0) return client_ossl_error("sk_X509_push");
            cert.release();
        }
        pos = end + kEnd.size();
    }
    if (!chain.leaf) return make_error(ErrorCode::invalid_request, "no certificate in the response");
    return chain;
}

Status check_issued_chain(const IssuedChain& chain, const EVP_PKEY* our_key,
                          const std::string& ca_file, TimePoint now) {
    if (!chain.leaf) return chain_error("no leaf", "証明書が含まれていません。");
    const EVP_PKEY* leaf_key = X509_get0_pubkey(chain.leaf.get());
    if (!same_public_key(leaf_key, our_key))
        return chain_error("the issued certificate does not carry the generated public key",
                           "発行された電子証明書の公開鍵が、このPCで生成した鍵と一致しません。");

    X509StorePtr store(X509_STORE_new());
    if (!store) return client_ossl_error("X509_STORE_new");
    if (X509_STORE_load_file(store.get(), ca_file.c_str()) != 1) {
        Error e = client_ossl_error("X509_STORE_load_file");
        e.detail_ja = "CA証明書ファイル（--ca-file）を読み込めません。";
        return e;
    }
    X509StoreCtxPtr ctx(X509_STORE_CTX_new());
    if (!ctx) return client_ossl_error("X509_STORE_CTX_new");
    if (X509_STORE_CTX_init(ctx.get(), store.get(), chain.leaf.get(), chain.cas.get()) != 1)
        return client_ossl_error("X509_STORE_CTX_init");
    X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
    X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(to_unix(now)));
    // Every certificate of --ca-file is a trust anchor, the issuing CA alone included
    // (as curl treats the same file for the server's certificate).
    X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
    if (X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_CLIENT) != 1)
        return client_ossl_error("X509_VERIFY_PARAM_set_purpose");
    const int ok = X509_verify_cert(ctx.get());
    if (ok != 1) {
        const int err = X509_STORE_CTX_get_error(ctx.get());
        client_ossl_clear_errors();
        return chain_error(std::string("the issued chain does not verify against the CA file: ") +
                               X509_verify_cert_error_string(err),
                           "発行された電子証明書を、CA証明書ファイル（--ca-file）で検証できません。");
    }
    return {};
}

Result<CertificateSummary> summarize_certificate(const X509* cert) {
    if (cert == nullptr) return make_error(ErrorCode::invalid_request, "no certificate");
    CertificateSummary s;
    const X509_NAME* subject = X509_get_subject_name(cert);
    const int idx = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
    if (idx >= 0) {
        const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, idx));
        unsigned char* utf8 = nullptr;
        const int len = ASN1_STRING_to_UTF8(&utf8, data);
        if (len < 0) return client_ossl_error("ASN1_STRING_to_UTF8");
        s.common_name.assign(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(len));
        OPENSSL_free(utf8);
    }
    std::unique_ptr<BIGNUM, OsslDeleter<BN_free>> bn(
        ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr));
    if (!bn) return client_ossl_error("ASN1_INTEGER_to_BN");
    char* hex = BN_bn2hex(bn.get());
    if (hex == nullptr) return client_ossl_error("BN_bn2hex");
    s.serial_hex = hex;
    OPENSSL_free(hex);
    KAKUIN_TRY(s.not_before, to_time_point(X509_get0_notBefore(cert)));
    KAKUIN_TRY(s.not_after, to_time_point(X509_get0_notAfter(cert)));
    return s;
}

}  // namespace kakuin::client
