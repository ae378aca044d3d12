#include <gtest/gtest.h>

#include <openssl/core_names.h>

#include "pki/ca.h"
#include "pki_test_util.h"

namespace kakuin::pki {
namespace {

using testing::csr_der;
using testing::csr_pem;
using testing::make_csr;
using testing::make_key;
using testing::make_key_of;
using testing::to_bytes;

const std::vector<KeyType> kAll = {KeyType::rsa2048, KeyType::rsa3072, KeyType::rsa4096, KeyType::p256,
                                   KeyType::p384};

ErrorCode code_of(const Result<CheckedCsr>& r) {
    EXPECT_FALSE(r.ok());
    return r.ok() ? ErrorCode::internal_error : r.error().code;
}

class CsrKeyTypeTest : public ::testing::TestWithParam<KeyType> {};

TEST_P(CsrKeyTypeTest, AcceptsPemAndDerOfEachAllowedType) {
    EvpPkeyPtr key = make_key_of(GetParam());
    X509ReqPtr req = make_csr(key.get());
    for (const Bytes& input : {csr_der(req.get()), to_bytes(csr_pem(req.get())),
                               to_bytes("\r\n  " + csr_pem(req.get()) + "\n\n\t ")}) {
        auto r = check_csr(input, kAll);
        ASSERT_TRUE(r.ok()) << r.error().detail;
        EXPECT_EQ(r->key_type, GetParam());
        auto expected = to_der(key.get(), i2d_PUBKEY, "i2d_PUBKEY");
        ASSERT_TRUE(expected.ok());
        EXPECT_EQ(r->public_key_der, *expected);
    }
}

INSTANTIATE_TEST_SUITE_P(AllowedKeys, CsrKeyTypeTest,
                         ::testing::Values(KeyType::rsa2048, KeyType::rsa3072, KeyType::rsa4096, KeyType::p256,
                                           KeyType::p384),
                         [](const auto& info) { return std::string(key_type_name(info.param)); });

TEST(CheckCsr, AcceptsNewCertificateRequestLabel) {
    EvpPkeyPtr key = make_key_of(KeyType::p256);
    std::string pem = csr_pem(make_csr(key.get()).get());
    pem.replace(pem.find("BEGIN CERTIFICATE REQUEST"), 25, "BEGIN NEW CERTIFICATE REQUEST");
    pem.replace(pem.find("END CERTIFICATE REQUEST"), 23, "END NEW CERTIFICATE REQUEST");
    auto r = check_csr(to_bytes(pem), kAll);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().detail);
}

TEST(CheckCsr, TamperedSignatureIsRefused) {
    for (KeyType type : {KeyType::p256, KeyType::rsa2048}) {
        EvpPkeyPtr key = make_key_of(type);
        Bytes der = csr_der(make_csr(key.get()).get());
        der.back() ^= 0x01;  // last byte of the signature
        EXPECT_EQ(code_of(check_csr(der, kAll)), ErrorCode::csr_signature_invalid) << key_type_name(type);
    }
}

TEST(CheckCsr, TamperedSubjectIsRefused) {
    EvpPkeyPtr key = make_key_of(KeyType::p256);
    testing::CsrOptions opt;
    opt.cn = "AAAAAAAA";
    Bytes der = csr_der(make_csr(key.get(), opt).get());
    const std::string s(der.begin(), der.end());
    der[s.find("AAAAAAAA")] = 'B';
    EXPECT_EQ(code_of(check_csr(der, kAll)), ErrorCode::csr_signature_invalid);
}

TEST(CheckCsr, Rsa1024IsTooWeak) {
    EvpPkeyPtr key = make_key("RSA", 1024);
    EXPECT_EQ(code_of(check_csr(csr_der(make_csr(key.get()).get()), kAll)), ErrorCode::key_too_weak);
}

TEST(CheckCsr, OddRsaSizeIsNotAllowed) {
    EvpPkeyPtr key = make_key("RSA", 2560);
    EXPECT_EQ(code_of(check_csr(csr_der(make_csr(key.get()).get()), kAll)), ErrorCode::key_not_allowed);
}

TEST(CheckCsr, OtherCurvesAreNotAllowed) {
    for (const char* curve : {"secp256k1", "P-521", "brainpoolP256r1"}) {
        EvpPkeyPtr key = make_key("EC", 0, curve);
        EXPECT_EQ(code_of(check_csr(csr_der(make_csr(key.get()).get()), kAll)), ErrorCode::key_not_allowed) << curve;
    }
}

TEST(CheckCsr, ExplicitCurveParametersAreNotAllowed) {
    EvpPkeyPtr key = make_key_of(KeyType::p256);
    ASSERT_EQ(EVP_PKEY_set_utf8_string_param(key.get(), OSSL_PKEY_PARAM_EC_ENCODING, OSSL_PKEY_EC_ENCODING_EXPLICIT), 1);
    const Bytes der = csr_der(make_csr(key.get()).get());
    EvpPkeyPtr named = make_key_of(KeyType::p256);
    ASSERT_GT(der.size(), csr_der(make_csr(named.get()).get()).size() + 100);  // parameters spelled out
    EXPECT_EQ(code_of(check_csr(der, kAll)), ErrorCode::key_not_allowed);
}

TEST(CheckCsr, Ed25519AndDsaAreNotAllowed) {
    EvpPkeyPtr ed = make_key("ED25519");
    EXPECT_EQ(code_of(check_csr(csr_der(make_csr(ed.get()).get()), kAll)), ErrorCode::key_not_allowed);
    EvpPkeyPtr dsa = make_key("DSA", 1024);
    EXPECT_EQ(code_of(check_csr(csr_der(make_csr(dsa.get()).get()), kAll)), ErrorCode::key_not_allowed);
}

TEST(CheckCsr, RsaPssKeyIsNotAllowed) {
    EvpPkeyPtr key = make_key("RSA-PSS", 2048);
    EXPECT_EQ(code_of(check_csr(csr_der(make_csr(key.get()).get()), kAll)), ErrorCode::key_not_allowed);
}

TEST(CheckCsr, Sha1SignatureIsRefused) {
    EvpPkeyPtr key = make_key_of(KeyType::p256);
    X509ReqPtr req = make_csr(key.get());
    ASSERT_GT(X509_REQ_sign(req.get(), key.get(), EVP_sha1()), 0);
    EXPECT_EQ(code_of(check_csr(csr_der(req.get()), kAll)), ErrorCode::csr_signature_invalid);
    ASSERT_GT(X509_REQ_sign(req.get(), key.get(), EVP_sha384()), 0);
    EXPECT_TRUE(check_csr(csr_der(req.get()), kAll).ok());
}

TEST(CheckCsr, NonDerLengthIsInvalid) {
    EvpPkeyPtr key = make_key_of(KeyType::p256);
    Bytes der = csr_der(make_csr(key.get()).get());
    ASSERT_EQ(der[0], 0x30);
    ASSERT_EQ(der[1], 0x81);  // a P-256 CSR is 128..255 bytes long
    // Same length in two octets (BER, not DER).
    Bytes ber = {0x30, 0x82, 0x00, der[2]};
    ber.insert(ber.end(), der.begin() + 3, der.end());
    EXPECT_EQ(code_of(check_csr(ber, kAll)), ErrorCode::csr_invalid);
}

TEST(CheckCsr, KeyTypeOutsidePolicyIsNotAllowed) {
    EvpPkeyPtr key = make_key_of(KeyType::p256);
    const Bytes der = csr_der(make_csr(key.get()).get());
    EXPECT_EQ(code_of(check_csr(der, {KeyType::rsa2048, KeyType::rsa3072})), ErrorCode::key_not_allowed);
    EXPECT_EQ(code_of(check_csr(der, {})), ErrorCode::key_not_allowed);
}

TEST(CheckCsr, GarbageIsInvalid) {
    EXPECT_EQ(code_of(check_csr(to_bytes("hello, I am not a CSR"), kAll)), ErrorCode::csr_invalid);
    Bytes noise(700);
    for (std::size_t i = 0; i < noise.size(); ++i) noise[i] = static_cast<std::uint8_t>(i * 131 + 7);
    EXPECT_EQ(code_of(check_csr(noise, kAll)), ErrorCode::csr_invalid);
    // A DER SEQUENCE that is not a CSR.
    EXPECT_EQ(code_of(check_csr(Bytes{0x30, 0x03, 0x02, 0x01, 0x01}, kAll)), ErrorCode::csr_invalid);
}

TEST(CheckCsr, EmptyAndWhitespaceAreInvalid) {
    EXPECT_EQ(code_of(check_csr(Bytes{}, kAll)), ErrorCode::csr_invalid);
    EXPECT_EQ(code_of(check_csr(to_bytes(" \n\t\r\n"), kAll)), ErrorCode::csr_invalid);
}

TEST(CheckCsr, PemWithTrailingJunk) {
    EvpPkeyPtr key = make_key_of(KeyType::p256);
    const std::string pem = csr_pem(make_csr(key.get()).get());
    EXPECT_EQ(code_of(check_csr(to_bytes(pem + "junk\n"), kAll)), ErrorCode::csr_trailing_data);
    EXPECT_EQ(code_of(check_csr(to_bytes(pem + pem), kAll)), ErrorCode::csr_trailing_data);
    EXPECT_EQ(code_of(check_csr(to_bytes(pem + std::string(1, '\0')), kAll)), ErrorCode::csr_trailing_data);
}

TEST(CheckCsr, DerWithTrailingByte) {
    EvpPkeyPtr key = make_key_of(KeyType::p256);
    Bytes der = csr_der(make_csr(key.get()).get());
    der.push_back(0x00);
    EXPECT_EQ(code_of(check_csr(der, kAll)), ErrorCode::csr_trailing_data);
}

TEST(CheckCsr, MalformedPem) {
    EvpPkeyPtr key = make_key_of(KeyType::p256);
    const std::string pem = csr_pem(make_csr(key.get()).get());
    std::string wrong_label = pem;
    wrong_label.replace(wrong_label.find("BEGIN CERTIFICATE REQUEST"), 25, "BEGIN CERTIFICATE");
    wrong_label.replace(wrong_label.find("END CERTIFICATE REQUEST"), 23, "END CERTIFICATE");
    EXPECT_EQ(code_of(check_csr(to_bytes(wrong_label), kAll)), ErrorCode::csr_invalid);
    std::string no_end = pem.substr(0, pem.find("-----END"));
    EXPECT_EQ(code_of(check_csr(to_bytes(no_end), kAll)), ErrorCode::csr_invalid);
    std::string bad_b64 = pem;
    bad_b64[pem.find('\n') + 5] = '*';
    EXPECT_EQ(code_of(check_csr(to_bytes(bad_b64), kAll)), ErrorCode::csr_invalid);
    EXPECT_EQ(code_of(check_csr(to_bytes("-----BEGIN CERTIFICATE REQUEST-----\n-----END CERTIFICATE REQUEST-----\n"), kAll)),
              ErrorCode::csr_invalid);
    EXPECT_EQ(code_of(check_csr(to_bytes("junk\n" + pem), kAll)), ErrorCode::csr_invalid);
}

TEST(CheckCsr, SizeLimitIsCheckedBeforeParsing) {
    EvpPkeyPtr key = make_key_of(KeyType::p256);
    const std::string pem = csr_pem(make_csr(key.get()).get());
    std::string at_limit = pem + std::string(kMaxCsrBytes - pem.size(), '\n');
    ASSERT_EQ(at_limit.size(), kMaxCsrBytes);
    EXPECT_TRUE(check_csr(to_bytes(at_limit), kAll).ok());
    EXPECT_EQ(code_of(check_csr(to_bytes(at_limit + "\n"), kAll)), ErrorCode::csr_too_large);
    EXPECT_EQ(code_of(check_csr(Bytes(kMaxCsrBytes + 1, 'A'), kAll)), ErrorCode::csr_too_large);
}

}  // namespace
}  // namespace kakuin::pki
