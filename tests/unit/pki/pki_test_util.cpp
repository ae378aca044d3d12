#include "pki_test_util.h"

#include <openssl/pem.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace kakuin::pki::testing {

TempDir::TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "kakuin-pki-test-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

EvpPkeyPtr make_key(const std::string& alg, int bits, const std::string& curve) {
    EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, alg.c_str(), nullptr));
    if (!ctx) throw std::runtime_error("EVP_PKEY_CTX_new_from_name " + alg);
    if (alg == "DSA") {
        EVP_PKEY* params = nullptr;
        if (EVP_PKEY_paramgen_init(ctx.get()) != 1 || EVP_PKEY_CTX_set_dsa_paramgen_bits(ctx.get(), bits) != 1 ||
            EVP_PKEY_paramgen(ctx.get(), &params) != 1)
            throw std::runtime_error("DSA paramgen");
        EvpPkeyPtr p(params);
        ctx.reset(EVP_PKEY_CTX_new_from_pkey(nullptr, p.get(), nullptr));
    }
    if (EVP_PKEY_keygen_init(ctx.get()) != 1) throw std::runtime_error("keygen_init");
    if (alg == "RSA" && EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), bits) != 1) throw std::runtime_error("bits");
    if (alg == "EC" && EVP_PKEY_CTX_set_group_name(ctx.get(), curve.c_str()) != 1) throw std::runtime_error("curve");
    EVP_PKEY* key = nullptr;
    if (EVP_PKEY_keygen(ctx.get(), &key) != 1) throw std::runtime_error("keygen " + alg);
    return EvpPkeyPtr(key);
}

EvpPkeyPtr make_key_of(KeyType type) {
    switch (type) {
        case KeyType::rsa2048: return make_key("RSA", 2048);
        case KeyType::rsa3072: return make_key("RSA", 3072);
        case KeyType::rsa4096: return make_key("RSA", 4096);
        case KeyType::p256: return make_key("EC", 0, "P-256");
        case KeyType::p384: return make_key("EC", 0, "P-384");
    }
    return nullptr;
}

X509ReqPtr make_csr(EVP_PKEY* key, const CsrOptions& options) {
    X509ReqPtr req(X509_REQ_new());
    X509_NAME* name = X509_REQ_get_subject_name(req.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(options.cn.c_str()),
                               -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("Evil Corp"), -1, -1,
                               0);
    X509_REQ_set_pubkey(req.get(), key);
    if (options.add_ca_extensions) {
        STACK_OF(X509_EXTENSION)* exts = sk_X509_EXTENSION_new_null();
        X509V3_CTX ctx;
        X509V3_set_ctx(&ctx, nullptr, nullptr, req.get(), nullptr, 0);
        for (auto [nid, value] : {std::pair{NID_basic_constraints, "critical,CA:TRUE"},
                                  std::pair{NID_key_usage, "critical,keyCertSign,cRLSign"},
                                  std::pair{NID_subject_alt_name, "DNS:evil.example"}}) {
            sk_X509_EXTENSION_push(exts, X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
        }
        X509_REQ_add_extensions(req.get(), exts);
        sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
    }
    const bool no_digest = EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519;
    if (X509_REQ_sign(req.get(), key, no_digest ? nullptr : EVP_sha256()) <= 0)
        throw std::runtime_error("X509_REQ_sign");
    return req;
}

Bytes csr_der(const X509_REQ* req) {
    unsigned char* buf = nullptr;
    const int len = i2d_X509_REQ(req, &buf);
    Bytes out(buf, buf + len);
    OPENSSL_free(buf);
    return out;
}

std::string csr_pem(const X509_REQ* req) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509_REQ(bio.get(), req);
    return bio_to_string(bio.get());
}

Bytes to_bytes(const std::string& s) { return Bytes(s.begin(), s.end()); }

X509Ptr parse_cert_der(const Bytes& der) {
    const unsigned char* p = der.data();
    return X509Ptr(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
}

std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

X509Ptr read_cert_file(const std::filesystem::path& path) {
    const std::string pem = read_text(path);
    BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    return X509Ptr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

std::string name_entry(const X509_NAME* name, int nid) {
    const int i = X509_NAME_get_index_by_NID(name, nid, -1);
    if (i < 0) return {};
    const ASN1_STRING* s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
    return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)), ASN1_STRING_length(s));
}

TestCa::TestCa(KeyType key_type) {
    settings.dir = (tmp.path() / "ca").string();
    settings.passphrase = "correct horse battery staple";
    settings.crl_url = "http://ca.example.test/crl";
    settings.ocsp_url = "http://ca.example.test/ocsp";
    SimulatedClock clock(test_epoch());
    OsRandom random;
    CaHierarchySpec spec;
    spec.organization = "Test Bank";
    spec.ca_key_type = key_type;
    auto st = create_ca_hierarchy(settings, spec, clock, random);
    if (!st) throw std::runtime_error("create_ca_hierarchy: " + st.error().detail);
    auto loaded = IssuingCa::load(settings);
    if (!loaded) throw std::runtime_error("IssuingCa::load: " + loaded.error().detail);
    ca = std::move(loaded).value();
}

CheckedCsr checked_csr(KeyType type) {
    EvpPkeyPtr key = make_key_of(type);
    X509ReqPtr req = make_csr(key.get());
    auto checked = check_csr(csr_der(req.get()), {type});
    if (!checked) throw std::runtime_error("check_csr: " + checked.error().detail);
    return std::move(checked).value();
}

}  // namespace kakuin::pki::testing
