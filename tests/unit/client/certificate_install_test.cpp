#include "client/certificate_install.h"

#include <gtest/gtest.h>

#include <sstream>

#include "client/keygen.h"
#include "test_ca.h"

namespace kakuin::client {
namespace {

class CertificateInstallTest : public ::testing::Test {
protected:
    void SetUp() override {
        key_ = std::move(generate_key(KeyType::p256)).value();
        chain_ = ca_.chain(ca_.issue(key_.get()));
    }
    testing::TestCa ca_;
    testing::TempDir dir_;
    EvpPkeyPtr key_;
    IssuedChain chain_;
};

TEST_F(CertificateInstallTest, InstallsIntoBothAndSaysSo) {
    InstallTargets targets{dir_.file("db"), dir_.file("c.p12")};
    SecretString pw("pw");
    auto done = install_certificate(targets, key_.get(), chain_, &pw, {});
    ASSERT_TRUE(done.ok()) << done.error().detail;
    ASSERT_TRUE(done->nss.has_value());
    EXPECT_EQ(done->nss->nickname, "kakuin 00009876543 riyousya 1635");
    EXPECT_EQ(done->p12, dir_.file("c.p12"));
    EXPECT_TRUE(std::filesystem::exists(dir_.file("c.p12")));

    std::ostringstream ja, en;
    print_installation(ja, Lang::ja, *done);
    print_installation(en, Lang::en, *done);
    const TimePoint not_after = ca_.now() + std::chrono::days(365);
    EXPECT_EQ(ja.str(), "電子証明書を取得しました。\n"
                        "  CN: 00009876543 riyousya 1635\n"
                        "  シリアル番号: 1635\n"
                        "  有効期限: " + format_jst_ja(not_after) + "（日本時間） (" + format_iso8601(not_after) + ")\n"
                        "  登録先 NSSデータベース: sql:" + dir_.file("db") +
                        "（ニックネーム: kakuin 00009876543 riyousya 1635）\n"
                        "  PKCS#12ファイル: " + dir_.file("c.p12") + "\n");
    EXPECT_NE(en.str().find("Valid until: " + format_iso8601(not_after)), std::string::npos) << en.str();
}

TEST_F(CertificateInstallTest, NothingToDoIsNotAnError) {
    auto done = install_certificate({}, key_.get(), chain_, nullptr, {});
    ASSERT_TRUE(done.ok());
    EXPECT_FALSE(done->nss.has_value());
    EXPECT_FALSE(done->p12.has_value());
}

TEST_F(CertificateInstallTest, P12NeedsAPassword) {
    InstallTargets targets{std::nullopt, dir_.file("c.p12")};
    auto done = install_certificate(targets, key_.get(), chain_, nullptr, {});
    ASSERT_FALSE(done.ok());
    EXPECT_EQ(done.error().code, ErrorCode::invalid_request);
    EXPECT_FALSE(std::filesystem::exists(dir_.file("c.p12")));
}

TEST(CertificateNickname, FallsBackToTheSerial) {
    CertificateSummary s;
    s.serial_hex = "0A";
    EXPECT_EQ(certificate_nickname(s), "kakuin 0A");
    s.common_name = "x y";
    EXPECT_EQ(certificate_nickname(s), "kakuin x y");
}

}  // namespace
}  // namespace kakuin::client
