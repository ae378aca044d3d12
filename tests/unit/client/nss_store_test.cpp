#include "client/nss_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "client/keygen.h"
#include "test_ca.h"

namespace kakuin::client {
namespace {

using testing::run;
using testing::TempDir;
using testing::TestCa;

class NssStoreTest : public ::testing::TestWithParam<KeyType> {
protected:
    TestCa ca_;
    TempDir dir_;
};

TEST_P(NssStoreTest, CreatesTheDatabaseAndInstallsKeyAndCertificate) {
    auto key = generate_key(GetParam());
    ASSERT_TRUE(key.ok());
    IssuedChain chain = ca_.chain(ca_.issue(key->get()));
    const std::string db = dir_.file("home/.pki/nssdb");
    auto r = install_into_nssdb(db, key->get(), chain, "kakuin 00009876543 riyousya 1635", {});
    ASSERT_TRUE(r.ok()) << r.error().detail;
    EXPECT_EQ(r->directory, db);
    struct stat st{};
    ASSERT_EQ(::stat(db.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);

    std::string out;
    ASSERT_EQ(run("certutil -L -d sql:" + db, out), 0) << out;
    EXPECT_NE(out.find("kakuin 00009876543 riyousya 1635"), std::string::npos) << out;
    // The line of our certificate carries the user trust flags (it has a private key).
    const auto line = out.find("kakuin 00009876543 riyousya 1635");
    const auto eol = out.find('\n', line);
    EXPECT_NE(out.substr(line, eol - line).find("u,u,u"), std::string::npos) << out;

    ASSERT_EQ(run("certutil -K -d sql:" + db + " -f /dev/null", out), 0) << out;
    EXPECT_NE(out.find("kakuin 00009876543 riyousya 1635"), std::string::npos) << out;
    EXPECT_NE(out.find(GetParam() == KeyType::p256 ? "ec" : "rsa"), std::string::npos) << out;

    // The certificate in the database is the one we were given.
    ASSERT_EQ(run("certutil -L -a -n 'kakuin 00009876543 riyousya 1635' -d sql:" + db, out), 0) << out;
    auto stored = parse_pem_chain(out);
    ASSERT_TRUE(stored.ok()) << out;
    EXPECT_EQ(X509_cmp(stored->leaf.get(), chain.leaf.get()), 0);
}

INSTANTIATE_TEST_SUITE_P(KeyTypes, NssStoreTest, ::testing::Values(KeyType::rsa2048, KeyType::p256));

TEST(NssStore, InstallsASecondCertificateIntoAnExistingDatabase) {
    TestCa ca;
    TempDir dir;
    const std::string db = dir.file("nssdb");
    for (int i = 0; i < 2; ++i) {
        auto key = generate_key(KeyType::p256);
        ASSERT_TRUE(key.ok());
        testing::LeafOptions o;
        o.serial = 100 + i;
        o.common_name = "00009876543 riyousya 000" + std::to_string(i);
        IssuedChain chain = ca.chain(ca.issue(key->get(), o));
        auto r = install_into_nssdb(db, key->get(), chain, "kakuin " + o.common_name, {});
        ASSERT_TRUE(r.ok()) << r.error().detail;
    }
    std::string out;
    ASSERT_EQ(run("certutil -K -d sql:" + db + " -f /dev/null", out), 0) << out;
    EXPECT_NE(out.find("riyousya 0000"), std::string::npos) << out;
    EXPECT_NE(out.find("riyousya 0001"), std::string::npos) << out;
}

TEST(NssStore, AsksForThePasswordOfAProtectedDatabaseAndFailsWithoutIt) {
    TempDir dir;
    const std::string db = dir.file("nssdb");
    std::filesystem::create_directories(db);
    testing::write_file(dir.file("pw"), "s3cret-db\n");
    std::string out;
    ASSERT_EQ(run("certutil -N -d sql:" + db + " -f " + dir.file("pw"), out), 0) << out;

    TestCa ca;
    auto key = generate_key(KeyType::p256);
    ASSERT_TRUE(key.ok());
    IssuedChain chain = ca.chain(ca.issue(key->get()));
    int asked = 0;
    auto wrong = install_into_nssdb(db, key->get(), chain, "kakuin x", [&asked]() -> std::optional<SecretString> {
        ++asked;
        return SecretString("wrong");
    });
    ASSERT_FALSE(wrong.ok());
    EXPECT_EQ(wrong.error().code, ErrorCode::internal_error);
    EXPECT_EQ(asked, 1);
    auto none = install_into_nssdb(db, key->get(), chain, "kakuin x", {});
    ASSERT_FALSE(none.ok());

    auto right = install_into_nssdb(db, key->get(), chain, "kakuin x",
                                    []() -> std::optional<SecretString> { return SecretString("s3cret-db"); });
    ASSERT_TRUE(right.ok()) << right.error().detail;
    ASSERT_EQ(run("certutil -K -d sql:" + db + " -f " + dir.file("pw"), out), 0) << out;
    EXPECT_NE(out.find("kakuin x"), std::string::npos) << out;
}

TEST(NssStore, RefusesAnEmptyDirectoryName) {
    TestCa ca;
    auto key = generate_key(KeyType::p256);
    ASSERT_TRUE(key.ok());
    IssuedChain chain = ca.chain(ca.issue(key->get()));
    auto r = install_into_nssdb("", key->get(), chain, "kakuin x", {});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::invalid_request);
}

TEST(NssStore, ReportsADirectoryThatIsAFile) {
    TempDir dir;
    testing::write_file(dir.file("file"), "x");
    TestCa ca;
    auto key = generate_key(KeyType::p256);
    ASSERT_TRUE(key.ok());
    IssuedChain chain = ca.chain(ca.issue(key->get()));
    auto r = install_into_nssdb(dir.file("file"), key->get(), chain, "kakuin x", {});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::internal_error);
    EXPECT_FALSE(r.error().detail_ja.empty());
}

}  // namespace
}  // namespace kakuin::client
