#include <gtest/gtest.h>

#include <openssl/pem.h>

#include <set>
#include <thread>

#include "pki/ca.h"
#include "pki_test_util.h"

namespace kakuin::pki {
namespace {

using testing::checked_csr;
using testing::csr_der;
using testing::make_csr;
using testing::make_key_of;
using testing::name_entry;
using testing::parse_cert_der;
using testing::test_epoch;
using testing::TestCa;

class FixedRandom final : public Random {
public:
    void fill(std::span<std::uint8_t> out) override {
        for (auto& b : out) b = next_++;
    }
private:
    std::uint8_t next_ = 0;
};

IssueRequest request_for(const CheckedCsr& csr, std::string serial) {
    IssueRequest r;
    r.csr = &csr;
    r.subject = {"00009876543 riyousya 1635", "かくいん銀行", "user"};
    r.serial_hex = std::move(serial);
    r.not_before = test_epoch();
    r.not_after = test_epoch() + Days(365);
    return r;
}

std::string ext_text(X509* cert, int nid) {
    const int i = X509_get_ext_by_NID(cert, nid, -1);
    if (i < 0) return "(absent)";
    X509_EXTENSION* ext = X509_get_ext(cert, i);
    BioPtr bio(BIO_new(BIO_s_mem()));
    X509V3_EXT_print(bio.get(), ext, 0, 0);
    return std::string(X509_EXTENSION_get_critical(ext) ? "critical " : "") + bio_to_string(bio.get());
}

X509Ptr pem_cert(const std::string& pem) {
    BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    return X509Ptr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

// Verifies `cert` for TLS client use against root + issuing at `when`.
int verify_client(const TestCa& t, X509* cert, TimePoint when) {
    X509Ptr root = pem_cert(t.ca->root_pem());
    X509Ptr issuing = pem_cert(t.ca->issuing_pem());
    std::unique_ptr<X509_STORE, Deleter<X509_STORE_free>> store(X509_STORE_new());
    X509_STORE_add_cert(store.get(), root.get());
    std::unique_ptr<X509_STORE_CTX, Deleter<X509_STORE_CTX_free>> ctx(X509_STORE_CTX_new());
    STACK_OF(X509)* untrusted = sk_X509_new_null();
    sk_X509_push(untrusted, issuing.get());
    X509_STORE_CTX_init(ctx.get(), store.get(), cert, untrusted);
    X509_STORE_CTX_set_time(ctx.get(), 0, static_cast<time_t>(to_unix(when)));
    X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_CLIENT);
    X509_VERIFY_PARAM_set_flags(X509_STORE_CTX_get0_param(ctx.get()), X509_V_FLAG_X509_STRICT);
    const int ok = X509_verify_cert(ctx.get());
    const int err = X509_STORE_CTX_get_error(ctx.get());
    sk_X509_free(untrusted);
    return ok == 1 ? X509_V_OK : (err == X509_V_OK ? -1 : err);
}

class IssueKeyTypeTest : public ::testing::TestWithParam<KeyType> {};

TEST_P(IssueKeyTypeTest, IssuesACompleteClientCertificate) {
    static TestCa t;
    const CheckedCsr csr = checked_csr(GetParam());
    OsRandom random;
    const std::string serial = random_serial_hex(random);
    auto issued = t.ca->issue(request_for(csr, serial));
    ASSERT_TRUE(issued.ok()) << issued.error().detail;
    X509Ptr cert = parse_cert_der(issued->der);
    ASSERT_TRUE(cert);

    EXPECT_EQ(X509_get_version(cert.get()), X509_VERSION_3);
    EXPECT_EQ(issued->serial_hex, serial);
    EXPECT_EQ(serial_to_hex(X509_get0_serialNumber(cert.get())), serial);
    const X509_NAME* subject = X509_get_subject_name(cert.get());
    EXPECT_EQ(name_entry(subject, NID_commonName), "00009876543 riyousya 1635");
    EXPECT_EQ(name_entry(subject, NID_organizationName), "かくいん銀行");
    EXPECT_EQ(name_entry(subject, NID_organizationalUnitName), "user");
    EXPECT_EQ(X509_NAME_entry_count(subject), 3);
    X509Ptr issuing = pem_cert(t.ca->issuing_pem());
    EXPECT_EQ(X509_NAME_cmp(X509_get_issuer_name(cert.get()), X509_get_subject_name(issuing.get())), 0);
    EXPECT_EQ(*from_asn1_time(X509_get0_notBefore(cert.get())), test_epoch());
    EXPECT_EQ(*from_asn1_time(X509_get0_notAfter(cert.get())), test_epoch() + Days(365));
    EXPECT_EQ(issued->not_before, test_epoch());
    EXPECT_EQ(issued->not_after, test_epoch() + Days(365));

    auto pub = to_der(X509_get0_pubkey(cert.get()), i2d_PUBKEY, "i2d_PUBKEY");
    EXPECT_EQ(*pub, csr.public_key_der);
    EXPECT_EQ(X509_verify(cert.get(), X509_get0_pubkey(issuing.get())), 1);
    EXPECT_EQ(X509_get_signature_nid(cert.get()), NID_ecdsa_with_SHA256);

    const bool rsa = GetParam() == KeyType::rsa2048 || GetParam() == KeyType::rsa3072 || GetParam() == KeyType::rsa4096;
    EXPECT_EQ(ext_text(cert.get(), NID_basic_constraints), "critical CA:FALSE");
    EXPECT_EQ(ext_text(cert.get(), NID_key_usage),
              rsa ? "critical Digital Signature, Key Encipherment" : "critical Digital Signature");
    EXPECT_EQ(ext_text(cert.get(), NID_ext_key_usage), "TLS Web Client Authentication");
    EXPECT_EQ(ext_text(cert.get(), NID_crl_distribution_points), "Full Name:\n  URI:http://ca.example.test/crl");
    EXPECT_EQ(ext_text(cert.get(), NID_info_access), "OCSP - URI:http://ca.example.test/ocsp");
    EXPECT_EQ(X509_get_ext_count(cert.get()), 7);
    EXPECT_EQ(ext_text(cert.get(), NID_subject_alt_name), "(absent)");

    // SKI is the key hash; AKI is the issuing CA's SKI.
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    ASSERT_EQ(X509_pubkey_digest(cert.get(), EVP_sha1(), md, &len), 1);
    const ASN1_OCTET_STRING* ski = X509_get0_subject_key_id(cert.get());
    ASSERT_NE(ski, nullptr);
    EXPECT_EQ(Bytes(ASN1_STRING_get0_data(ski), ASN1_STRING_get0_data(ski) + ASN1_STRING_length(ski)), Bytes(md, md + len));
    const ASN1_OCTET_STRING* aki = X509_get0_authority_key_id(cert.get());
    ASSERT_NE(aki, nullptr);
    EXPECT_EQ(ASN1_OCTET_STRING_cmp(aki, X509_get0_subject_key_id(issuing.get())), 0);

    // PEM, DER and fingerprint agree.
    X509Ptr from_pem = pem_cert(issued->pem);
    ASSERT_TRUE(from_pem);
    EXPECT_EQ(X509_cmp(from_pem.get(), cert.get()), 0);
    unsigned char fp[EVP_MAX_MD_SIZE];
    unsigned int fp_len = 0;
    X509_digest(cert.get(), EVP_sha256(), fp, &fp_len);
    EXPECT_EQ(issued->sha256_fingerprint_hex, hex_lower({fp, fp_len}));
    EXPECT_EQ(issued->sha256_fingerprint_hex.size(), 64u);

    EXPECT_EQ(verify_client(t, cert.get(), test_epoch() + Days(1)), X509_V_OK);
    EXPECT_EQ(verify_client(t, cert.get(), test_epoch() + Days(366)), X509_V_ERR_CERT_HAS_EXPIRED);
}

INSTANTIATE_TEST_SUITE_P(AllowedKeys, IssueKeyTypeTest,
                         ::testing::Values(KeyType::rsa2048, KeyType::rsa3072, KeyType::rsa4096, KeyType::p256,
                                           KeyType::p384),
                         [](const auto& info) { return std::string(key_type_name(info.param)); });

TEST(Issue, IgnoresTheCsrsSubjectAndExtensions) {
    TestCa t;
    EvpPkeyPtr key = make_key_of(KeyType::p256);
    testing::CsrOptions opt;
    opt.cn = "Evil Root CA";
    opt.add_ca_extensions = true;
    auto csr = check_csr(csr_der(make_csr(key.get(), opt).get()), {KeyType::p256});
    ASSERT_TRUE(csr.ok());
    auto issued = t.ca->issue(request_for(*csr, "0A1B"));
    ASSERT_TRUE(issued.ok()) << issued.error().detail;
    X509Ptr cert = parse_cert_der(issued->der);
    EXPECT_EQ(name_entry(X509_get_subject_name(cert.get()), NID_commonName), "00009876543 riyousya 1635");
    EXPECT_EQ(name_entry(X509_get_subject_name(cert.get()), NID_organizationName), "かくいん銀行");
    EXPECT_EQ(ext_text(cert.get(), NID_basic_constraints), "critical CA:FALSE");
    EXPECT_EQ(ext_text(cert.get(), NID_key_usage), "critical Digital Signature");
    EXPECT_EQ(ext_text(cert.get(), NID_subject_alt_name), "(absent)");
    EXPECT_EQ(X509_check_ca(cert.get()), 0);
    EXPECT_EQ(issued->der.end(), std::search(issued->der.begin(), issued->der.end(), std::begin("Evil"), std::end("Evil") - 1));
}

TEST(Issue, SerialsAreUniqueAndPositive) {
    TestCa t;
    const CheckedCsr csr = checked_csr(KeyType::p256);
    OsRandom random;
    std::set<std::string> serials;
    for (int i = 0; i < 200; ++i) {
        auto issued = t.ca->issue(request_for(csr, random_serial_hex(random)));
        ASSERT_TRUE(issued.ok());
        X509Ptr cert = parse_cert_der(issued->der);
        const ASN1_INTEGER* s = X509_get0_serialNumber(cert.get());
        EXPECT_NE(ASN1_STRING_type(s), V_ASN1_NEG_INTEGER);
        EXPECT_EQ(ASN1_STRING_length(s), 16);
        serials.insert(issued->serial_hex);
    }
    EXPECT_EQ(serials.size(), 200u);
}

TEST(RandomSerial, CanonicalPositive128Bit) {
    FixedRandom fixed;  // first byte 0x00 is redrawn, 0x10.. follows
    const std::string s = random_serial_hex(fixed);
    EXPECT_EQ(s, "101112131415161718191A1B1C1D1E1F");
    OsRandom random;
    std::set<std::string> seen;
    for (int i = 0; i < 2000; ++i) {
        const std::string hex = random_serial_hex(random);
        ASSERT_EQ(hex.size(), 32u);
        EXPECT_TRUE(hex[0] >= '0' && hex[0] <= '7') << hex;
        EXPECT_NE(hex.substr(0, 2), "00");
        auto parsed = serial_from_hex(hex);
        ASSERT_TRUE(parsed.ok());
        EXPECT_EQ(serial_to_hex(parsed->get()), hex);  // BN_bn2hex form
        seen.insert(hex);
    }
    EXPECT_EQ(seen.size(), 2000u);
}

TEST(Issue, RefusesBadRequests) {
    TestCa t;
    const CheckedCsr csr = checked_csr(KeyType::p256);
    for (const char* bad : {"", "0", "00", "-1", "xyz", "12 34", "1234567890123456789012345678901234567890A"}) {
        auto r = t.ca->issue(request_for(csr, bad));
        ASSERT_FALSE(r.ok()) << bad;
        EXPECT_EQ(r.error().code, ErrorCode::invalid_request) << bad;
    }
    auto backwards = request_for(csr, "01");
    backwards.not_after = backwards.not_before;
    EXPECT_EQ(t.ca->issue(backwards).error().code, ErrorCode::invalid_request);
    auto no_cn = request_for(csr, "01");
    no_cn.subject.common_name.clear();
    EXPECT_EQ(t.ca->issue(no_cn).error().code, ErrorCode::invalid_request);
    auto long_cn = request_for(csr, "01");
    long_cn.subject.common_name = std::string(65, 'a');
    EXPECT_EQ(t.ca->issue(long_cn).error().code, ErrorCode::invalid_request);
    auto no_csr = request_for(csr, "01");
    no_csr.csr = nullptr;
    EXPECT_FALSE(t.ca->issue(no_csr).ok());
    CheckedCsr broken = csr;
    broken.public_key_der.resize(10);
    EXPECT_EQ(t.ca->issue(request_for(broken, "01")).error().code, ErrorCode::invalid_request);
}

TEST(Issue, ValidityIsExactlyAsRequestedAcross2050) {
    TestCa t;
    const CheckedCsr csr = checked_csr(KeyType::p256);
    auto r = request_for(csr, "7F");
    r.not_before = from_unix(2524607999);  // 2049-12-31T23:59:59Z (UTCTime)
    r.not_after = from_unix(2524608000);   // 2050-01-01T00:00:00Z (GeneralizedTime)
    auto issued = t.ca->issue(r);
    ASSERT_TRUE(issued.ok());
    X509Ptr cert = parse_cert_der(issued->der);
    EXPECT_EQ(ASN1_STRING_type(X509_get0_notBefore(cert.get())), V_ASN1_UTCTIME);
    EXPECT_EQ(ASN1_STRING_type(X509_get0_notAfter(cert.get())), V_ASN1_GENERALIZEDTIME);
    EXPECT_EQ(*from_asn1_time(X509_get0_notBefore(cert.get())), r.not_before);
    EXPECT_EQ(*from_asn1_time(X509_get0_notAfter(cert.get())), r.not_after);
}

TEST(Issue, ConcurrentIssuanceIsSafe) {
    TestCa t;
    const CheckedCsr ec = checked_csr(KeyType::p256);
    const CheckedCsr rsa = checked_csr(KeyType::rsa2048);
    X509Ptr issuing = pem_cert(t.ca->issuing_pem());
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int n = 0; n < 4; ++n) {
        threads.emplace_back([&, n] {
            OsRandom random;
            for (int i = 0; i < 100; ++i) {
                auto issued = t.ca->issue(request_for(n % 2 ? ec : rsa, random_serial_hex(random)));
                X509Ptr cert = issued.ok() ? parse_cert_der(issued->der) : nullptr;
                if (!cert || X509_verify(cert.get(), X509_get0_pubkey(issuing.get())) != 1) ++failures;
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(failures.load(), 0);
}

TEST(Issue, RsaCaSignsWithSha256WithRsa) {
    TestCa t(KeyType::rsa2048);
    const CheckedCsr csr = checked_csr(KeyType::p256);
    auto issued = t.ca->issue(request_for(csr, "01"));
    ASSERT_TRUE(issued.ok());
    X509Ptr cert = parse_cert_der(issued->der);
    EXPECT_EQ(X509_get_signature_nid(cert.get()), NID_sha256WithRSAEncryption);
    EXPECT_EQ(verify_client(t, cert.get(), test_epoch() + Days(1)), X509_V_OK);
}

TEST(RevocationReasonName, Rfc5280Names) {
    EXPECT_EQ(revocation_reason_name(RevocationReason::unspecified), "unspecified");
    EXPECT_EQ(revocation_reason_name(RevocationReason::key_compromise), "keyCompromise");
    EXPECT_EQ(revocation_reason_name(RevocationReason::affiliation_changed), "affiliationChanged");
    EXPECT_EQ(revocation_reason_name(RevocationReason::superseded), "superseded");
    EXPECT_EQ(revocation_reason_name(RevocationReason::cessation_of_operation), "cessationOfOperation");
    EXPECT_EQ(revocation_reason_name(RevocationReason::privilege_withdrawn), "privilegeWithdrawn");
}

}  // namespace
}  // namespace kakuin::pki
