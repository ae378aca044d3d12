#include "test_pki.h"

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <stdexcept>

namespace kakuin::http::testing {

namespace {

struct BioFree {
    void operator()(BIO* p) const { BIO_free(p); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;

void check(bool ok, const char* what) {
    if (!ok) throw std::runtime_error(std::string("test PKI: ") + what);
}

std::string drain(BIO* bio) {
    char* data = nullptr;
    long n = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(n));
}

void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    check(ext != nullptr, "X509V3_EXT_conf_nid");
    check(X509_add_ext(cert, ext, -1) == 1, "X509_add_ext");
    X509_EXTENSION_free(ext);
}

X509Ptr make_cert(const std::string& cn, EVP_PKEY* subject_key, X509* issuer, EVP_PKEY* issuer_key,
                  std::time_t nb, std::time_t na, std::uint64_t serial) {
    X509Ptr cert(X509_new());
    check(cert != nullptr, "X509_new");
    check(X509_set_version(cert.get(), 2) == 1, "X509_set_version");
    check(ASN1_INTEGER_set_uint64(X509_get_serialNumber(cert.get()), serial) == 1, "serial");
    check(ASN1_TIME_set(X509_getm_notBefore(cert.get()), nb) != nullptr, "notBefore");
    check(ASN1_TIME_set(X509_getm_notAfter(cert.get()), na) != nullptr, "notAfter");
    X509_NAME* name = X509_get_subject_name(cert.get());
    check(X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                                     reinterpret_cast<const unsigned char*>("kakuin test"), -1, -1,
                                     0) == 1,
          "O");
    check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                     reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1,
                                     0) == 1,
          "CN");
    check(X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name) == 1,
          "issuer");
    check(X509_set_pubkey(cert.get(), subject_key) == 1, "pubkey");
    (void)issuer_key;
    return cert;
}

void sign(X509* cert, EVP_PKEY* key) { check(X509_sign(cert, key, EVP_sha256()) > 0, "X509_sign"); }

}  // namespace

PkeyPtr make_p256_key() {
    PkeyPtr key(EVP_EC_gen("P-256"));
    check(key != nullptr, "EVP_EC_gen");
    return key;
}

std::string key_pem(EVP_PKEY* key) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    check(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1,
          "key PEM");
    return drain(bio.get());
}

std::string encrypted_key_pem(EVP_PKEY* key, const std::string& passphrase) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    check(PEM_write_bio_PKCS8PrivateKey(bio.get(), key, EVP_aes_256_cbc(), passphrase.data(),
                                        static_cast<int>(passphrase.size()), nullptr, nullptr) == 1,
          "encrypted key PEM");
    return drain(bio.get());
}

std::string cert_pem(X509* cert) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    check(PEM_write_bio_X509(bio.get(), cert) == 1, "cert PEM");
    return drain(bio.get());
}

TestCa::TestCa(const std::string& cn, std::time_t not_before, std::time_t not_after)
    : key_(make_p256_key()) {
    cert_ = make_cert(cn, key_.get(), nullptr, key_.get(), not_before, not_after, 1);
    add_ext(cert_.get(), cert_.get(), NID_basic_constraints, "critical,CA:TRUE");
    add_ext(cert_.get(), cert_.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
    add_ext(cert_.get(), cert_.get(), NID_subject_key_identifier, "hash");
    add_ext(cert_.get(), cert_.get(), NID_authority_key_identifier, "keyid:always");
    sign(cert_.get(), key_.get());
    pem_ = cert_pem(cert_.get());
}

Issued TestCa::issue(const std::string& cn, std::time_t nb, std::time_t na, std::uint64_t serial,
                     bool server) {
    Issued out;
    out.key = make_p256_key();
    X509Ptr cert = make_cert(cn, out.key.get(), cert_.get(), key_.get(), nb, na, serial);
    add_ext(cert.get(), cert_.get(), NID_basic_constraints, "critical,CA:FALSE");
    add_ext(cert.get(), cert_.get(), NID_key_usage, "critical,digitalSignature");
    add_ext(cert.get(), cert_.get(), NID_ext_key_usage, server ? "serverAuth" : "clientAuth");
    add_ext(cert.get(), cert_.get(), NID_subject_key_identifier, "hash");
    add_ext(cert.get(), cert_.get(), NID_authority_key_identifier, "keyid:always");
    if (server)
        add_ext(cert.get(), cert_.get(), NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1");
    sign(cert.get(), key_.get());
    out.cert_pem = cert_pem(cert.get());
    out.key_pem = key_pem(out.key.get());
    return out;
}

Issued TestCa::issue_server(std::time_t nb, std::time_t na, std::uint64_t serial) {
    return issue("localhost", nb, na, serial, true);
}

Issued TestCa::issue_client(const std::string& cn, std::time_t nb, std::time_t na,
                            std::uint64_t serial) {
    return issue(cn, nb, na, serial, false);
}

}  // namespace kakuin::http::testing
