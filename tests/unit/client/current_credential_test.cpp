// The current certificate for renewal: read back from a PKCS#12 (as acquire writes it), with
// wrong passwords, garbage and mismatched keys refused; and the choice among NSS certificates.
#include "client/current_credential.h"

#include <gtest/gtest.h>

#include "client/keygen.h"
#include "client/nss_export.h"
#include "client/pkcs12_writer.h"
#include "test_ca.h"

namespace kakuin::client {
namespace {

using testing::LeafOptions;
using testing::TempDir;
using testing::TestCa;

class CurrentCredentialTest : public ::testing::Test {
protected:
    void SetUp() override {
        key_ = std::move(generate_key(KeyType::p256)).value();
        LeafOptions leaf;
        chain_ = ca_.chain(ca_.issue(key_.get(), leaf));
        path_ = dir_.file("cert.p12");
        ASSERT_TRUE(write_pkcs12(path_, key_.get(), chain_, "kakuin test", SecretString("correct horse")).ok());
    }
    TestCa ca_;
    TempDir dir_;
    EvpPkeyPtr key_;
    IssuedChain chain_;
    std::string path_;
};

TEST_F(CurrentCredentialTest, ReadsWhatAcquireWrote) {
    auto c = load_pkcs12(path_, SecretString("correct horse"));
    ASSERT_TRUE(c.ok()) << c.error().detail;
    EXPECT_TRUE(same_public_key(c->key.get(), key_.get()));
    EXPECT_EQ(c->summary.common_name, "00009876543 riyousya 1635");
    EXPECT_EQ(c->summary.serial_hex, "1635");
    auto pem = certificate_pem(c->certificate.get());
    ASSERT_TRUE(pem.ok());
    EXPECT_EQ(pem->rfind("-----BEGIN CERTIFICATE-----", 0), 0u);
    auto type = key_type_of(c->key.get());
    ASSERT_TRUE(type.ok());
    EXPECT_EQ(*type, KeyType::p256);
}

TEST_F(CurrentCredentialTest, RefusesWrongPasswordGarbageAndMissingFile) {
    auto wrong = load_pkcs12(path_, SecretString("battery staple"));
    ASSERT_FALSE(wrong.ok());
    EXPECT_EQ(wrong.error().code, ErrorCode::invalid_request);
    EXPECT_NE(wrong.error().detail_ja.find("パスワード"), std::string::npos);
    const std::string garbage = "not a pkcs12";
    auto g = parse_pkcs12({reinterpret_cast<const std::uint8_t*>(garbage.data()), garbage.size()},
                          SecretString("x"));
    ASSERT_FALSE(g.ok());
    EXPECT_EQ(g.error().code, ErrorCode::invalid_request);
    EXPECT_FALSE(parse_pkcs12({}, SecretString("x")).ok());
    auto missing = load_pkcs12(dir_.file("none.p12"), SecretString("x"));
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, ErrorCode::invalid_request);
}

TEST_F(CurrentCredentialTest, RefusesAPkcs12WithoutAKey) {
    // A certificate-only PKCS#12 (what a browser exports without the key), made by openssl.
    testing::write_file(dir_.file("leaf.pem"), testing::to_pem(chain_.leaf.get()));
    std::string out;
    ASSERT_EQ(testing::run("openssl pkcs12 -export -nokeys -in " + dir_.file("leaf.pem") +
                               " -passout pass:correct -out " + dir_.file("nokey.p12"),
                           out),
              0)
        << out;
    auto c = load_pkcs12(dir_.file("nokey.p12"), SecretString("correct"));
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.error().code, ErrorCode::invalid_request);
    EXPECT_NE(c.error().detail_ja.find("秘密鍵"), std::string::npos);
}

// The bank's CA file as the server publishes it: issuing CA + root.
void write_ca_file(const TestCa& ca, const std::string& path) {
    auto key = std::move(generate_key(KeyType::p256)).value();
    auto leaf = ca.issue(key.get());
    std::string pem = ca.chain_pem(leaf.get());
    const std::string end = "-----END CERTIFICATE-----\n";
    testing::write_file(path, pem.substr(pem.find(end) + end.size()));
}

NssUserCertificate nss_cert(const TestCa& ca, const std::string& nickname, const std::string& cn,
                            long serial, const std::string& role) {
    auto key = std::move(generate_key(KeyType::p256)).value();
    LeafOptions o;
    o.common_name = cn;
    o.serial = serial;
    NssUserCertificate c;
    c.nickname = nickname;
    c.certificate = ca.issue(key.get(), o);
    c.summary = std::move(summarize_certificate(c.certificate.get())).value();
    c.role = role;
    return c;
}

TEST(ChooseCertificate, NewestOfTheRoleIssuedByTheBank) {
    TestCa bank;
    TestCa other(bank.now() + Seconds(10));
    TempDir dir;
    write_ca_file(bank, dir.file("ca.pem"));
    std::vector<NssUserCertificate> all;
    all.push_back(nss_cert(bank, "old", "00009876543 riyousya 1111", 1, "user"));
    all.push_back(nss_cert(bank, "admin", "00009876543 2222", 2, "admin"));
    all.push_back(nss_cert(other, "foreign", "00009876543 riyousya 3333", 3, "user"));
    CertificateChoice choice{"user", std::nullopt, std::nullopt, std::nullopt, dir.file("ca.pem")};
    auto c = choose_certificate(all, choice);
    ASSERT_TRUE(c.ok()) << c.error().detail;
    EXPECT_EQ((*c)->nickname, "old");  // "foreign" is not the bank's
    choice.role = "admin";
    c = choose_certificate(all, choice);
    ASSERT_TRUE(c.ok());
    EXPECT_EQ((*c)->nickname, "admin");
    choice.nickname = "foreign";  // named: taken as it is
    c = choose_certificate(all, choice);
    ASSERT_TRUE(c.ok());
    EXPECT_EQ((*c)->nickname, "foreign");
    choice.nickname = "nothing";
    EXPECT_EQ(choose_certificate(all, choice).error().code, ErrorCode::invalid_request);
}

TEST(ChooseCertificate, SeveralPersonsNeedANameAndTheFilterNarrows) {
    TestCa bank;
    TempDir dir;
    write_ca_file(bank, dir.file("ca.pem"));
    std::vector<NssUserCertificate> all;
    all.push_back(nss_cert(bank, "a", "00009876543 riyousya 1111", 1, "user"));
    all.push_back(nss_cert(bank, "b", "00009876543 genchi02 2222", 2, "user"));
    CertificateChoice choice{"user", std::nullopt, std::nullopt, std::nullopt, dir.file("ca.pem")};
    auto c = choose_certificate(all, choice);
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.error().detail_ja.find("--nickname"), std::string::npos);
    choice.contract_id = "00009876543";
    choice.user_id = "genchi02";
    c = choose_certificate(all, choice);
    ASSERT_TRUE(c.ok());
    EXPECT_EQ((*c)->nickname, "b");
    choice.user_id = "nobody";
    EXPECT_FALSE(choose_certificate(all, choice).ok());
}

}  // namespace
}  // namespace kakuin::client

namespace kakuin::client {
namespace {

TEST(NssExport, ListsAndExportsWhatAcquireInstalled) {
    TestCa ca;
    TempDir dir;
    auto key = std::move(generate_key(KeyType::p256)).value();
    IssuedChain chain = ca.chain(ca.issue(key.get()));
    const std::string db = dir.file("nssdb");
    auto installed = install_into_nssdb(db, key.get(), chain, "kakuin test", NssPasswordSource{});
    ASSERT_TRUE(installed.ok()) << installed.error().detail;

    SecretString password;
    auto all = list_nss_user_certificates(db, NssPasswordSource{}, password);
    ASSERT_TRUE(all.ok()) << all.error().detail;
    ASSERT_EQ(all->size(), 1u);  // the CA certificates have no key
    EXPECT_EQ((*all)[0].nickname, "kakuin test");
    EXPECT_EQ((*all)[0].summary.common_name, "00009876543 riyousya 1635");
    EXPECT_TRUE(password.empty());

    auto exported = export_from_nssdb(db, "kakuin test", password);
    ASSERT_TRUE(exported.ok()) << exported.error().detail;
    EXPECT_TRUE(same_public_key(exported->key.get(), key.get()));
    EXPECT_EQ(exported->summary.serial_hex, "1635");

    auto unknown = export_from_nssdb(db, "no such nickname", password);
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error().code, ErrorCode::internal_error);
    auto no_tool = export_from_nssdb(db, "kakuin test", password, dir.file("no-pk12util"));
    EXPECT_FALSE(no_tool.ok());
    auto missing = list_nss_user_certificates(dir.file("none"), NssPasswordSource{}, password);
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, ErrorCode::invalid_request);
}

}  // namespace
}  // namespace kakuin::client

namespace kakuin::client {
namespace {

TEST(NssExport, DatabaseWithAPasswordIsAskedOnceAndExportedWithIt) {
    TempDir dir;
    const std::string db = dir.file("nssdb");
    std::filesystem::create_directories(db);
    testing::write_file(dir.file("pw"), "s3cret-db\n");
    std::string out;
    ASSERT_EQ(testing::run("certutil -N -d sql:" + db + " -f " + dir.file("pw"), out), 0) << out;
    TestCa ca;
    auto key = std::move(generate_key(KeyType::p256)).value();
    IssuedChain chain = ca.chain(ca.issue(key.get()));
    auto right = []() -> std::optional<SecretString> { return SecretString("s3cret-db"); };
    ASSERT_TRUE(install_into_nssdb(db, key.get(), chain, "kakuin x", right).ok());

    SecretString password;
    auto refused = list_nss_user_certificates(
        db, []() -> std::optional<SecretString> { return SecretString("wrong"); }, password);
    ASSERT_FALSE(refused.ok());
    EXPECT_FALSE(list_nss_user_certificates(db, NssPasswordSource{}, password).ok());
    int asked = 0;
    auto all = list_nss_user_certificates(
        db,
        [&asked]() -> std::optional<SecretString> {
            ++asked;
            return SecretString("s3cret-db");
        },
        password);
    ASSERT_TRUE(all.ok()) << all.error().detail;
    EXPECT_EQ(asked, 1);
    ASSERT_EQ(all->size(), 1u);
    EXPECT_EQ(password.view(), "s3cret-db");
    auto exported = export_from_nssdb(db, "kakuin x", password);
    ASSERT_TRUE(exported.ok()) << exported.error().detail;
    EXPECT_TRUE(same_public_key(exported->key.get(), key.get()));
}

}  // namespace
}  // namespace kakuin::client
