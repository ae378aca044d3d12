// The API routes in process (no sockets): a real SQLite store and a real CA in a temp dir,
// requests dispatched through the Router as each listener would. Checks which listener serves
// which route, the session/CSRF plumbing and the mapping of errors to problem+json.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <filesystem>
#include <random>

#include "api/api_routes.h"
#include "api/pki_routes.h"
#include "api_test_stack.h"
#include "auth/base32.h"
#include "auth/totp.h"
#include "core/clock.h"
#include "pki/ca.h"
#include "service/bank_service.h"
#include "store/sqlite/sqlite_store.h"

namespace kakuin::api {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

class ApiRoutes : public ApiStackTest {
  protected:
    void SetUp() override {
        build_stack("kakuin-api-test-");
        if (HasFatalFailure()) return;
        add_pki_routes(router_, *crl_, *certs_);
        add_api_routes(router_, *services_);
    }

    // A contract with ID/PIN login for the administrator; returns its created secrets.
    service::ContractCreated make_contract() {
        service::BankService bank(services_->context, *certs_);
        service::ContractInput in;
        in.contract_id = "00001234567";
        in.name = "テスト";
        in.name_kana = "ﾃｽﾄ";
        auto c = bank.create_contract(Actor::bank("t"), in);
        EXPECT_TRUE(c.ok());
        return *c;
    }

};

TEST_F(ApiRoutes, EachListenerServesOnlyItsRoutes) {
    EXPECT_EQ(call("http", "GET", "/crl").status, 200);
    EXPECT_EQ(call("https", "GET", "/crl").status, 404);
    EXPECT_EQ(call("mtls", "GET", "/crl").status, 404);
    EXPECT_EQ(call("http", "GET", "/api/v1/users").status, 404);
    EXPECT_EQ(call("http", "POST", "/api/v1/sessions", "{}").status, 404);
    // Acquisition only on https.
    const std::string start = R"({"contract_id":"00001234567","pin":"x"})";
    EXPECT_EQ(call("mtls", "POST", "/api/v1/enrollments", start).status, 404);
    EXPECT_EQ(code_of(call("https", "POST", "/api/v1/enrollments", start)), "pin_incorrect");
}

TEST_F(ApiRoutes, CrlIsCachedUntilInvalidated) {
    auto a = call("http", "GET", "/crl");
    auto b = call("http", "GET", "/crl");
    ASSERT_EQ(a.status, 200);
    EXPECT_EQ(a.content_type, "application/pkix-crl");
    EXPECT_EQ(a.body, b.body);  // same CRL number: not regenerated
    crl_->invalidate();
    EXPECT_NE(call("http", "GET", "/crl").body, a.body);
    auto c = call("http", "GET", "/crl");
    clock_.advance(std::chrono::minutes(6));  // older than max_age
    EXPECT_NE(call("http", "GET", "/crl").body, c.body);
}

TEST_F(ApiRoutes, OcspGetIsCacheableAndBadBase64Refused) {
    // A syntactically valid base64 that is not an OCSP request: malformedRequest, still 200.
    auto r = call("http", "GET", "/ocsp/MAA=");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.content_type, "application/ocsp-response");
    ASSERT_TRUE(r.headers.get("Cache-Control"));
    EXPECT_NE(r.headers.get("Cache-Control")->find("max-age=60"), std::string::npos);
    EXPECT_EQ(code_of(call("http", "GET", "/ocsp/%%%")), "not_found");
    EXPECT_EQ(code_of(call("http", "GET", "/ocsp/a*b")), "ocsp_request_invalid");
    auto post = call("http", "POST", "/ocsp", "garbage");
    EXPECT_EQ(post.status, 200);
    EXPECT_FALSE(post.headers.get("Cache-Control"));  // the server's no-store default applies
}

TEST_F(ApiRoutes, LoginBodyRules) {
    EXPECT_EQ(code_of(call("https", "POST", "/api/v1/sessions", "{bad")), "invalid_request");
    EXPECT_EQ(code_of(call("https", "POST", "/api/v1/sessions", R"({"role":"boss","pin":"1"})")),
              "invalid_request");
    // {role, pin} is a certificate login: not on https.
    EXPECT_EQ(code_of(call("https", "POST", "/api/v1/sessions", R"({"role":"user","pin":"1"})")),
              "certificate_required");
    // On mtls the identity comes from the certificate only.
    EXPECT_EQ(code_of(call("mtls", "POST", "/api/v1/sessions",
                           R"({"role":"user","contract_id":"00001234567","pin":"1"})")),
              "invalid_request");
    EXPECT_EQ(code_of(call("mtls", "POST", "/api/v1/sessions", R"({"role":"user","pin":"1"})")),
              "certificate_required");  // no certificate on the request
    EXPECT_EQ(code_of(call("https", "POST", "/api/v1/sessions",
                           R"({"role":"user","contract_id":"00001234567","pin":"1"})")),
              "invalid_request");  // user without user_id
}

TEST_F(ApiRoutes, SessionCookieCsrfAndListenerBinding) {
    const auto created = make_contract();
    auto login = call("https", "POST", "/api/v1/sessions",
                      R"({"role":"admin","contract_id":"00001234567","pin":")" +
                          created.admin_login_pin + R"("})");
    ASSERT_EQ(login.status, 201) << login.body;
    const std::string set_cookie(*login.headers.get("Set-Cookie"));
    for (const char* attr : {"HttpOnly", "Secure", "SameSite=Strict", "Path=/"})
        EXPECT_NE(set_cookie.find(attr), std::string::npos) << attr;
    const std::string cookie = set_cookie.substr(0, set_cookie.find(';'));
    const auto body = json::parse(login.body).as_object();
    EXPECT_EQ(body.at("state").as_string(), "otp_required");
    const std::string csrf(body.at("csrf_token").as_string());

    // GET with the cookie works during the OTP step; the same cookie on mtls does not.
    EXPECT_EQ(call("https", "GET", "/api/v1/sessions/current", {}, {{"Cookie", cookie}}).status,
              200);
    EXPECT_EQ(code_of(call("mtls", "GET", "/api/v1/sessions/current", {}, {{"Cookie", cookie}})),
              "session_expired");
    // Before the OTP step: no administrator operation.
    EXPECT_EQ(code_of(call("https", "GET", "/api/v1/users", {}, {{"Cookie", cookie}})),
              "forbidden");
    // The OTP step without / with a wrong CSRF token.
    EXPECT_EQ(code_of(call("https", "POST", "/api/v1/sessions/current/otp", R"({"otp":"123456"})",
                           {{"Cookie", cookie}})),
              "csrf_failed");
    EXPECT_EQ(code_of(call("https", "POST", "/api/v1/sessions/current/otp", R"({"otp":"123456"})",
                           {{"Cookie", cookie}, {"X-CSRF-Token", csrf + "x"}})),
              "csrf_failed");
    EXPECT_EQ(code_of(call("https", "POST", "/api/v1/sessions/current/otp", R"({"otp":12})",
                           {{"Cookie", cookie}, {"X-CSRF-Token", csrf}})),
              "invalid_request");
    // Logoff needs the token too, then the cookie is dead.
    EXPECT_EQ(
        code_of(call("https", "DELETE", "/api/v1/sessions/current", {}, {{"Cookie", cookie}})),
        "csrf_failed");
    auto off = call("https", "DELETE", "/api/v1/sessions/current", {},
                    {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
    EXPECT_EQ(off.status, 204);
    EXPECT_NE(std::string(*off.headers.get("Set-Cookie")).find("Max-Age=0"), std::string::npos);
    EXPECT_EQ(code_of(call("https", "GET", "/api/v1/sessions/current", {}, {{"Cookie", cookie}})),
              "session_expired");
    // No cookie at all.
    EXPECT_EQ(code_of(call("https", "GET", "/api/v1/users")), "session_expired");
}

TEST_F(ApiRoutes, SessionAnswerCarriesTheContractOnlyWhenActive) {
    const auto created = make_contract();
    auto login = call("https", "POST", "/api/v1/sessions",
                      R"({"role":"admin","contract_id":"00001234567","pin":")" +
                          created.admin_login_pin + R"("})");
    ASSERT_EQ(login.status, 201) << login.body;
    const auto pending = json::parse(login.body).as_object();
    ASSERT_EQ(pending.at("state").as_string(), "otp_required");
    EXPECT_FALSE(pending.contains("contract"));  // nothing about the company before the OTP
    const std::string set_cookie(*login.headers.get("Set-Cookie"));
    const std::string cookie = set_cookie.substr(0, set_cookie.find(';'));
    const std::string csrf(pending.at("csrf_token").as_string());
    auto current = call("https", "GET", "/api/v1/sessions/current", {}, {{"Cookie", cookie}});
    ASSERT_EQ(current.status, 200);
    EXPECT_FALSE(json::parse(current.body).as_object().contains("contract"));

    // The OTP step with the administrator's token makes the session active.
    auto secret = auth::base32_decode(created.admin_totp_secret_base32);
    ASSERT_TRUE(secret.ok());
    auth::TotpConfig config;
    config.step_seconds = policy_.otp_step_seconds;
    auto otp = auth::totp_code_for_step(*secret, auth::totp_step_at(clock_.now(), config), config);
    ASSERT_TRUE(otp.ok());
    auto active = call("https", "POST", "/api/v1/sessions/current/otp",
                       R"({"otp":")" + *otp + R"("})", {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
    ASSERT_EQ(active.status, 200) << active.body;
    for (const auto& r :
         {active, call("https", "GET", "/api/v1/sessions/current", {}, {{"Cookie", cookie}})}) {
        const auto body = json::parse(r.body).as_object();
        EXPECT_EQ(body.at("state").as_string(), "active");
        ASSERT_TRUE(body.contains("contract")) << r.body;
        const auto& c = body.at("contract").as_object();
        EXPECT_EQ(c.at("name").as_string(), "テスト");
        EXPECT_EQ(c.at("name_kana").as_string(), "ﾃｽﾄ");
        EXPECT_EQ(c.at("transactions_stopped").as_bool(), false);
    }
}

TEST_F(ApiRoutes, ProblemsAreJapaneseUnlessEnglishAsked) {
    const std::string start = R"({"contract_id":"00001234567","pin":"x"})";
    auto ja = call("https", "POST", "/api/v1/enrollments", start);
    EXPECT_EQ(ja.content_type.substr(0, 24), "application/problem+json");
    EXPECT_NE(ja.body.find("暗証番号"), std::string::npos);
    auto en = call("https", "POST", "/api/v1/enrollments", start, {{"Accept-Language", "en"}});
    EXPECT_NE(en.body.find("PIN is incorrect"), std::string::npos);
}

TEST_F(ApiRoutes, CsrNeedsItsContentTypeAndAnEnrollment) {
    EXPECT_EQ(code_of(call("https", "POST", "/api/v1/enrollments/abc/csr", "x")), "csr_invalid");
    http::Request r;
    r.method = "POST";
    r.path = r.target = "/api/v1/enrollments/unknown-id/csr";
    r.listener = "https";
    r.body = "-----BEGIN CERTIFICATE REQUEST-----";
    r.headers.add("Content-Type", "application/pkcs10");
    EXPECT_EQ(code_of(router_.dispatch(r, router_.match(r.method, r.path))), "not_found");
}

}  // namespace
}  // namespace kakuin::api
