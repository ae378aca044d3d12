#include "test_ca.h"

#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <random>
#include <stdexcept>

#include "client/keygen.h"

namespace kakuin::client::testing {
namespace {

void must(bool ok, const char* what) {
    if (!ok) throw std::runtime_error(what);
}

void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    must(ext != nullptr, "X509V3_EXT_conf_nid");
    must(X509_add_ext(cert, ext, -1) == 1, "X509_add_ext");
    X509_EXTENSION_free(ext);
}

X509Ptr make_cert(EVP_PKEY* subject_key, const std::string& cn, long serial, X509* issuer,
                  EVP_PKEY* issuer_key, TimePoint now, long days, bool ca) {
    X509Ptr cert(X509_new());
    must(cert != nullptr, "X509_new");
    X509_set_version(cert.get(), X509_VERSION_3);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
    X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name);
    const time_t start = static_cast<time_t>(to_unix(now) - 86400);
    ASN1_TIME_set(X509_getm_notBefore(cert.get()), start);
    ASN1_TIME_set(X509_getm_notAfter(cert.get()), start + 86400 + days * 86400);
    X509_set_pubkey(cert.get(), subject_key);
    X509* iss = issuer ? issuer : cert.get();
    if (ca) {
        add_ext(cert.get(), iss, NID_basic_constraints, "critical,CA:TRUE");
        add_ext(cert.get(), iss, NID_key_usage, "critical,keyCertSign,cRLSign");
    }
    add_ext(cert.get(), iss, NID_subject_key_identifier, "hash");
    if (issuer) add_ext(cert.get(), iss, NID_authority_key_identifier, "keyid:always");
    must(X509_sign(cert.get(), issuer_key, EVP_sha256()) > 0, "X509_sign");
    return cert;
}

}  // namespace

TestCa::TestCa(TimePoint now) : now_(now) {
    root_key_ = std::move(generate_key(KeyType::p256)).value();
    ca_key_ = std::move(generate_key(KeyType::p256)).value();
    root_ = make_cert(root_key_.get(), "Kakuin Test Root CA", 1, nullptr, root_key_.get(), now, 3650, true);
    ca_ = make_cert(ca_key_.get(), "Kakuin Test Issuing CA", 2, root_.get(), root_key_.get(), now, 3650, true);
}

X509Ptr TestCa::issue(EVP_PKEY* subject_key, const LeafOptions& o) const {
    X509Ptr leaf = make_cert(subject_key, o.common_name, o.serial, ca_.get(), ca_key_.get(), now_,
                             o.days, false);
    // Extensions are added before signing in make_cert; re-sign after adding ours.
    add_ext(leaf.get(), ca_.get(), NID_key_usage, "critical,digitalSignature,keyEncipherment");
    if (o.server) {
        add_ext(leaf.get(), ca_.get(), NID_ext_key_usage, "serverAuth");
        add_ext(leaf.get(), ca_.get(), NID_subject_alt_name, o.san.c_str());
    } else {
        add_ext(leaf.get(), ca_.get(), NID_ext_key_usage, "clientAuth");
    }
    must(X509_sign(leaf.get(), ca_key_.get(), EVP_sha256()) > 0, "X509_sign");
    return leaf;
}

std::string to_pem(const X509* cert) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    must(PEM_write_bio_X509(bio.get(), const_cast<X509*>(cert)) == 1, "PEM_write_bio_X509");
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(len));
}

std::string TestCa::chain_pem(const X509* leaf) const {
    return to_pem(leaf) + to_pem(ca_.get()) + to_pem(root_.get());
}

IssuedChain TestCa::chain(X509Ptr leaf) const {
    auto parsed = parse_pem_chain(chain_pem(leaf.get()));
    must(parsed.ok(), "parse_pem_chain");
    return std::move(parsed).value();
}

std::string TestCa::root_pem() const { return to_pem(root_.get()); }

void TestCa::write_root(const std::filesystem::path& path) const { write_file(path.string(), root_pem()); }

TempDir::TempDir() {
    std::random_device rd;
    const char* base = std::getenv("TMPDIR");
    path_ = std::filesystem::path(base ? base : "/tmp") /
            ("kakuin-client-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

void write_file(const std::string& path, const std::string& content) {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f << content;
    must(f.good(), "write_file");
}

int run(const std::string& command, std::string& output) {
    output.clear();
    FILE* p = popen((command + " 2>&1").c_str(), "r");
    if (p == nullptr) return -1;
    std::array<char, 4096> buf;
    std::size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) output.append(buf.data(), n);
    const int status = pclose(p);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace kakuin::client::testing
