#include <gtest/gtest.h>

#include <openssl/pem.h>

#include <sys/stat.h>

#include <fstream>
#include <set>
#include <openssl/err.h>

#include "pki/ca.h"
#include "pki/signer.h"
#include "pki_test_util.h"

namespace kakuin::pki {
namespace {

namespace fs = std::filesystem;
using testing::name_entry;
using testing::read_cert_file;
using testing::read_text;
using testing::TempDir;
using testing::test_epoch;

mode_t mode_of(const fs::path& p) {
    struct stat st {};
    EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
    return st.st_mode & 07777;
}

struct Hierarchy {
    TempDir tmp;
    CaSettings settings;
    SimulatedClock clock{test_epoch()};
    OsRandom random;
    CaHierarchySpec spec;
    Hierarchy() {
        settings.dir = (tmp.path() / "data" / "ca").string();
        settings.passphrase = "s3cret passphrase";
        spec.organization = "Kakuin Test Bank";
    }
    fs::path file(const char* name) const { return fs::path(settings.dir) / name; }
};

TimePoint not_before(const X509* c) { return *from_asn1_time(X509_get0_notBefore(c)); }
TimePoint not_after(const X509* c) { return *from_asn1_time(X509_get0_notAfter(c)); }

bool signed_by(X509* cert, X509* issuer) { return X509_verify(cert, X509_get0_pubkey(issuer)) == 1; }

std::string ext_text(X509* cert, int nid) {
    const int i = X509_get_ext_by_NID(cert, nid, -1);
    if (i < 0) return "(absent)";
    X509_EXTENSION* ext = X509_get_ext(cert, i);
    BioPtr bio(BIO_new(BIO_s_mem()));
    X509V3_EXT_print(bio.get(), ext, 0, 0);
    return std::string(X509_EXTENSION_get_critical(ext) ? "critical " : "") + bio_to_string(bio.get());
}

TEST(CaHierarchy, WritesEveryFileWithTheRightModes) {
    Hierarchy h;
    auto st = create_ca_hierarchy(h.settings, h.spec, h.clock, h.random);
    ASSERT_TRUE(st.ok()) << st.error().detail;
    EXPECT_EQ(mode_of(h.settings.dir), 0700u);
    for (const char* stem : {"root", "issuing", "ocsp", "tls-server"}) {
        EXPECT_EQ(mode_of(h.file((std::string(stem) + ".key.pem").c_str())), 0600u) << stem;
        EXPECT_EQ(mode_of(h.file((std::string(stem) + ".crt.pem").c_str())), 0644u) << stem;
        const std::string key = read_text(h.file((std::string(stem) + ".key.pem").c_str()));
        EXPECT_EQ(key.rfind("-----BEGIN ENCRYPTED PRIVATE KEY-----", 0), 0u) << stem;
    }
    EXPECT_EQ(read_text(h.file("chain.pem")), read_text(h.file("issuing.crt.pem")) + read_text(h.file("root.crt.pem")));
    // No temporary directory is left beside it.
    std::size_t entries = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(fs::path(h.settings.dir).parent_path())) ++entries;
    EXPECT_EQ(entries, 1u);
}

TEST(CaHierarchy, CertificatesHaveTheirRolesAndValidity) {
    Hierarchy h;
    ASSERT_TRUE(create_ca_hierarchy(h.settings, h.spec, h.clock, h.random).ok());
    X509Ptr root = read_cert_file(h.file("root.crt.pem"));
    X509Ptr issuing = read_cert_file(h.file("issuing.crt.pem"));
    X509Ptr ocsp = read_cert_file(h.file("ocsp.crt.pem"));
    X509Ptr tls = read_cert_file(h.file("tls-server.crt.pem"));
    ASSERT_TRUE(root && issuing && ocsp && tls);

    EXPECT_EQ(name_entry(X509_get_subject_name(root.get()), NID_commonName), "Kakuin Test Bank Root CA");
    EXPECT_EQ(name_entry(X509_get_subject_name(issuing.get()), NID_commonName), "Kakuin Test Bank Issuing CA 1");
    EXPECT_EQ(name_entry(X509_get_subject_name(ocsp.get()), NID_commonName), "Kakuin Test Bank OCSP Responder");
    EXPECT_EQ(name_entry(X509_get_subject_name(tls.get()), NID_commonName), "localhost");
    EXPECT_EQ(name_entry(X509_get_subject_name(root.get()), NID_organizationName), "Kakuin Test Bank");

    EXPECT_TRUE(signed_by(root.get(), root.get()));
    EXPECT_TRUE(signed_by(issuing.get(), root.get()));
    EXPECT_TRUE(signed_by(ocsp.get(), issuing.get()));
    EXPECT_TRUE(signed_by(tls.get(), root.get()));
    EXPECT_FALSE(signed_by(ocsp.get(), root.get()));

    EXPECT_EQ(ext_text(root.get(), NID_basic_constraints), "critical CA:TRUE, pathlen:1");
    EXPECT_EQ(ext_text(issuing.get(), NID_basic_constraints), "critical CA:TRUE, pathlen:0");
    EXPECT_EQ(ext_text(root.get(), NID_key_usage), "critical Certificate Sign, CRL Sign");
    EXPECT_EQ(ext_text(issuing.get(), NID_key_usage), "critical Certificate Sign, CRL Sign");
    EXPECT_EQ(ext_text(ocsp.get(), NID_ext_key_usage), "OCSP Signing");
    EXPECT_NE(X509_get_ext_by_NID(ocsp.get(), NID_id_pkix_OCSP_noCheck, -1), -1);
    EXPECT_EQ(ext_text(ocsp.get(), NID_basic_constraints), "critical CA:FALSE");
    EXPECT_EQ(ext_text(tls.get(), NID_ext_key_usage), "TLS Web Server Authentication");
    EXPECT_EQ(ext_text(tls.get(), NID_subject_alt_name), "DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1");

    const TimePoint now = test_epoch();
    for (X509* c : {root.get(), issuing.get(), ocsp.get(), tls.get()}) EXPECT_EQ(not_before(c), now - Seconds(300));
    EXPECT_EQ(not_after(root.get()), now + Days(365 * 20 + 5));   // 2026-11-18 + 20 calendar years
    EXPECT_EQ(not_after(issuing.get()), now + Days(365 * 10 + 3));  // 2028, 2032, 2036 leap days
    EXPECT_EQ(not_after(ocsp.get()), now + Days(365 * 2 + 1));     // crosses 29 Feb 2028
    EXPECT_EQ(not_after(tls.get()), now + Days(365));

    // Serials: positive, 16 octets, all different.
    std::set<std::string> serials;
    for (X509* c : {root.get(), issuing.get(), ocsp.get(), tls.get()}) {
        const std::string hex = serial_to_hex(X509_get0_serialNumber(c));
        EXPECT_EQ(hex.size(), 32u);
        EXPECT_NE(hex.front(), '-');
        serials.insert(hex);
    }
    EXPECT_EQ(serials.size(), 4u);

    // The chain verifies with OpenSSL at the simulated time.
    std::unique_ptr<X509_STORE, Deleter<X509_STORE_free>> store(X509_STORE_new());
    X509_STORE_add_cert(store.get(), root.get());
    std::unique_ptr<X509_STORE_CTX, Deleter<X509_STORE_CTX_free>> ctx(X509_STORE_CTX_new());
    STACK_OF(X509)* untrusted = sk_X509_new_null();
    sk_X509_push(untrusted, issuing.get());
    X509_STORE_CTX_init(ctx.get(), store.get(), ocsp.get(), untrusted);
    X509_STORE_CTX_set_time(ctx.get(), 0, static_cast<time_t>(to_unix(now)));
    EXPECT_EQ(X509_verify_cert(ctx.get()), 1) << X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get()));
    sk_X509_free(untrusted);
}

TEST(CaHierarchy, RefusesToOverwriteAnExistingCa) {
    Hierarchy h;
    ASSERT_TRUE(create_ca_hierarchy(h.settings, h.spec, h.clock, h.random).ok());
    const std::string before = read_text(h.file("issuing.key.pem"));
    auto again = create_ca_hierarchy(h.settings, h.spec, h.clock, h.random);
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().code, ErrorCode::config_invalid);
    EXPECT_NE(again.error().detail.find("already"), std::string::npos);
    EXPECT_EQ(read_text(h.file("issuing.key.pem")), before);
}

TEST(CaHierarchy, UsesAnExistingEmptyDirectory) {
    Hierarchy h;
    fs::create_directories(h.settings.dir);
    ASSERT_TRUE(create_ca_hierarchy(h.settings, h.spec, h.clock, h.random).ok());
    EXPECT_TRUE(fs::exists(h.file("root.crt.pem")));
}

TEST(CaHierarchy, RefusesEmptyPassphraseOrOrganization) {
    Hierarchy h;
    h.settings.passphrase.clear();
    EXPECT_EQ(create_ca_hierarchy(h.settings, h.spec, h.clock, h.random).error().code, ErrorCode::config_invalid);
    Hierarchy h2;
    h2.spec.organization.clear();
    EXPECT_EQ(create_ca_hierarchy(h2.settings, h2.spec, h2.clock, h2.random).error().code, ErrorCode::config_invalid);
    EXPECT_FALSE(fs::exists(h2.settings.dir));
}

TEST(CaHierarchy, KeysAreEncrypted) {
    Hierarchy h;
    ASSERT_TRUE(create_ca_hierarchy(h.settings, h.spec, h.clock, h.random).ok());
    const std::string pem = read_text(h.file("issuing.key.pem"));
    EXPECT_TRUE(decrypt_private_key_pem(pem, h.settings.passphrase).ok());
    EXPECT_EQ(decrypt_private_key_pem(pem, "wrong").error().code, ErrorCode::config_invalid);
    EXPECT_EQ(decrypt_private_key_pem(pem, "").error().code, ErrorCode::config_invalid);

    // OpenSSL itself, without a passphrase, cannot read it either.
    BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    auto no_pass = [](char*, int, int, void*) { return 0; };
    EXPECT_EQ(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_pass, nullptr), nullptr);
    ERR_clear_error();

    CaSettings wrong = h.settings;
    wrong.passphrase = "not the passphrase";
    auto loaded = IssuingCa::load(wrong);
    ASSERT_FALSE(loaded.ok());
    EXPECT_EQ(loaded.error().code, ErrorCode::config_invalid);
    EXPECT_EQ(loaded.error().detail.find(h.settings.passphrase), std::string::npos);
    CaSettings none = h.settings;
    none.passphrase.clear();
    EXPECT_FALSE(IssuingCa::load(none).ok());
    EXPECT_TRUE(IssuingCa::load(h.settings).ok());
}

TEST(CaHierarchy, LoadRefusesAnUnencryptedKey) {
    Hierarchy h;
    ASSERT_TRUE(create_ca_hierarchy(h.settings, h.spec, h.clock, h.random).ok());
    auto key = decrypt_private_key_pem(read_text(h.file("issuing.key.pem")), h.settings.passphrase);
    ASSERT_TRUE(key.ok());
    BioPtr bio(BIO_new(BIO_s_mem()));
    ASSERT_EQ(PEM_write_bio_PrivateKey(bio.get(), key->get(), nullptr, nullptr, 0, nullptr, nullptr), 1);
    fs::remove(h.file("issuing.key.pem"));
    std::ofstream(h.file("issuing.key.pem")) << bio_to_string(bio.get());
    auto loaded = IssuingCa::load(h.settings);
    ASSERT_FALSE(loaded.ok());
    EXPECT_EQ(loaded.error().code, ErrorCode::config_invalid);
}

TEST(CaHierarchy, LoadRefusesMismatchedKey) {
    Hierarchy h;
    ASSERT_TRUE(create_ca_hierarchy(h.settings, h.spec, h.clock, h.random).ok());
    fs::remove(h.file("issuing.key.pem"));
    fs::copy_file(h.file("ocsp.key.pem"), h.file("issuing.key.pem"));
    auto loaded = IssuingCa::load(h.settings);
    ASSERT_FALSE(loaded.ok());
    EXPECT_EQ(loaded.error().code, ErrorCode::config_invalid);
}

TEST(CaHierarchy, LoadFailsOnMissingDirectory) {
    CaSettings s;
    s.dir = "/nonexistent/kakuin/ca";
    s.passphrase = "x";
    EXPECT_EQ(IssuingCa::load(s).error().code, ErrorCode::config_invalid);
}

class CaKeyTypeTest : public ::testing::TestWithParam<KeyType> {};

TEST_P(CaKeyTypeTest, EveryCaKeyTypeWorks) {
    Hierarchy h;
    h.spec.ca_key_type = GetParam();
    h.spec.tls_hosts = {"kakuin.example.jp", "192.0.2.1"};
    ASSERT_TRUE(create_ca_hierarchy(h.settings, h.spec, h.clock, h.random).ok());
    auto ca = IssuingCa::load(h.settings);
    ASSERT_TRUE(ca.ok()) << ca.error().detail;
    X509Ptr tls = read_cert_file(h.file("tls-server.crt.pem"));
    EXPECT_EQ(name_entry(X509_get_subject_name(tls.get()), NID_commonName), "kakuin.example.jp");
    EXPECT_EQ(ext_text(tls.get(), NID_subject_alt_name), "DNS:kakuin.example.jp, IP Address:192.0.2.1");
    EXPECT_EQ(ext_text(tls.get(), NID_key_usage),
              GetParam() == KeyType::rsa2048 ? "critical Digital Signature, Key Encipherment" : "critical Digital Signature");
    EXPECT_EQ((*ca)->chain_pem(), (*ca)->issuing_pem() + (*ca)->root_pem());
}

INSTANTIATE_TEST_SUITE_P(CaKeys, CaKeyTypeTest, ::testing::Values(KeyType::p256, KeyType::p384, KeyType::rsa2048),
                         [](const auto& info) { return std::string(key_type_name(info.param)); });

}  // namespace
}  // namespace kakuin::pki
