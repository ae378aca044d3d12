#include "client/keygen.h"

#include <gtest/gtest.h>
#include <openssl/x509.h>

namespace kakuin::client {
namespace {

class KeygenTest : public ::testing::TestWithParam<KeyType> {};

TEST_P(KeygenTest, MakesAKeyOfTheAskedType) {
    auto key = generate_key(GetParam());
    ASSERT_TRUE(key.ok()) << key.error().detail;
    auto type = key_type_of(key->get());
    ASSERT_TRUE(type.ok());
    EXPECT_EQ(*type, GetParam());
}

TEST_P(KeygenTest, Pkcs8RoundTripsToTheSameKey) {
    auto key = generate_key(GetParam());
    ASSERT_TRUE(key.ok());
    auto der = private_key_pkcs8_der(key->get());
    ASSERT_TRUE(der.ok());
    const unsigned char* p = der->data();
    EvpPkeyPtr back(d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(der->size())));
    ASSERT_NE(back, nullptr);
    EXPECT_TRUE(same_public_key(back.get(), key->get()));
}

INSTANTIATE_TEST_SUITE_P(AllTypes, KeygenTest,
                         ::testing::Values(KeyType::rsa2048, KeyType::rsa3072, KeyType::p256,
                                           KeyType::p384));

TEST(Keygen, TwoKeysDiffer) {
    auto a = generate_key(KeyType::p256);
    auto b = generate_key(KeyType::p256);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_FALSE(same_public_key(a->get(), b->get()));
    EXPECT_TRUE(same_public_key(a->get(), a->get()));
}

TEST(Keygen, RsaKeyIsNotAnEcKey) {
    auto a = generate_key(KeyType::rsa2048);
    auto b = generate_key(KeyType::p256);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_FALSE(same_public_key(a->get(), b->get()));
    EXPECT_FALSE(same_public_key(nullptr, b->get()));
}

TEST(Keygen, KeyTypeOfNothingIsAnError) {
    auto t = key_type_of(nullptr);
    ASSERT_FALSE(t.ok());
    EXPECT_EQ(t.error().code, ErrorCode::invalid_request);
}

TEST(Keygen, KeyTypeOfAnUnsupportedSizeIsAnError) {
    EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
    ASSERT_EQ(EVP_PKEY_keygen_init(ctx.get()), 1);
    ASSERT_EQ(EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), 1024), 1);
    EVP_PKEY* raw = nullptr;
    ASSERT_EQ(EVP_PKEY_generate(ctx.get(), &raw), 1);
    EvpPkeyPtr key(raw);
    auto t = key_type_of(key.get());
    ASSERT_FALSE(t.ok());
    EXPECT_EQ(t.error().code, ErrorCode::invalid_request);
}

}  // namespace
}  // namespace kakuin::client
