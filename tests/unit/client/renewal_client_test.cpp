// RenewalClient: certificate logon, OTP step and POST /api/v1/renewals with the session cookie
// and CSRF token; the cookie parsing; failures from problems and from unexpected answers.
#include "client/renewal_client.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "fake_transport.h"

namespace kakuin::client {
namespace {

using testing::FakeTransport;
using testing::json_response;
using testing::problem_response;

constexpr const char* kSession =
    R"({"state":"otp_required","csrf_token":"csrf-1","person":{"role":"user"},)"
    R"("certificate":{"serial":"0A","not_after":"2027-11-18T00:00:00Z","renewal_open":true,)"
    R"("renewal_opens_at":"2027-10-19T00:00:00Z","days_left":20}})";

HttpResponse with_cookie(HttpResponse r, std::string cookie) {
    r.set_cookies.push_back(std::move(cookie));
    return r;
}

bool has_header(const HttpRequest& r, const std::string& line) {
    for (const auto& h : r.headers)
        if (h == line) return true;
    return false;
}

TEST(SessionCookie, TakesOnlyTheSessionCookiesValue) {
    EXPECT_EQ(session_cookie_value("kakuin_session=abc; HttpOnly; Secure; Path=/"), "abc");
    EXPECT_EQ(session_cookie_value("kakuin_session = abc"), "abc");
    EXPECT_FALSE(session_cookie_value("other=abc; Path=/"));
    EXPECT_FALSE(session_cookie_value("kakuin_session=; Max-Age=0"));
    EXPECT_FALSE(session_cookie_value("garbage"));
    EXPECT_FALSE(session_cookie_value("kakuin_session=" + std::string(600, 'x')));
}

TEST(RenewalClient, LogsOnPassesTheOtpAndRenewsWithCookieAndCsrf) {
    int call = 0;
    FakeTransport t([&](const HttpRequest& r) -> ApiResult<HttpResponse> {
        ++call;
        if (r.path == "/api/v1/sessions")
            return with_cookie(json_response(201, kSession), "kakuin_session=tok-1; HttpOnly; Secure");
        if (r.path == "/api/v1/sessions/current/otp") {
            std::string b = kSession;
            b.replace(b.find("otp_required"), 12, "active");
            b.replace(b.find("csrf-1"), 6, "csrf-2");
            return json_response(200, b);
        }
        return json_response(201, "-----BEGIN CERTIFICATE-----\n", "application/pem-certificate-chain");
    });
    RenewalClient api(t, Lang::ja);
    auto s = api.login("user", SecretString("pin\"1"));
    ASSERT_TRUE(s.ok()) << s.failure().message;
    EXPECT_EQ(s->state, "otp_required");
    EXPECT_EQ(s->token.view(), "tok-1");
    EXPECT_EQ(s->csrf.view(), "csrf-1");
    ASSERT_TRUE(s->renewal_open.has_value());
    EXPECT_TRUE(*s->renewal_open);
    EXPECT_EQ(s->not_after, "2027-11-18T00:00:00Z");
    EXPECT_EQ(s->renewal_opens_at, "2027-10-19T00:00:00Z");
    auto body = boost::json::parse(t.requests[0].body).as_object();
    EXPECT_EQ(body.at("role").as_string(), "user");
    EXPECT_EQ(body.at("pin").as_string(), "pin\"1");
    EXPECT_EQ(body.size(), 2u);

    auto active = api.send_otp(*s, SecretString("123456"));
    ASSERT_TRUE(active.ok()) << active.failure().message;
    EXPECT_EQ(active->state, "active");
    EXPECT_EQ(active->token.view(), "tok-1");  // no new cookie: the same session
    EXPECT_EQ(active->csrf.view(), "csrf-2");
    EXPECT_TRUE(has_header(t.requests[1], "Cookie: kakuin_session=tok-1"));
    EXPECT_TRUE(has_header(t.requests[1], "X-CSRF-Token: csrf-1"));

    auto pem = api.renew(*active, "CSR");
    ASSERT_TRUE(pem.ok());
    EXPECT_EQ(*pem, "-----BEGIN CERTIFICATE-----\n");
    const HttpRequest& r = t.requests[2];
    EXPECT_EQ(r.path, "/api/v1/renewals");
    EXPECT_EQ(r.content_type, "application/pkcs10");
    EXPECT_EQ(r.body, "CSR");
    EXPECT_TRUE(has_header(r, "Cookie: kakuin_session=tok-1"));
    EXPECT_TRUE(has_header(r, "X-CSRF-Token: csrf-2"));
    EXPECT_EQ(call, 3);
}

TEST(RenewalClient, ProblemsBecomeServerFailures) {
    FakeTransport t([](const HttpRequest& r) -> ApiResult<HttpResponse> {
        if (r.path == "/api/v1/sessions")
            return problem_response(401, "certificate_not_current", "新しい電子証明書を選択してください。");
        return problem_response(409, "not_in_renewal_window", "更新期間ではありません。");
    });
    RenewalClient api(t, Lang::ja);
    auto s = api.login("admin", SecretString("x"));
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.failure().code, "certificate_not_current");
    EXPECT_EQ(exit_code_for(s.failure()), kExitAcquisitionState);
    CertificateSession session;
    session.token = SecretString("t");
    session.csrf = SecretString("c");
    auto pem = api.renew(session, "CSR");
    ASSERT_FALSE(pem.ok());
    EXPECT_EQ(pem.failure().code, "not_in_renewal_window");
    EXPECT_EQ(pem.failure().http_status, 409);
    EXPECT_EQ(exit_code_for(pem.failure()), kExitAcquisitionState);
}

TEST(RenewalClient, RefusesAnswersWithoutCookieCsrfOrKnownState) {
    std::string answer;
    std::string cookie = "kakuin_session=tok";
    FakeTransport t([&](const HttpRequest&) -> ApiResult<HttpResponse> {
        HttpResponse r = json_response(201, answer);
        if (!cookie.empty()) r.set_cookies.push_back(cookie);
        return r;
    });
    RenewalClient api(t, Lang::en);
    answer = R"({"state":"active"})";  // no csrf_token
    EXPECT_EQ(api.login("user", SecretString("x")).failure().kind, FailureKind::response_invalid);
    answer = R"({"state":"weird","csrf_token":"c"})";
    EXPECT_EQ(api.login("user", SecretString("x")).failure().kind, FailureKind::response_invalid);
    answer = "not json";
    EXPECT_EQ(api.login("user", SecretString("x")).failure().kind, FailureKind::response_invalid);
    answer = R"({"state":"active","csrf_token":"c"})";
    cookie.clear();
    EXPECT_EQ(api.login("user", SecretString("x")).failure().kind, FailureKind::response_invalid);
    cookie = "kakuin_session=tok";
    EXPECT_TRUE(api.login("user", SecretString("x")).ok());
}

TEST(RenewalClient, RenewalAnswerMustBeAPemChain) {
    FakeTransport t([](const HttpRequest&) -> ApiResult<HttpResponse> {
        return json_response(201, "{}");
    });
    RenewalClient api(t, Lang::en);
    CertificateSession session;
    auto pem = api.renew(session, "CSR");
    ASSERT_FALSE(pem.ok());
    EXPECT_EQ(pem.failure().kind, FailureKind::response_invalid);
}

}  // namespace
}  // namespace kakuin::client
