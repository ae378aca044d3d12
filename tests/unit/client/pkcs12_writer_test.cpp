#include "client/pkcs12_writer.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "client/keygen.h"
#include "test_ca.h"

namespace kakuin::client {
namespace {

using testing::run;
using testing::TempDir;
using testing::TestCa;

class Pkcs12WriterTest : public ::testing::Test {
protected:
    void SetUp() override {
        key_ = std::move(generate_key(KeyType::rsa2048)).value();
        chain_ = ca_.chain(ca_.issue(key_.get()));
        path_ = dir_.file("cert.p12");
        testing::write_file(dir_.file("right"), "correct horse\n");
        testing::write_file(dir_.file("wrong"), "battery staple\n");
    }
    TestCa ca_;
    TempDir dir_;
    EvpPkeyPtr key_;
    IssuedChain chain_;
    std::string path_;
};

TEST_F(Pkcs12WriterTest, WritesAnAesEncryptedFileOnlyTheOwnerReads) {
    Status s = write_pkcs12(path_, key_.get(), chain_, "kakuin test", SecretString("correct horse"));
    ASSERT_TRUE(s.ok()) << s.error().detail;
    struct stat st{};
    ASSERT_EQ(::stat(path_.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);

    std::string out;
    EXPECT_NE(run("openssl pkcs12 -info -noout -in " + path_ + " -passin file:" + dir_.file("wrong"), out), 0)
        << out;
    ASSERT_EQ(run("openssl pkcs12 -info -noout -in " + path_ + " -passin file:" + dir_.file("right"), out), 0)
        << out;
    EXPECT_NE(out.find("AES-256-CBC"), std::string::npos) << out;
    EXPECT_NE(out.find("PBKDF2"), std::string::npos) << out;
    EXPECT_NE(out.find("MAC: sha256"), std::string::npos) << out;
    EXPECT_EQ(out.find("RC2"), std::string::npos) << out;
    EXPECT_EQ(out.find("3DES"), std::string::npos) << out;
}

TEST_F(Pkcs12WriterTest, HoldsTheKeyTheLeafAndTheCaChain) {
    ASSERT_TRUE(write_pkcs12(path_, key_.get(), chain_, "kakuin test", SecretString("correct horse")).ok());
    std::string out;
    ASSERT_EQ(run("openssl pkcs12 -in " + path_ + " -passin file:" + dir_.file("right") +
                      " -nokeys | grep -c 'BEGIN CERTIFICATE'",
                  out),
              0);
    EXPECT_EQ(out, "3\n");
    ASSERT_EQ(run("openssl pkcs12 -in " + path_ + " -passin file:" + dir_.file("right") +
                      " -nocerts -nodes | openssl pkey -pubout",
                  out),
              0)
        << out;
    EXPECT_NE(out.find("BEGIN PUBLIC KEY"), std::string::npos);
    std::string ours;
    testing::write_file(dir_.file("leaf.pem"), testing::to_pem(chain_.leaf.get()));
    ASSERT_EQ(run("openssl x509 -in " + dir_.file("leaf.pem") + " -noout -pubkey", ours), 0);
    EXPECT_EQ(out, ours);
    ASSERT_EQ(run("openssl pkcs12 -in " + path_ + " -passin file:" + dir_.file("right") +
                      " -nokeys -clcerts | grep friendlyName",
                  out),
              0);
    EXPECT_NE(out.find("kakuin test"), std::string::npos);
}

TEST_F(Pkcs12WriterTest, ReplacesAnExistingFileAndKeepsMode0600) {
    testing::write_file(path_, "old");
    ::chmod(path_.c_str(), 0644);
    ASSERT_TRUE(write_pkcs12(path_, key_.get(), chain_, "n", SecretString("correct horse")).ok());
    struct stat st{};
    ASSERT_EQ(::stat(path_.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_GT(st.st_size, 1000);
}

TEST_F(Pkcs12WriterTest, RefusesAnEmptyPassword) {
    Status s = write_pkcs12(path_, key_.get(), chain_, "n", SecretString(""));
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, ErrorCode::invalid_request);
    EXPECT_FALSE(std::filesystem::exists(path_));
}

TEST_F(Pkcs12WriterTest, ReportsAnUnwritableDirectory) {
    Status s = write_pkcs12(dir_.file("no/such/dir/cert.p12"), key_.get(), chain_, "n",
                            SecretString("correct horse"));
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, ErrorCode::internal_error);
    EXPECT_FALSE(s.error().detail_ja.empty());
}

}  // namespace
}  // namespace kakuin::client
