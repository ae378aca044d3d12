// Each bad CSR is refused with its own error code, and nothing is written to the store.
#include "service_fixture.h"

namespace kakuin::service::testing {
namespace {

class BadCsrTest : public ServiceTest {
protected:
    void SetUp() override {
        ServiceTest::SetUp();
        register_people();
        ASSERT_TRUE(certs->register_issuance(admin, kUser).ok());
    }

    // Refused with `code`; rows, slot and history exactly as before.
    void expect_refused(const Bytes& csr, ErrorCode code) {
        const store::RowCounts before = counts();
        const CertificateSlot slot_before = *certs->slot(kUser);
        auto r = certs->issue_from_csr(Actor::person(kUser), kUser, csr);
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().code, code) << error_code_name(r.error().code) << ": " << r.error().detail;
        EXPECT_EQ(counts(), before);
        EXPECT_EQ(*certs->slot(kUser), slot_before);
        auto renew = certs->renew(Actor::person(kUser), kUser, csr);
        ASSERT_FALSE(renew.ok());
        EXPECT_EQ(renew.error().code, code);
        EXPECT_EQ(counts(), before);
    }
};

Bytes bytes(const std::string& s) { return Bytes(s.begin(), s.end()); }

TEST_F(BadCsrTest, BadSignature) {
    Bytes der = csr_der(p256.get());
    der[der.size() - 3] ^= 0x01;  // inside the signature value
    expect_refused(der, ErrorCode::csr_signature_invalid);
}

TEST_F(BadCsrTest, Rsa1024) {
    auto weak = make_key("RSA", 1024);
    expect_refused(csr_der(weak.get()), ErrorCode::key_too_weak);
}

TEST_F(BadCsrTest, UnsupportedCurve) {
    auto k1 = make_key("EC", 0, "secp256k1");
    expect_refused(csr_der(k1.get()), ErrorCode::key_not_allowed);
}

TEST_F(BadCsrTest, KeyTypeNotInPolicy) {
    policy.certificate.allowed_key_types = {KeyType::rsa2048};
    expect_refused(csr_der(p256.get()), ErrorCode::key_not_allowed);
}

TEST_F(BadCsrTest, Garbage) {
    expect_refused(bytes("this is not a certificate signing request"), ErrorCode::csr_invalid);
    expect_refused(Bytes{}, ErrorCode::csr_invalid);
    Bytes truncated = csr_der(p256.get());
    truncated.resize(truncated.size() / 2);
    expect_refused(truncated, ErrorCode::csr_invalid);
}

TEST_F(BadCsrTest, PemWithTrailingJunk) {
    expect_refused(bytes(csr_pem(p256.get()) + "junk after the PEM block\n"),
                   ErrorCode::csr_trailing_data);
    Bytes der = csr_der(p256.get());
    der.push_back(0x00);
    expect_refused(der, ErrorCode::csr_trailing_data);
}

TEST_F(BadCsrTest, Oversized) {
    std::string pem = csr_pem(p256.get());
    pem.append(pki::kMaxCsrBytes, ' ');
    expect_refused(bytes(pem), ErrorCode::csr_too_large);
}

TEST_F(BadCsrTest, GoodPemIsAccepted) {
    // The control: the same path accepts a well-formed PEM CSR.
    auto r = certs->issue_from_csr(Actor::person(kUser), kUser, bytes(csr_pem(p256.get())));
    ASSERT_TRUE(r.ok()) << r.error().detail;
}

}  // namespace
}  // namespace kakuin::service::testing
