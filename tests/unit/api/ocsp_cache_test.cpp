// OcspCache: answers reused by request bytes until a revocation (generation), their age, or
// the entry bound says otherwise.
#include <gtest/gtest.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>

#include <cstdio>

#include "api/pki_routes.h"
#include "api_test_stack.h"

namespace kakuin::api {
namespace {

const TimePoint kStart = from_unix(1'800'000'000);

TEST(OcspCache, ReusesAnAnswerForTheSameRequestBytes) {
    SimulatedClock clock(kStart);
    OcspCache cache(clock, std::chrono::seconds(10), 100);
    EXPECT_FALSE(cache.find("req-a", 0));
    cache.store("req-a", "resp-a", 0);
    ASSERT_TRUE(cache.find("req-a", 0));
    EXPECT_EQ(*cache.find("req-a", 0), "resp-a");
    EXPECT_FALSE(cache.find("req-b", 0)) << "other request bytes (e.g. another nonce) miss";
}

TEST(OcspCache, ARevocationDropsEveryAnswer) {
    SimulatedClock clock(kStart);
    OcspCache cache(clock, std::chrono::seconds(10), 100);
    cache.store("req-a", "good", 0);
    EXPECT_FALSE(cache.find("req-a", 1));
    EXPECT_EQ(cache.size(), 0u);
    // A reader that started before the revocation neither hits nor resets the newer state.
    cache.store("req-a", "revoked", 1);
    EXPECT_FALSE(cache.find("req-a", 0));
    ASSERT_TRUE(cache.find("req-a", 1));
    EXPECT_EQ(*cache.find("req-a", 1), "revoked");
}

TEST(OcspCache, AnAnswerMadeBeforeARevocationIsNotKept) {
    SimulatedClock clock(kStart);
    OcspCache cache(clock, std::chrono::seconds(10), 100);
    EXPECT_FALSE(cache.find("req-x", 1));  // the cache has seen generation 1
    cache.store("req-a", "good (read under generation 0)", 0);
    EXPECT_FALSE(cache.find("req-a", 1));
}

TEST(OcspCache, ExpiresAfterMaxAgeAndWhenTheClockGoesBack) {
    SimulatedClock clock(kStart);
    OcspCache cache(clock, std::chrono::seconds(10), 100);
    cache.store("req-a", "resp", 0);
    clock.advance(std::chrono::seconds(9));
    EXPECT_TRUE(cache.find("req-a", 0));
    clock.advance(std::chrono::seconds(1));
    EXPECT_FALSE(cache.find("req-a", 0));
    cache.store("req-a", "resp", 0);
    clock.set(kStart);
    EXPECT_FALSE(cache.find("req-a", 0));
}

TEST(OcspCache, StaysWithinMaxEntries) {
    SimulatedClock clock(kStart);
    OcspCache cache(clock, std::chrono::seconds(10), 3);
    for (int i = 0; i < 10; ++i) {
        cache.store("req-" + std::to_string(i), "resp", 0);
        EXPECT_LE(cache.size(), 3u);
    }
    EXPECT_TRUE(cache.find("req-9", 0));
    OcspCache none(clock, std::chrono::seconds(10), 0);
    none.store("req", "resp", 0);
    EXPECT_FALSE(none.find("req", 0));
}

// Through the routes: the same request within the max age gets the same signed bytes (its
// producedAt would otherwise move with the clock); after a revocation (CrlCache::invalidate)
// it is answered anew.
class OcspRoute : public ApiStackTest {
  protected:
    void SetUp() override {
        build_stack("kakuin-ocsp-cache-test-");
        if (HasFatalFailure()) return;
        add_pki_routes(router_, *crl_, *certs_);
    }

    // A DER OCSP request (no nonce) for `serial` under the issuing CA.
    std::string request_for(long serial) {
        FILE* f = std::fopen((settings_.dir + "/issuing.crt.pem").c_str(), "r");
        if (f == nullptr) return {};
        X509* issuer = PEM_read_X509(f, nullptr, nullptr, nullptr);
        std::fclose(f);
        if (issuer == nullptr) return {};
        ASN1_INTEGER* sn = ASN1_INTEGER_new();
        ASN1_INTEGER_set(sn, serial);
        OCSP_CERTID* id = OCSP_cert_id_new(EVP_sha1(), X509_get_subject_name(issuer),
                                           X509_get0_pubkey_bitstr(issuer), sn);
        OCSP_REQUEST* req = OCSP_REQUEST_new();
        std::string out;
        if (id != nullptr && req != nullptr && OCSP_request_add0_id(req, id) != nullptr) {
            id = nullptr;  // owned by req now
            unsigned char* der = nullptr;
            const int n = i2d_OCSP_REQUEST(req, &der);
            if (n > 0) out.assign(reinterpret_cast<char*>(der), static_cast<std::size_t>(n));
            OPENSSL_free(der);
        }
        OCSP_CERTID_free(id);
        OCSP_REQUEST_free(req);
        ASN1_INTEGER_free(sn);
        X509_free(issuer);
        return out;
    }
    http::Response post(const std::string& der) {
        return call("http", "POST", "/ocsp", der, {{"Content-Type", "application/ocsp-request"}});
    }
};

TEST_F(OcspRoute, SameRequestSameSignedAnswerUntilRevocationOrMaxAge) {
    const std::string req = request_for(0x4242);
    ASSERT_FALSE(req.empty());
    auto a = post(req);
    ASSERT_EQ(a.status, 200);
    ASSERT_EQ(a.content_type, "application/ocsp-response");
    clock_.advance(std::chrono::seconds(2));
    EXPECT_EQ(post(req).body, a.body) << "answered from the cache";
    auto other = post(request_for(0x4343));
    EXPECT_NE(other.body, a.body);
    crl_->invalidate();  // what every revocation does
    auto b = post(req);
    EXPECT_NE(b.body, a.body) << "a revocation must not be answered from before it";
    clock_.advance(std::chrono::seconds(11));
    EXPECT_NE(post(req).body, b.body) << "older than the max age";
    // The GET form shares the cache and keeps its Cache-Control.
    auto g = call("http", "GET", "/ocsp/MAA=");
    EXPECT_EQ(g.status, 200);
    EXPECT_TRUE(g.headers.get("Cache-Control"));
}

}  // namespace
}  // namespace kakuin::api
