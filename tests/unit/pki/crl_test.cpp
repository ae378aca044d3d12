#include <gtest/gtest.h>

#include <chrono>
#include <map>

#include <openssl/pem.h>

#include "pki/ca.h"
#include "pki_test_util.h"

namespace kakuin::pki {
namespace {

using testing::test_epoch;
using testing::TestCa;

X509CrlPtr parse_crl(const Bytes& der) {
    const unsigned char* p = der.data();
    X509CrlPtr crl(d2i_X509_CRL(nullptr, &p, static_cast<long>(der.size())));
    EXPECT_EQ(p, der.data() + der.size());
    return crl;
}

X509Ptr issuing_cert(const TestCa& t) {
    const std::string& pem = t.ca->issuing_pem();
    BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    return X509Ptr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

int reason_of(X509_REVOKED* rev) {
    int crit = 0;
    std::unique_ptr<ASN1_ENUMERATED, Deleter<ASN1_ENUMERATED_free>> e(
        static_cast<ASN1_ENUMERATED*>(X509_REVOKED_get_ext_d2i(rev, NID_crl_reason, &crit, nullptr)));
    return e ? static_cast<int>(ASN1_ENUMERATED_get(e.get())) : -1;
}

TEST(Crl, ContentParsesBackWithOpenSsl) {
    TestCa t;
    const TimePoint now = test_epoch();
    const std::vector<RevokedEntry> revoked = {
        {"7A00000000000000000000000000000B", now - Days(3), RevocationReason::key_compromise},
        {"0C", now - Days(2), RevocationReason::superseded},
        {"1234ABCD", now - Days(1), RevocationReason::unspecified},
        {"6F", now - Seconds(10), RevocationReason::privilege_withdrawn},
        {"6E", now - Seconds(10), RevocationReason::affiliation_changed},
        {"6D", now - Seconds(9), RevocationReason::cessation_of_operation},
        {"80", now - Seconds(8), RevocationReason::superseded},                   // needs a 0x00 octet
        {"FF", from_unix(2556144000), RevocationReason::key_compromise},         // 2051: GeneralizedTime
    };
    auto der = t.ca->make_crl(revoked, 42, now, now + std::chrono::hours(24));
    ASSERT_TRUE(der.ok()) << der.error().detail;
    X509CrlPtr crl = parse_crl(*der);
    ASSERT_TRUE(crl);

    X509Ptr issuing = issuing_cert(t);
    EXPECT_EQ(X509_CRL_get_version(crl.get()), X509_CRL_VERSION_2);
    EXPECT_EQ(X509_NAME_cmp(X509_CRL_get_issuer(crl.get()), X509_get_subject_name(issuing.get())), 0);
    EXPECT_EQ(X509_CRL_verify(crl.get(), X509_get0_pubkey(issuing.get())), 1);
    EXPECT_EQ(*from_asn1_time(X509_CRL_get0_lastUpdate(crl.get())), now);
    EXPECT_EQ(*from_asn1_time(X509_CRL_get0_nextUpdate(crl.get())), now + std::chrono::hours(24));

    int crit = 0;
    Asn1IntegerPtr number(static_cast<ASN1_INTEGER*>(X509_CRL_get_ext_d2i(crl.get(), NID_crl_number, &crit, nullptr)));
    ASSERT_TRUE(number);
    EXPECT_EQ(ASN1_INTEGER_get(number.get()), 42);
    EXPECT_EQ(crit, 0);
    std::unique_ptr<AUTHORITY_KEYID, Deleter<AUTHORITY_KEYID_free>> akid(
        static_cast<AUTHORITY_KEYID*>(X509_CRL_get_ext_d2i(crl.get(), NID_authority_key_identifier, &crit, nullptr)));
    ASSERT_TRUE(akid && akid->keyid);
    EXPECT_EQ(ASN1_OCTET_STRING_cmp(akid->keyid, X509_get0_subject_key_id(issuing.get())), 0);

    STACK_OF(X509_REVOKED)* entries = X509_CRL_get_REVOKED(crl.get());
    ASSERT_EQ(sk_X509_REVOKED_num(entries), static_cast<int>(revoked.size()));
    std::map<std::string, X509_REVOKED*> by_serial;
    for (int i = 0; i < sk_X509_REVOKED_num(entries); ++i) {
        X509_REVOKED* rev = sk_X509_REVOKED_value(entries, i);
        by_serial[serial_to_hex(X509_REVOKED_get0_serialNumber(rev))] = rev;
    }
    for (int i = 1; i < sk_X509_REVOKED_num(entries); ++i)  // sorted by serial, as openssl ca does
        EXPECT_LT(ASN1_INTEGER_cmp(X509_REVOKED_get0_serialNumber(sk_X509_REVOKED_value(entries, i - 1)),
                                   X509_REVOKED_get0_serialNumber(sk_X509_REVOKED_value(entries, i))),
                  0);
    for (const RevokedEntry& e : revoked) {
        ASSERT_TRUE(by_serial.count(e.serial_hex)) << e.serial_hex;
        X509_REVOKED* rev = by_serial[e.serial_hex];
        EXPECT_EQ(*from_asn1_time(X509_REVOKED_get0_revocationDate(rev)), e.revoked_at);
        const int expected = e.reason == RevocationReason::unspecified ? -1 : static_cast<int>(e.reason);
        EXPECT_EQ(reason_of(rev), expected) << e.serial_hex;
    }
}

TEST(Crl, EmptyCrlIsValid) {
    TestCa t;
    auto der = t.ca->make_crl({}, 1, test_epoch(), test_epoch() + Days(1));
    ASSERT_TRUE(der.ok());
    X509CrlPtr crl = parse_crl(*der);
    ASSERT_TRUE(crl);
    EXPECT_LE(sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl.get())), 0);  // -1: field absent
    EXPECT_EQ(X509_CRL_verify(crl.get(), X509_get0_pubkey(issuing_cert(t).get())), 1);
}

TEST(Crl, RefusesBadArguments) {
    TestCa t;
    const TimePoint now = test_epoch();
    EXPECT_EQ(t.ca->make_crl({}, 1, now, now).error().code, ErrorCode::invalid_request);
    EXPECT_EQ(t.ca->make_crl({}, -1, now, now + Days(1)).error().code, ErrorCode::invalid_request);
    const std::vector<RevokedEntry> bad_serial = {{"XYZ", now, RevocationReason::superseded}};
    EXPECT_EQ(t.ca->make_crl(bad_serial, 1, now, now + Days(1)).error().code, ErrorCode::invalid_request);
    const std::vector<RevokedEntry> bad_reason = {{"01", now, static_cast<RevocationReason>(99)}};
    EXPECT_EQ(t.ca->make_crl(bad_reason, 1, now, now + Days(1)).error().code, ErrorCode::invalid_request);
}

TEST(Crl, HundredThousandEntriesQuickly) {
    TestCa t;
    OsRandom random;
    std::vector<RevokedEntry> revoked;
    revoked.reserve(100000);
    for (int i = 0; i < 100000; ++i)
        revoked.push_back({random_serial_hex(random), test_epoch() - Seconds(i % 5000), RevocationReason::superseded});
    const auto start = std::chrono::steady_clock::now();
    auto der = t.ca->make_crl(revoked, 7, test_epoch(), test_epoch() + Days(1));
    const auto elapsed = std::chrono::steady_clock::now() - start;
    std::printf("make_crl(100000): %lld ms\n",
                static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()));
    ASSERT_TRUE(der.ok());
    X509CrlPtr crl = parse_crl(*der);
    ASSERT_TRUE(crl);
    EXPECT_EQ(sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl.get())), 100000);
    EXPECT_EQ(X509_CRL_verify(crl.get(), X509_get0_pubkey(issuing_cert(t).get())), 1);
    // `openssl ca -gencrl` needs ~0.4 s here; allow generous slack for sanitizer builds.
    EXPECT_LT(std::chrono::duration_cast<std::chrono::seconds>(elapsed).count(), 20);
}

}  // namespace
}  // namespace kakuin::pki
