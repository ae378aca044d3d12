// The CRL and OCSP answers come from the store, signed by the real CA.
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <map>

#include "service_fixture.h"

namespace kakuin::service::testing {
namespace {

pki::X509Ptr issuing_cert() {
    const std::string& pem = shared_ca().ca->issuing_pem();
    pki::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    return pki::X509Ptr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

std::int64_t crl_number(X509_CRL* crl) {
    auto* n = static_cast<ASN1_INTEGER*>(X509_CRL_get_ext_d2i(crl, NID_crl_number, nullptr, nullptr));
    if (!n) return -1;
    const long v = ASN1_INTEGER_get(n);
    ASN1_INTEGER_free(n);
    return v;
}

// serial -> reason code
std::map<std::string, int> revoked_of(X509_CRL* crl) {
    std::map<std::string, int> out;
    STACK_OF(X509_REVOKED)* list = X509_CRL_get_REVOKED(crl);
    for (int i = 0; i < sk_X509_REVOKED_num(list); ++i) {
        X509_REVOKED* r = sk_X509_REVOKED_value(list, i);
        auto* reason = static_cast<ASN1_ENUMERATED*>(
            X509_REVOKED_get_ext_d2i(r, NID_crl_reason, nullptr, nullptr));
        out[pki::serial_to_hex(X509_REVOKED_get0_serialNumber(r))] =
            reason ? static_cast<int>(ASN1_ENUMERATED_get(reason)) : -1;
        ASN1_ENUMERATED_free(reason);
    }
    return out;
}

pki::X509CrlPtr parse_crl(const Bytes& der) {
    const unsigned char* p = der.data();
    return pki::X509CrlPtr(d2i_X509_CRL(nullptr, &p, static_cast<long>(der.size())));
}

TEST_F(ServiceTest, CrlListsExactlyTheRevokedWithIncreasingNumbers) {
    register_people();
    auto first = certs->crl();
    ASSERT_TRUE(first.ok()) << first.error().detail;
    pki::X509CrlPtr empty = parse_crl(*first);
    ASSERT_TRUE(empty);
    EXPECT_TRUE(revoked_of(empty.get()).empty());
    const std::int64_t n1 = crl_number(empty.get());

    const std::string s1 = acquire(kUser);
    ASSERT_TRUE(certs->reissue(admin, kUser).ok());        // s1: cessationOfOperation
    const std::string s2 = acquire(kUser);
    const std::string s3 = [&] {
        auto r = certs->issue_from_csr(Actor::person(kUser), kUser, csr_der(p256.get()));
        return r.ok() ? r->certificate.serial_hex : std::string();
    }();                                                    // s2: superseded (R20 retry)
    const std::string admin_serial = acquire(kAdmin);       // stays valid

    auto second = certs->crl(std::chrono::hours(6));
    ASSERT_TRUE(second.ok()) << second.error().detail;
    pki::X509CrlPtr crl = parse_crl(*second);
    ASSERT_TRUE(crl);
    EXPECT_GT(crl_number(crl.get()), n1);
    pki::X509Ptr issuer = issuing_cert();
    ASSERT_TRUE(issuer);
    EXPECT_EQ(X509_CRL_verify(crl.get(), X509_get0_pubkey(issuer.get())), 1);
    const std::map<std::string, int> want = {{s1, 5}, {s2, 4}};
    EXPECT_EQ(revoked_of(crl.get()), want);

    // The number is persisted: a new service on the same store continues it.
    CertificateService again(*store, *shared_ca().ca, clock, random, policy);
    auto third = again.crl();
    ASSERT_TRUE(third.ok());
    EXPECT_GT(crl_number(parse_crl(*third).get()), crl_number(crl.get()));
    (void)s3;
    (void)admin_serial;
}

struct CertIdDeleter {
    void operator()(OCSP_CERTID* id) const { OCSP_CERTID_free(id); }
};
using CertIdPtr = std::unique_ptr<OCSP_CERTID, CertIdDeleter>;

CertIdPtr cert_id(X509* issuer, const std::string& serial_hex) {
    auto serial = pki::serial_from_hex(serial_hex);
    if (!serial.ok()) return nullptr;
    return CertIdPtr(OCSP_cert_id_new(EVP_sha1(), X509_get_subject_name(issuer),
                                      X509_get0_pubkey_bitstr(issuer), serial->get()));
}

// Asks about `serial_hex`; returns V_OCSP_CERTSTATUS_* and the reason, or -1.
std::pair<int, int> ask(CertificateService& certs, X509* issuer, const std::string& serial_hex) {
    pki::OcspRequestPtr req(OCSP_REQUEST_new());
    CertIdPtr id = cert_id(issuer, serial_hex);
    if (!req || !id) return {-1, -1};
    if (!OCSP_request_add0_id(req.get(), OCSP_CERTID_dup(id.get()))) return {-1, -1};
    unsigned char* der = nullptr;
    const int len = i2d_OCSP_REQUEST(req.get(), &der);
    if (len <= 0) return {-1, -1};
    Bytes request(der, der + len);
    OPENSSL_free(der);
    auto answer = certs.ocsp(request);
    if (!answer.ok()) return {-1, -1};
    const unsigned char* p = answer->data();
    pki::OcspResponsePtr resp(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(answer->size())));
    if (!resp || OCSP_response_status(resp.get()) != OCSP_RESPONSE_STATUS_SUCCESSFUL) return {-1, -1};
    pki::OcspBasicRespPtr basic(OCSP_response_get1_basic(resp.get()));
    int status = -1, reason = -1;
    ASN1_GENERALIZEDTIME *rev = nullptr, *thisupd = nullptr, *nextupd = nullptr;
    if (!basic || OCSP_resp_find_status(basic.get(), id.get(), &status, &reason, &rev, &thisupd,
                                        &nextupd) != 1) {
        return {-1, -1};
    }
    return {status, reason};
}

TEST_F(ServiceTest, OcspAnswersFromTheStore) {
    register_people();
    pki::X509Ptr issuer = issuing_cert();
    ASSERT_TRUE(issuer);
    const std::string good = acquire(kAdmin);
    const std::string revoked = acquire(kUser);
    ASSERT_TRUE(certs->revoke(admin, kUser, CrlReason::key_compromise).ok());

    EXPECT_EQ(ask(*certs, issuer.get(), good).first, V_OCSP_CERTSTATUS_GOOD);
    const auto r = ask(*certs, issuer.get(), revoked);
    EXPECT_EQ(r.first, V_OCSP_CERTSTATUS_REVOKED);
    EXPECT_EQ(r.second, OCSP_REVOKED_STATUS_KEYCOMPROMISE);
    EXPECT_EQ(ask(*certs, issuer.get(), "0123456789ABCDEF").first, V_OCSP_CERTSTATUS_UNKNOWN);
}

}  // namespace
}  // namespace kakuin::service::testing
