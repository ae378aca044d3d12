#include "client/csr.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>

#include "client/keygen.h"

namespace kakuin::client {
namespace {

X509ReqPtr parse(const std::string& pem) {
    BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    return X509ReqPtr(PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr));
}

class CsrTest : public ::testing::TestWithParam<KeyType> {};

TEST_P(CsrTest, VerifiesAndCarriesTheKey) {
    auto key = generate_key(GetParam());
    ASSERT_TRUE(key.ok());
    auto pem = make_csr_pem(key->get(), "00009876543 riyousya");
    ASSERT_TRUE(pem.ok()) << pem.error().detail;
    EXPECT_EQ(pem->rfind("-----BEGIN CERTIFICATE REQUEST-----", 0), 0u);
    X509ReqPtr req = parse(*pem);
    ASSERT_NE(req, nullptr);
    EVP_PKEY* pub = X509_REQ_get0_pubkey(req.get());
    ASSERT_NE(pub, nullptr);
    EXPECT_EQ(X509_REQ_verify(req.get(), pub), 1);
    EXPECT_TRUE(same_public_key(pub, key->get()));
    char cn[128] = {};
    X509_NAME_get_text_by_NID(X509_REQ_get_subject_name(req.get()), NID_commonName, cn, sizeof cn);
    EXPECT_STREQ(cn, "00009876543 riyousya");
}

INSTANTIATE_TEST_SUITE_P(AllTypes, CsrTest,
                         ::testing::Values(KeyType::rsa2048, KeyType::rsa3072, KeyType::p256));

TEST(Csr, DoesNotVerifyWithAnotherKey) {
    auto key = generate_key(KeyType::p256);
    auto other = generate_key(KeyType::p256);
    ASSERT_TRUE(key.ok() && other.ok());
    auto pem = make_csr_pem(key->get(), "");
    ASSERT_TRUE(pem.ok());
    X509ReqPtr req = parse(*pem);
    ASSERT_NE(req, nullptr);
    EXPECT_NE(X509_REQ_verify(req.get(), other->get()), 1);
    EXPECT_EQ(X509_NAME_entry_count(X509_REQ_get_subject_name(req.get())), 0);
}

TEST(Csr, RefusesNoKey) {
    auto pem = make_csr_pem(nullptr, "x");
    ASSERT_FALSE(pem.ok());
    EXPECT_EQ(pem.error().code, ErrorCode::invalid_request);
}

TEST(Csr, RefusesAnOverlongCommonName) {
    auto key = generate_key(KeyType::p256);
    ASSERT_TRUE(key.ok());
    auto pem = make_csr_pem(key->get(), std::string(65, 'a'));
    ASSERT_FALSE(pem.ok());
    EXPECT_EQ(pem.error().code, ErrorCode::invalid_request);
}

}  // namespace
}  // namespace kakuin::client
