#include "http/response.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace kakuin::http {
namespace {

boost::json::object parse_object(const std::string& body) {
    return boost::json::parse(body).as_object();
}

TEST(Problem, JapaneseByDefault) {
    auto r = Response::problem(ErrorCode::pin_incorrect, Lang::ja);
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(r.content_type, "application/problem+json; charset=utf-8");
    auto o = parse_object(r.body);
    EXPECT_EQ(o.at("type").as_string(), "urn:kakuin:problem:pin_incorrect");
    EXPECT_EQ(o.at("code").as_string(), "pin_incorrect");
    EXPECT_EQ(o.at("status").as_int64(), 401);
    EXPECT_EQ(o.at("title").as_string(), "暗証番号が正しくありません。");
    EXPECT_EQ(o.at("detail").as_string(), "暗証番号が正しくありません。");
    EXPECT_EQ(r.headers.get("Content-Language").value(), "ja");
}

TEST(Problem, EnglishAndSpecificDetails) {
    auto en = Response::problem(
        make_error(ErrorCode::csr_invalid, "bad base64 at line 3", "3行目が不正です"), Lang::en);
    auto o = parse_object(en.body);
    EXPECT_EQ(en.status, 400);
    EXPECT_EQ(o.at("title").as_string(), "The CSR is malformed.");
    EXPECT_EQ(o.at("detail").as_string(), "bad base64 at line 3");

    auto ja = Response::problem(
        make_error(ErrorCode::csr_invalid, "bad base64 at line 3", "3行目が不正です"), Lang::ja);
    EXPECT_EQ(parse_object(ja.body).at("detail").as_string(), "3行目が不正です");
}

TEST(Problem, ServerErrorDetailIsNeverShown) {
    auto r = Response::problem(
        make_error(ErrorCode::storage_failure, "sqlite: disk I/O error at /var/lib/x"), Lang::en);
    EXPECT_EQ(r.status, 503);
    EXPECT_EQ(r.body.find("sqlite"), std::string::npos);
}

TEST(Problem, LanguageFromTheRequest) {
    Request req;
    ASSERT_TRUE(parse_target("/x?lang=en", req));
    auto r = Response::problem(make_error(ErrorCode::not_found), req);
    EXPECT_EQ(parse_object(r.body).at("detail").as_string(), "Not found.");
}

TEST(Problem, WithTransportStatus) {
    auto r = Response::problem_with_status(ErrorCode::request_too_large, 431, Lang::ja);
    EXPECT_EQ(r.status, 431);
    EXPECT_EQ(parse_object(r.body).at("status").as_int64(), 431);
}

TEST(ResponseHelpers, JsonAndBytes) {
    boost::json::value v = {{"a", 1}};
    auto j = Response::json(v, 201);
    EXPECT_EQ(j.status, 201);
    EXPECT_EQ(j.body, R"({"a":1})");
    EXPECT_EQ(j.content_type, "application/json; charset=utf-8");
    auto b = Response::bytes("application/pkix-crl", std::string("\x30\x00", 2));
    EXPECT_EQ(b.body.size(), 2u);
    EXPECT_EQ(b.content_type, "application/pkix-crl");
    EXPECT_EQ(Response::no_content().status, 204);
}

}  // namespace
}  // namespace kakuin::http
