#include "client/current_credential.h"

#include <openssl/err.h>
#include <openssl/pem.h>

#include <fstream>
#include <iterator>

namespace kakuin::client {

std::string organizational_unit(const X509* cert) {
    if (cert == nullptr) return {};
    const X509_NAME* subject = X509_get_subject_name(cert);
    const int idx = X509_NAME_get_index_by_NID(subject, NID_organizationalUnitName, -1);
    if (idx < 0) return {};
    const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, idx));
    unsigned char* utf8 = nullptr;
    const int len = ASN1_STRING_to_UTF8(&utf8, data);
    if (len < 0) {
        client_ossl_clear_errors();
        return {};
    }
    std::string out(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(len));
    OPENSSL_free(utf8);
    return out;
}

Result<CurrentCredential> parse_pkcs12(std::span<const std::uint8_t> der, const SecretString& password) {
    const auto invalid = [](std::string detail, std::string detail_ja) {
        client_ossl_clear_errors();
        return make_error(ErrorCode::invalid_request, std::move(detail), std::move(detail_ja));
    };
    if (der.empty() || der.size() > kMaxPkcs12Bytes)
        return invalid("PKCS#12 empty or too large", "PKCS#12ファイルが空か、大きすぎます。");
    const unsigned char* p = der.data();
    Pkcs12Ptr p12(d2i_PKCS12(nullptr, &p, static_cast<long>(der.size())));
    if (!p12) return invalid("not a PKCS#12 file", "PKCS#12ファイルの形式が正しくありません。");
    if (PKCS12_verify_mac(p12.get(), password.c_str(), static_cast<int>(password.size())) != 1)
        return invalid("wrong PKCS#12 password (MAC)", "PKCS#12ファイルのパスワードが正しくありません。");
    EVP_PKEY* raw_key = nullptr;
    X509* raw_cert = nullptr;
    STACK_OF(X509)* raw_cas = nullptr;
    if (PKCS12_parse(p12.get(), password.c_str(), &raw_key, &raw_cert, &raw_cas) != 1)
        return invalid("PKCS12_parse failed", "PKCS#12ファイルを読み込めません（パスワードまたは形式）。");
    CurrentCredential c;
    c.key.reset(raw_key);
    c.certificate.reset(raw_cert);
    X509StackPtr cas(raw_cas);
    if (!c.key || !c.certificate)
        return invalid("PKCS#12 without key or certificate",
                       "PKCS#12ファイルに秘密鍵と電子証明書が含まれていません。");
    if (X509_check_private_key(c.certificate.get(), c.key.get()) != 1)
        return invalid("PKCS#12 key does not match its certificate",
                       "PKCS#12ファイルの秘密鍵と電子証明書が対応していません。");
    KAKUIN_TRY(c.summary, summarize_certificate(c.certificate.get()));
    c.role = organizational_unit(c.certificate.get());
    return c;
}

Result<CurrentCredential> load_pkcs12(const std::string& path, const SecretString& password) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return make_error(ErrorCode::invalid_request, "cannot open " + path,
                          "PKCS#12ファイル（" + path + "）を開けません。");
    std::vector<std::uint8_t> der;
    char buf[8192];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
        der.insert(der.end(), buf, buf + in.gcount());
        if (der.size() > kMaxPkcs12Bytes)
            return make_error(ErrorCode::invalid_request, path + " is too large",
                              "PKCS#12ファイル（" + path + "）が大きすぎます。");
    }
    return parse_pkcs12(der, password);
}

Result<std::string> certificate_pem(const X509* cert) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio) return client_ossl_error("BIO_new");
    if (PEM_write_bio_X509(bio.get(), const_cast<X509*>(cert)) != 1)
        return client_ossl_error("PEM_write_bio_X509");
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio.get(), &data);
    if (len <= 0 || data == nullptr) return client_ossl_error("BIO_get_mem_data");
    return std::string(data, static_cast<std::size_t>(len));
}

}  // namespace kakuin::client
