#include "client/issued_chain.h"

#include <gtest/gtest.h>

#include "client/keygen.h"
#include "test_ca.h"

namespace kakuin::client {
namespace {

using testing::TempDir;
using testing::TestCa;

class IssuedChainTest : public ::testing::Test {
protected:
    void SetUp() override {
        key_ = std::move(generate_key(KeyType::p256)).value();
        ca_.write_root(dir_.path() / "ca.pem");
        ca_file_ = dir_.file("ca.pem");
    }
    TestCa ca_;
    TempDir dir_;
    EvpPkeyPtr key_;
    std::string ca_file_;
};

TEST_F(IssuedChainTest, ParsesLeafAndCas) {
    auto chain = parse_pem_chain(ca_.chain_pem(ca_.issue(key_.get()).get()));
    ASSERT_TRUE(chain.ok()) << chain.error().detail;
    EXPECT_NE(chain->leaf, nullptr);
    EXPECT_EQ(sk_X509_num(chain->cas.get()), 2);
}

TEST_F(IssuedChainTest, AcceptsOurKeyChainingToTheCaFile) {
    IssuedChain chain = ca_.chain(ca_.issue(key_.get()));
    Status s = check_issued_chain(chain, key_.get(), ca_file_, ca_.now());
    EXPECT_TRUE(s.ok()) << s.error().detail;
}

TEST_F(IssuedChainTest, AcceptsTheIssuingCaAloneAsTrustAnchor) {
    X509Ptr leaf = ca_.issue(key_.get());
    const std::string pem = ca_.chain_pem(leaf.get());
    const std::size_t issuing = pem.find("-----BEGIN CERTIFICATE-----", 10);
    const std::size_t root = pem.find("-----BEGIN CERTIFICATE-----", issuing + 10);
    testing::write_file(dir_.file("issuing.pem"), pem.substr(issuing, root - issuing));
    auto leaf_only = parse_pem_chain(pem.substr(0, issuing));
    ASSERT_TRUE(leaf_only.ok());
    Status s = check_issued_chain(*leaf_only, key_.get(), dir_.file("issuing.pem"), ca_.now());
    EXPECT_TRUE(s.ok()) << s.error().detail;
    // The root alone does not do without the issuing CA in the chain.
    EXPECT_FALSE(check_issued_chain(*leaf_only, key_.get(), ca_file_, ca_.now()).ok());
}

TEST_F(IssuedChainTest, RejectsALeafWithAnotherKey) {
    auto other = generate_key(KeyType::p256);
    ASSERT_TRUE(other.ok());
    IssuedChain chain = ca_.chain(ca_.issue(other->get()));
    Status s = check_issued_chain(chain, key_.get(), ca_file_, ca_.now());
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, ErrorCode::crypto_failure);
    EXPECT_NE(s.error().detail_ja.find("一致しません"), std::string::npos);
}

TEST_F(IssuedChainTest, RejectsAChainFromAnotherCa) {
    TestCa stranger;
    IssuedChain chain = stranger.chain(stranger.issue(key_.get()));
    Status s = check_issued_chain(chain, key_.get(), ca_file_, ca_.now());
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, ErrorCode::crypto_failure);
}

TEST_F(IssuedChainTest, RejectsAnExpiredLeaf) {
    IssuedChain chain = ca_.chain(ca_.issue(key_.get()));
    Status s = check_issued_chain(chain, key_.get(), ca_file_, ca_.now() + std::chrono::days(400));
    EXPECT_FALSE(s.ok());
}

TEST_F(IssuedChainTest, RejectsAServerCertificate) {
    testing::LeafOptions o;
    o.server = true;
    IssuedChain chain = ca_.chain(ca_.issue(key_.get(), o));
    EXPECT_FALSE(check_issued_chain(chain, key_.get(), ca_file_, ca_.now()).ok());
}

TEST_F(IssuedChainTest, RejectsAMissingCaFile) {
    IssuedChain chain = ca_.chain(ca_.issue(key_.get()));
    EXPECT_FALSE(check_issued_chain(chain, key_.get(), dir_.file("nope.pem"), ca_.now()).ok());
}

TEST_F(IssuedChainTest, RejectsBadInput) {
    const std::string good = ca_.chain_pem(ca_.issue(key_.get()).get());
    for (const std::string& bad :
         {std::string(), std::string("   \n"), std::string("garbage"), "junk\n" + good, good + "trailing",
          std::string("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
          good.substr(0, good.size() / 2), std::string(kMaxChainBytes + 1, ' ')}) {
        auto chain = parse_pem_chain(bad);
        ASSERT_FALSE(chain.ok()) << bad.substr(0, 40);
        EXPECT_EQ(chain.error().code, ErrorCode::invalid_request);
    }
}

TEST_F(IssuedChainTest, RejectsTooManyCertificates) {
    std::string many;
    const std::string leaf = testing::to_pem(ca_.issue(key_.get()).get());
    for (std::size_t i = 0; i <= kMaxChainCertificates; ++i) many += leaf;
    auto chain = parse_pem_chain(many);
    ASSERT_FALSE(chain.ok());
    EXPECT_EQ(chain.error().code, ErrorCode::invalid_request);
}

TEST_F(IssuedChainTest, SummarizesTheLeaf) {
    testing::LeafOptions o;
    o.serial = 0x7A3F;
    X509Ptr leaf = ca_.issue(key_.get(), o);
    auto s = summarize_certificate(leaf.get());
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->common_name, "00009876543 riyousya 1635");
    EXPECT_EQ(s->serial_hex, "7A3F");
    EXPECT_EQ(s->not_after, ca_.now() + std::chrono::days(365));
    EXPECT_EQ(s->not_before, ca_.now() - std::chrono::days(1));
}

}  // namespace
}  // namespace kakuin::client
