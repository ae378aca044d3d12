#include "client/api_client.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "fake_transport.h"

namespace kakuin::client {
namespace {

using testing::FakeTransport;
using testing::json_response;
using testing::problem_response;

const char* kEnrollment =
    R"({"enrollment_id":"e/Secret+ID=","state":"otp_required","key_types":["rsa2048","p256"],)"
    R"("default_key_type":"p256","expires_at":"2026-11-21T10:00:00Z"})";

TEST(ApiClient, StartsAnEnrollmentForAUser) {
    FakeTransport t([](const HttpRequest&) -> ApiResult<HttpResponse> { return json_response(201, kEnrollment); });
    ApiClient api(t, Lang::ja);
    auto e = api.start_enrollment("00009876543", std::string("riyousya"), SecretString("pa\"ss\\1"));
    ASSERT_TRUE(e.ok()) << e.failure().message;
    EXPECT_EQ(e->id.view(), "e/Secret+ID=");
    EXPECT_EQ(e->state, "otp_required");
    EXPECT_EQ(e->key_types, (std::vector<std::string>{"rsa2048", "p256"}));
    EXPECT_EQ(e->default_key_type, "p256");
    EXPECT_EQ(e->expires_at, "2026-11-21T10:00:00Z");

    ASSERT_EQ(t.requests.size(), 1u);
    const HttpRequest& r = t.requests[0];
    EXPECT_EQ(r.path, "/api/v1/enrollments");
    EXPECT_EQ(r.content_type, "application/json");
    // The request body was wiped after the call (the fake kept a copy of it).
    auto v = boost::json::parse(r.body).as_object();
    EXPECT_EQ(v.at("contract_id").as_string(), "00009876543");
    EXPECT_EQ(v.at("user_id").as_string(), "riyousya");
    EXPECT_EQ(v.at("pin").as_string(), "pa\"ss\\1");
}

TEST(ApiClient, AdministratorSendsNoUserId) {
    FakeTransport t([](const HttpRequest&) -> ApiResult<HttpResponse> { return json_response(201, kEnrollment); });
    ApiClient api(t, Lang::ja);
    ASSERT_TRUE(api.start_enrollment("00009876543", std::nullopt, SecretString("1234")).ok());
    auto v = boost::json::parse(t.requests[0].body).as_object();
    EXPECT_FALSE(v.contains("user_id"));
}

TEST(ApiClient, SendsTheOtpToTheEnrollmentsPathEncoded) {
    FakeTransport t([](const HttpRequest&) -> ApiResult<HttpResponse> {
        return json_response(200, R"({"state":"csr_required","key_types":["rsa2048"]})");
    });
    ApiClient api(t, Lang::ja);
    auto e = api.send_otp(SecretString("e/Secret+ID="), SecretString("123456"));
    ASSERT_TRUE(e.ok()) << e.failure().message;
    EXPECT_EQ(e->state, "csr_required");
    EXPECT_EQ(e->id.view(), "e/Secret+ID=");  // kept from before
    EXPECT_EQ(t.requests[0].path, "/api/v1/enrollments/e%2FSecret%2BID%3D/otp");
    EXPECT_EQ(boost::json::parse(t.requests[0].body).at("otp").as_string(), "123456");
}

TEST(ApiClient, SendsTheCsrAndReturnsThePemChain) {
    FakeTransport t([](const HttpRequest&) -> ApiResult<HttpResponse> {
        return json_response(201, "-----BEGIN CERTIFICATE-----\n", "application/pem-certificate-chain");
    });
    ApiClient api(t, Lang::en);
    auto pem = api.send_csr(SecretString("abc"), "CSR PEM");
    ASSERT_TRUE(pem.ok());
    EXPECT_EQ(*pem, "-----BEGIN CERTIFICATE-----\n");
    EXPECT_EQ(t.requests[0].path, "/api/v1/enrollments/abc/csr");
    EXPECT_EQ(t.requests[0].content_type, "application/pkcs10");
    EXPECT_EQ(t.requests[0].body, "CSR PEM");
}

TEST(ApiClient, ServerProblemsComeBackWithTheirCode) {
    for (const char* code : {"pin_incorrect", "locked", "acquisition_not_registered",
                             "acquisition_deadline_passed", "acquisition_already_used"}) {
        FakeTransport t([code](const HttpRequest&) -> ApiResult<HttpResponse> {
            return problem_response(409, code, "説明");
        });
        ApiClient api(t, Lang::ja);
        auto e = api.start_enrollment("1", std::nullopt, SecretString("1"));
        ASSERT_FALSE(e.ok());
        EXPECT_EQ(e.failure().kind, FailureKind::server_problem);
        EXPECT_EQ(e.failure().code, code);
        EXPECT_EQ(e.failure().message, "説明");
    }
    FakeTransport t([](const HttpRequest&) -> ApiResult<HttpResponse> {
        return problem_response(400, "csr_invalid", "CSRが不正");
    });
    ApiClient api(t, Lang::ja);
    auto pem = api.send_csr(SecretString("abc"), "x");
    ASSERT_FALSE(pem.ok());
    EXPECT_EQ(pem.failure().code, "csr_invalid");
    EXPECT_EQ(exit_code_for(pem.failure()), kExitCsrOrKey);
}

TEST(ApiClient, UnexpectedAnswersAreInvalidResponses) {
    const HttpResponse bad[] = {
        json_response(202, kEnrollment),                          // wrong status
        json_response(201, kEnrollment, "text/html"),             // wrong type
        json_response(201, "not json"),                           // not JSON
        json_response(201, R"({"state":"otp_required"})"),        // no id
        json_response(201, R"({"enrollment_id":"x","state":"weird"})"),
        json_response(201, R"({"enrollment_id":")" + std::string(kMaxEnrollmentIdLength + 1, 'a') +
                               R"(","state":"csr_required"})"),
        json_response(502, "<html>Bad gateway</html>", "text/html"),
        json_response(302, ""),
    };
    for (const HttpResponse& r : bad) {
        FakeTransport t([&r](const HttpRequest&) -> ApiResult<HttpResponse> { return r; });
        ApiClient api(t, Lang::ja);
        auto e = api.start_enrollment("1", std::nullopt, SecretString("1"));
        ASSERT_FALSE(e.ok()) << r.body;
        EXPECT_EQ(e.failure().kind, FailureKind::response_invalid) << r.body;
    }
    FakeTransport t([](const HttpRequest&) -> ApiResult<HttpResponse> {
        return json_response(201, "x", "application/json");
    });
    ApiClient api(t, Lang::ja);
    auto pem = api.send_csr(SecretString("abc"), "x");
    ASSERT_FALSE(pem.ok());
    EXPECT_EQ(pem.failure().kind, FailureKind::response_invalid);
}

TEST(ApiClient, TransportFailuresPassThrough) {
    FakeTransport t([](const HttpRequest&) -> ApiResult<HttpResponse> {
        return network_failure(FailureKind::timeout, Lang::ja);
    });
    ApiClient api(t, Lang::ja);
    auto e = api.start_enrollment("1", std::nullopt, SecretString("1"));
    ASSERT_FALSE(e.ok());
    EXPECT_EQ(e.failure().kind, FailureKind::timeout);
}

TEST(ApiClient, JsonAndPathEscaping) {
    std::string s;
    append_json_string(s, "a\"b\\c\n\x01");
    EXPECT_EQ(s, R"("a\"b\\c\u000a\u0001")");
    std::string p;
    append_path_segment(p, "aZ9-._~/?#% ");
    EXPECT_EQ(p, "aZ9-._~%2F%3F%23%25%20");
}

}  // namespace
}  // namespace kakuin::client
