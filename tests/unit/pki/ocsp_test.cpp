#include <gtest/gtest.h>

#include <openssl/pem.h>

#include <atomic>
#include <map>
#include <thread>

#include <openssl/err.h>

#include "pki/ca.h"
#include "pki_test_util.h"

namespace kakuin::pki {
namespace {

using testing::checked_csr;
using testing::parse_cert_der;
using testing::test_epoch;
using testing::TestCa;

X509Ptr pem_cert(const std::string& pem) {
    BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    return X509Ptr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

struct OcspFixture {
    TestCa t;
    CheckedCsr csr = checked_csr(KeyType::p256);
    X509Ptr issuing = pem_cert(t.ca->issuing_pem());
    X509Ptr root = pem_cert(t.ca->root_pem());

    X509Ptr issue(const std::string& serial) {
        IssueRequest r;
        r.csr = &csr;
        r.subject = {"00009876543 riyousya 0001", "Test Bank", "user"};
        r.serial_hex = serial;
        r.not_before = test_epoch();
        r.not_after = test_epoch() + Days(365);
        auto issued = t.ca->issue(r);
        EXPECT_TRUE(issued.ok());
        return parse_cert_der(issued->der);
    }
};

using CertIdPtr = std::unique_ptr<OCSP_CERTID, Deleter<OCSP_CERTID_free>>;

Bytes make_request(const std::vector<std::pair<X509*, X509*>>& cert_and_issuer, bool nonce,
                   const EVP_MD* md = EVP_sha1()) {
    OcspRequestPtr req(OCSP_REQUEST_new());
    for (auto [cert, issuer] : cert_and_issuer) {
        OCSP_CERTID* id = OCSP_cert_to_id(md, cert, issuer);
        OCSP_request_add0_id(req.get(), id);
    }
    if (nonce) OCSP_request_add1_nonce(req.get(), nullptr, -1);
    return *to_der(req.get(), i2d_OCSP_REQUEST, "i2d_OCSP_REQUEST");
}

OcspResponsePtr parse_response(const Bytes& der) {
    const unsigned char* p = der.data();
    return OcspResponsePtr(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(der.size())));
}

struct Single {
    int status = -2;
    int reason = -2;
    TimePoint revoked_at{}, this_update{}, next_update{};
};

// Verifies the response like `openssl ocsp -VAfile ocsp.crt.pem` does and reads one status.
Single status_of(OcspFixture& f, const Bytes& request, const Bytes& response, X509* cert, X509* issuer,
                 const EVP_MD* md = EVP_sha1(), unsigned long verify_flags = 0) {
    Single out;
    OcspResponsePtr resp = parse_response(response);
    EXPECT_TRUE(resp);
    if (!resp) return out;
    EXPECT_EQ(OCSP_response_status(resp.get()), OCSP_RESPONSE_STATUS_SUCCESSFUL);
    OcspBasicRespPtr bs(OCSP_response_get1_basic(resp.get()));
    EXPECT_TRUE(bs);
    if (!bs) return out;

    std::unique_ptr<X509_STORE, Deleter<X509_STORE_free>> store(X509_STORE_new());
    X509_STORE_add_cert(store.get(), f.root.get());
    STACK_OF(X509)* untrusted = sk_X509_new_null();
    sk_X509_push(untrusted, f.issuing.get());
    X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store.get()), static_cast<time_t>(to_unix(test_epoch())));
    EXPECT_EQ(OCSP_basic_verify(bs.get(), untrusted, store.get(), verify_flags), 1);
    sk_X509_free(untrusted);
    EXPECT_EQ(sk_X509_num(OCSP_resp_get0_certs(bs.get())), 1);  // the signer's certificate
    const ASN1_OCTET_STRING* key_id = nullptr;
    const X509_NAME* name = nullptr;
    EXPECT_EQ(OCSP_resp_get0_id(bs.get(), &key_id, &name), 1);
    EXPECT_NE(key_id, nullptr);  // responderID byKey

    const unsigned char* p = request.data();
    OcspRequestPtr req(d2i_OCSP_REQUEST(nullptr, &p, static_cast<long>(request.size())));
    const int nonce = OCSP_check_nonce(req.get(), bs.get());
    EXPECT_TRUE(nonce == 1 || nonce == 2) << nonce;  // echoed, or absent from both

    CertIdPtr id(OCSP_cert_to_id(md, cert, issuer));
    ASN1_GENERALIZEDTIME *rev = nullptr, *thisupd = nullptr, *nextupd = nullptr;
    if (OCSP_resp_find_status(bs.get(), id.get(), &out.status, &out.reason, &rev, &thisupd, &nextupd) != 1) {
        ADD_FAILURE() << "status not found";
        return out;
    }
    if (rev) out.revoked_at = *from_asn1_time(rev);
    out.this_update = *from_asn1_time(thisupd);
    out.next_update = *from_asn1_time(nextupd);
    EXPECT_EQ(*from_asn1_time(OCSP_resp_get0_produced_at(bs.get())), test_epoch());
    EXPECT_EQ(OCSP_check_validity(thisupd, nextupd, 300, -1), 0);  // in the past relative to real time
    ERR_clear_error();
    return out;
}

SerialStatusLookup table(std::map<std::string, SerialStatus> statuses, std::atomic<int>* calls = nullptr) {
    return [statuses = std::move(statuses), calls](const std::string& serial) -> Result<SerialStatus> {
        if (calls) ++*calls;
        auto it = statuses.find(serial);
        return it == statuses.end() ? SerialStatus{} : it->second;
    };
}

TEST(Ocsp, GoodWithNonceEchoed) {
    OcspFixture f;
    X509Ptr leaf = f.issue("0ABC");
    const Bytes req = make_request({{leaf.get(), f.issuing.get()}}, true);
    auto resp = f.t.ca->answer_ocsp(req, table({{"0ABC", {SerialStatus::Kind::good}}}), test_epoch());
    ASSERT_TRUE(resp.ok()) << resp.error().detail;
    const Single s = status_of(f, req, *resp, leaf.get(), f.issuing.get());
    EXPECT_EQ(s.status, V_OCSP_CERTSTATUS_GOOD);
    EXPECT_EQ(s.this_update, test_epoch());
    EXPECT_EQ(s.next_update, test_epoch() + std::chrono::minutes(60));

    // The nonce really is there and equal.
    const unsigned char* p = req.data();
    OcspRequestPtr parsed(d2i_OCSP_REQUEST(nullptr, &p, static_cast<long>(req.size())));
    OcspBasicRespPtr bs(OCSP_response_get1_basic(parse_response(*resp).get()));
    EXPECT_EQ(OCSP_check_nonce(parsed.get(), bs.get()), 1);
}

TEST(Ocsp, NoNonceWhenNotAsked) {
    OcspFixture f;
    X509Ptr leaf = f.issue("0ABC");
    const Bytes req = make_request({{leaf.get(), f.issuing.get()}}, false);
    auto resp = f.t.ca->answer_ocsp(req, table({{"0ABC", {SerialStatus::Kind::good}}}), test_epoch());
    ASSERT_TRUE(resp.ok());
    OcspBasicRespPtr bs(OCSP_response_get1_basic(parse_response(*resp).get()));
    EXPECT_EQ(OCSP_BASICRESP_get_ext_by_NID(bs.get(), NID_id_pkix_OCSP_Nonce, -1), -1);
    EXPECT_EQ(status_of(f, req, *resp, leaf.get(), f.issuing.get()).status, V_OCSP_CERTSTATUS_GOOD);
}

TEST(Ocsp, RevokedWithTimeAndReason) {
    OcspFixture f;
    X509Ptr leaf = f.issue("0DEF");
    const Bytes req = make_request({{leaf.get(), f.issuing.get()}}, true);
    const TimePoint when = test_epoch() - Days(2);
    auto resp = f.t.ca->answer_ocsp(
        req, table({{"0DEF", {SerialStatus::Kind::revoked, when, RevocationReason::key_compromise}}}), test_epoch());
    ASSERT_TRUE(resp.ok());
    const Single s = status_of(f, req, *resp, leaf.get(), f.issuing.get());
    EXPECT_EQ(s.status, V_OCSP_CERTSTATUS_REVOKED);
    EXPECT_EQ(s.reason, OCSP_REVOKED_STATUS_KEYCOMPROMISE);
    EXPECT_EQ(s.revoked_at, when);
}

TEST(Ocsp, UnknownSerial) {
    OcspFixture f;
    X509Ptr leaf = f.issue("0123");
    const Bytes req = make_request({{leaf.get(), f.issuing.get()}}, true);
    auto resp = f.t.ca->answer_ocsp(req, table({}), test_epoch());
    ASSERT_TRUE(resp.ok());
    EXPECT_EQ(status_of(f, req, *resp, leaf.get(), f.issuing.get()).status, V_OCSP_CERTSTATUS_UNKNOWN);
}

TEST(Ocsp, OtherIssuerIsUnknownWithoutLookup) {
    OcspFixture f;
    OcspFixture other;
    X509Ptr foreign = other.issue("0ABC");
    const Bytes req = make_request({{foreign.get(), other.issuing.get()}}, true);
    std::atomic<int> calls{0};
    auto resp = f.t.ca->answer_ocsp(req, table({{"0ABC", {SerialStatus::Kind::good}}}, &calls), test_epoch());
    ASSERT_TRUE(resp.ok());
    // A client would refuse this answer (our responder is not authorised for the other CA),
    // so only the signature is checked here (OCSP_NOCHECKS skips the issuer match).
    EXPECT_EQ(status_of(f, req, *resp, foreign.get(), other.issuing.get(), EVP_sha1(), OCSP_NOCHECKS).status,
              V_OCSP_CERTSTATUS_UNKNOWN);
    EXPECT_EQ(calls.load(), 0);
}

TEST(Ocsp, Sha256CertIdsAndSeveralRequests) {
    OcspFixture f;
    X509Ptr a = f.issue("0A");
    X509Ptr b = f.issue("0B");
    const Bytes req = make_request({{a.get(), f.issuing.get()}, {b.get(), f.issuing.get()}}, true, EVP_sha256());
    auto lookup = table({{"0A", {SerialStatus::Kind::good}},
                         {"0B", {SerialStatus::Kind::revoked, test_epoch(), RevocationReason::superseded}}});
    auto resp = f.t.ca->answer_ocsp(req, lookup, test_epoch());
    ASSERT_TRUE(resp.ok());
    EXPECT_EQ(status_of(f, req, *resp, a.get(), f.issuing.get(), EVP_sha256()).status, V_OCSP_CERTSTATUS_GOOD);
    const Single sb = status_of(f, req, *resp, b.get(), f.issuing.get(), EVP_sha256());
    EXPECT_EQ(sb.status, V_OCSP_CERTSTATUS_REVOKED);
    EXPECT_EQ(sb.reason, OCSP_REVOKED_STATUS_SUPERSEDED);
}

int response_status(const Bytes& der) {
    OcspResponsePtr resp = parse_response(der);
    return resp ? OCSP_response_status(resp.get()) : -1;
}

TEST(Ocsp, MalformedRequestsGetMalformedRequestResponses) {
    OcspFixture f;
    X509Ptr leaf = f.issue("0ABC");
    const Bytes good = make_request({{leaf.get(), f.issuing.get()}}, true);
    Bytes trailing = good;
    trailing.push_back(0);
    Bytes truncated(good.begin(), good.end() - 3);
    Bytes oversized = good;
    oversized.resize(kMaxOcspRequestBytes + 1, 0);
    OcspRequestPtr empty_req(OCSP_REQUEST_new());
    const Bytes no_ids = *to_der(empty_req.get(), i2d_OCSP_REQUEST, "i2d");
    // Found by fuzz_ocsp_request: a CertID whose algorithm parameters do not survive re-encoding.
    const Bytes odd_params = {0x30, 0x7a, 0x30, 0x78, 0x30, 0x51, 0x30, 0x4f, 0x30, 0x4d, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x20, 0x00, 0x04, 0x14, 0x11, 0x04, 0x8c, 0xd2, 0x0c, 0xb3, 0x59, 0x23, 0x07, 0xd0, 0x19, 0xfd, 0x08, 0x89, 0x56, 0x2b, 0x62, 0xd3, 0x64, 0x92, 0x04, 0x14, 0xdd, 0x1a, 0xdf, 0xf8, 0x9d, 0x49, 0xaa, 0x1a, 0xc2, 0x93, 0x4d, 0x38, 0x39, 0xb7, 0xb9, 0xe1, 0xce, 0x50, 0xc4, 0xe1, 0x02, 0x14, 0x4f, 0x18, 0xeb, 0x85, 0x26, 0x3d, 0x46, 0x30, 0x62, 0x21, 0x24, 0x75, 0x24, 0xa8, 0x15, 0xa7, 0x57, 0x02, 0x48, 0x60, 0xa2, 0x23, 0x30, 0x21, 0x30, 0x1f, 0x06, 0x09, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x02, 0x04, 0x12, 0x04, 0x10, 0x90, 0x31, 0x5b, 0x9e, 0x34, 0xdd, 0x54, 0x58, 0x7d, 0x80, 0x8b, 0x8b, 0x1f, 0x5f, 0xe1, 0x27};
    for (const Bytes& bad : {Bytes{}, Bytes{0x30, 0x00}, testing::to_bytes("GET / HTTP/1.1"), trailing, truncated,
                             oversized, no_ids, odd_params}) {
        auto resp = f.t.ca->answer_ocsp(bad, table({}), test_epoch());
        ASSERT_TRUE(resp.ok());
        EXPECT_EQ(response_status(*resp), OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
        OcspResponsePtr parsed = parse_response(*resp);
        EXPECT_EQ(OCSP_response_get1_basic(parsed.get()), nullptr);
        ERR_clear_error();
    }
}

TEST(Ocsp, ConcurrentAnswersAndIssuance) {
    OcspFixture f;
    X509Ptr leaf = f.issue("0ABC");
    const Bytes req = make_request({{leaf.get(), f.issuing.get()}}, true);
    auto lookup = table({{"0ABC", {SerialStatus::Kind::good}}});
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int n = 0; n < 4; ++n) {
        threads.emplace_back([&, n] {
            for (int i = 0; i < 200; ++i) {
                if (n == 0) {
                    if (!f.t.ca->make_crl({}, i, test_epoch(), test_epoch() + Days(1)).ok()) ++failures;
                    continue;
                }
                auto resp = f.t.ca->answer_ocsp(req, lookup, test_epoch());
                OcspResponsePtr parsed = resp.ok() ? parse_response(*resp) : nullptr;
                if (!parsed || OCSP_response_status(parsed.get()) != OCSP_RESPONSE_STATUS_SUCCESSFUL) ++failures;
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(failures.load(), 0);
}

TEST(Ocsp, LookupFailureIsAnError) {
    OcspFixture f;
    X509Ptr leaf = f.issue("0ABC");
    const Bytes req = make_request({{leaf.get(), f.issuing.get()}}, true);
    auto failing = [](const std::string&) -> Result<SerialStatus> {
        return make_error(ErrorCode::storage_failure, "db down");
    };
    auto resp = f.t.ca->answer_ocsp(req, failing, test_epoch());
    ASSERT_FALSE(resp.ok());
    EXPECT_EQ(resp.error().code, ErrorCode::storage_failure);
}

}  // namespace
}  // namespace kakuin::pki
