// POST /api/v1/renewals and the session answer's certificate block, in process: a real CA and
// store, a certificate-method contract whose administrator has acquired, requests dispatched
// as the mtls listener would (with the verified client certificate on the request).
#include <gtest/gtest.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <boost/json/parse.hpp>

#include "api/api_routes.h"
#include "api/pki_routes.h"
#include "api_test_stack.h"
#include "service/bank_service.h"

namespace kakuin::api {
namespace {

namespace json = boost::json;

// A P-256 CSR (PEM) made with OpenSSL directly.
std::string make_csr_pem() {
    EVP_PKEY* key = EVP_EC_gen("P-256");
    X509_REQ* req = X509_REQ_new();
    std::string out;
    if (key != nullptr && req != nullptr && X509_REQ_set_pubkey(req, key) == 1 &&
        X509_REQ_sign(req, key, EVP_sha256()) > 0) {
        BIO* bio = BIO_new(BIO_s_mem());
        if (bio != nullptr && PEM_write_bio_X509_REQ(bio, req) == 1) {
            char* data = nullptr;
            const long len = BIO_get_mem_data(bio, &data);
            out.assign(data, static_cast<std::size_t>(len));
        }
        BIO_free(bio);
    }
    X509_REQ_free(req);
    EVP_PKEY_free(key);
    return out;
}

class RenewalRoutes : public ApiStackTest {
  protected:
    void SetUp() override {
        policy_.admin_otp_every_login = false;
        build_stack("kakuin-renewal-routes-");
        if (HasFatalFailure()) return;
        add_pki_routes(router_, *crl_, *certs_);
        add_api_routes(router_, *services_);

        service::BankService bank(services_->context, *certs_);
        service::ContractInput in;
        in.contract_id = "00001234567";
        in.name = "テスト";
        in.name_kana = "ﾃｽﾄ";
        in.login_method = LoginMethod::certificate;
        auto created = bank.create_contract(Actor::bank("t"), in);
        ASSERT_TRUE(created.ok()) << created.error().detail;
        pin_ = created->admin_login_pin;
        cert_ = acquire();
        ASSERT_FALSE(cert_.serial_hex.empty());
    }

    http::ClientCertificate acquire() {
        const std::string csr = make_csr_pem();
        auto issued = certs_->issue_from_csr(
            Actor::person(PersonKey::admin("00001234567")), PersonKey::admin("00001234567"),
            {reinterpret_cast<const std::uint8_t*>(csr.data()), csr.size()});
        EXPECT_TRUE(issued.ok()) << (issued.ok() ? "" : issued.error().detail);
        http::ClientCertificate c;
        if (!issued.ok()) return c;
        c.der = issued->certificate.der;
        c.sha256_hex = issued->certificate.sha256_fingerprint_hex;
        c.serial_hex = issued->certificate.serial_hex;
        not_after_ = issued->certificate.not_after;
        return c;
    }

    http::Response mtls(std::string method, std::string path, std::string body = {},
                        std::vector<http::Headers::Field> headers = {},
                        const http::ClientCertificate* cert = nullptr) {
        http::Request r;
        r.method = std::move(method);
        r.target = path;
        r.path = std::move(path);
        r.listener = "mtls";
        r.remote_address = "192.0.2.1";
        r.body = std::move(body);
        for (auto& [k, v] : headers) r.headers.add(k, v);
        r.client_certificate = cert != nullptr ? *cert : cert_;
        return router_.dispatch(r, router_.match(r.method, r.path));
    }

    // Certificate logon; sets cookie_ and csrf_. Returns the answer.
    json::object logon(const http::ClientCertificate* cert = nullptr) {
        auto r = mtls("POST", "/api/v1/sessions", R"({"role":"admin","pin":")" + pin_ + R"("})",
                      {{"Content-Type", "application/json"}}, cert);
        EXPECT_EQ(r.status, 201) << r.body;
        if (r.status != 201) return {};
        const std::string set_cookie(*r.headers.get("Set-Cookie"));
        cookie_ = set_cookie.substr(0, set_cookie.find(';'));
        auto o = json::parse(r.body).as_object();
        csrf_ = std::string(o.at("csrf_token").as_string());
        return o;
    }

    http::Response renew(const std::string& csr, std::string content_type = "application/pkcs10",
                         std::vector<http::Headers::Field> extra = {}) {
        std::vector<http::Headers::Field> h{
            {"Cookie", cookie_}, {"X-CSRF-Token", csrf_}, {"Content-Type", content_type}};
        for (auto& f : extra) h.push_back(f);
        return mtls("POST", "/api/v1/renewals", csr, h);
    }

    std::string pin_, cookie_, csrf_;
    http::ClientCertificate cert_;
    TimePoint not_after_{};
};

TEST_F(RenewalRoutes, SessionAnswerShowsTheRenewalWindow) {
    auto o = logon();
    const auto& c = o.at("certificate").as_object();
    EXPECT_EQ(c.at("serial").as_string(), cert_.serial_hex);
    EXPECT_EQ(c.at("renewal_open").as_bool(), false);
    EXPECT_EQ(c.at("days_left").as_int64(), 365);  // issued "now" for 365 days
    EXPECT_EQ(c.at("renewal_opens_at").as_string(),
              format_iso8601(not_after_ - Days(policy_.certificate.renewal_window_days)));
    clock_.set(not_after_ - Days(10));
    o = logon();
    EXPECT_EQ(o.at("certificate").as_object().at("renewal_open").as_bool(), true);
    EXPECT_EQ(o.at("certificate").as_object().at("days_left").as_int64(), 10);
    auto current = mtls("GET", "/api/v1/sessions/current", {}, {{"Cookie", cookie_}});
    ASSERT_EQ(current.status, 200);
    EXPECT_EQ(json::parse(current.body).at("certificate").at("renewal_open").as_bool(), true);
    EXPECT_EQ(json::parse(current.body).at("notices").at(0).at("code").as_string(),
              "certificate_renewal_due");
}

TEST_F(RenewalRoutes, OnlyOnTheCertificateListener) {
    EXPECT_EQ(call("https", "POST", "/api/v1/renewals", "x").status, 404);
    EXPECT_EQ(call("http", "POST", "/api/v1/renewals", "x").status, 404);
}

TEST_F(RenewalRoutes, RefusalsAndTheirCodes) {
    logon();
    const std::string csr = make_csr_pem();
    EXPECT_EQ(code_of(renew(csr)), "not_in_renewal_window");
    clock_.set(not_after_ - Days(5));
    logon();
    EXPECT_EQ(code_of(renew("garbage")), "csr_invalid");
    EXPECT_EQ(code_of(renew(csr, "text/plain")), "csr_invalid");
    // Without the CSRF token; without a session.
    EXPECT_EQ(code_of(mtls("POST", "/api/v1/renewals", csr,
                           {{"Cookie", cookie_}, {"Content-Type", "application/pkcs10"}})),
              "csrf_failed");
    EXPECT_EQ(
        code_of(mtls("POST", "/api/v1/renewals", csr, {{"Content-Type", "application/pkcs10"}})),
        "session_expired");
    // Another certificate on the connection than the session's.
    http::ClientCertificate other = cert_;
    other.sha256_hex[0] = other.sha256_hex[0] == 'a' ? 'b' : 'a';
    EXPECT_EQ(
        code_of(mtls(
            "POST", "/api/v1/renewals", csr,
            {{"Cookie", cookie_}, {"X-CSRF-Token", csrf_}, {"Content-Type", "application/pkcs10"}},
            &other)),
        "session_expired");
    // Still usable after the refusals.
    EXPECT_EQ(mtls("GET", "/api/v1/sessions/current", {}, {{"Cookie", cookie_}}).status, 200);
}

TEST_F(RenewalRoutes, RenewalAnswersTheChainAndEndsTheSession) {
    clock_.set(not_after_ - Days(5));
    logon();
    auto r = renew(make_csr_pem());
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.content_type, "application/pem-certificate-chain");
    std::size_t certs = 0;
    for (std::size_t p = 0; (p = r.body.find("BEGIN CERTIFICATE", p)) != std::string::npos; ++p)
        ++certs;
    EXPECT_EQ(certs, 3u);
    ASSERT_TRUE(r.headers.get("Kakuin-Issue-Number"));
    EXPECT_EQ(*r.headers.get("Kakuin-Issue-Number"), "001");
    EXPECT_NE(std::string(*r.headers.get("Set-Cookie")).find("Max-Age=0"), std::string::npos);
    // The session ended; the old certificate is no longer accepted.
    EXPECT_EQ(code_of(mtls("GET", "/api/v1/sessions/current", {}, {{"Cookie", cookie_}})),
              "session_expired");
    EXPECT_EQ(
        code_of(mtls("POST", "/api/v1/sessions", R"({"role":"admin","pin":")" + pin_ + R"("})",
                     {{"Content-Type", "application/json"}})),
        "certificate_not_current");
}

TEST_F(RenewalRoutes, JsonAnswerWhenAsked) {
    clock_.set(not_after_ - Days(1));
    logon();
    auto r = renew(make_csr_pem(), "application/pkcs10", {{"Accept", "application/json"}});
    ASSERT_EQ(r.status, 201) << r.body;
    auto o = json::parse(r.body).as_object();
    EXPECT_EQ(o.at("issue_number").as_string(), "001");
    EXPECT_EQ(o.at("replaced_serial").as_string(), cert_.serial_hex);
    EXPECT_NE(o.at("serial").as_string(), cert_.serial_hex);
    EXPECT_NE(std::string(o.at("certificate_pem").as_string()).find("BEGIN CERTIFICATE"),
              std::string::npos);
    EXPECT_EQ(o.at("not_after").as_string(), format_iso8601(clock_.now() + Days(365)));
}

TEST_F(RenewalRoutes, ExpiredCertificateLogonNamesWhomToAsk) {
    clock_.set(not_after_ + Seconds(1));
    auto ja = mtls("POST", "/api/v1/sessions", R"({"role":"admin","pin":")" + pin_ + R"("})",
                   {{"Content-Type", "application/json"}});
    EXPECT_EQ(code_of(ja), "certificate_expired");
    EXPECT_NE(ja.body.find("お取引店に"), std::string::npos);
    auto en = mtls("POST", "/api/v1/sessions", R"({"role":"admin","pin":")" + pin_ + R"("})",
                   {{"Content-Type", "application/json"}, {"Accept-Language", "en"}});
    EXPECT_EQ(code_of(en), "certificate_expired");
    EXPECT_NE(en.body.find("bank"), std::string::npos);
}

}  // namespace
}  // namespace kakuin::api
