#include "api/json_body.h"

#include <gtest/gtest.h>

#include "api/json_views.h"

namespace kakuin::api {
namespace {

http::Request post(std::string body, std::string content_type = "application/json") {
    http::Request r;
    r.method = "POST";
    r.body = std::move(body);
    if (!content_type.empty()) r.headers.add("Content-Type", content_type);
    return r;
}

TEST(JsonBody, ParsesAnObjectOfKnownFields) {
    auto o = parse_json_object(post(R"({"role":"admin","pin":"1234"})"), {"role", "pin"});
    ASSERT_TRUE(o.ok());
    EXPECT_EQ(*required_string(*o, "role"), "admin");
    EXPECT_FALSE(optional_string(*o, "user_id")->has_value());
}

TEST(JsonBody, ContentTypeWithCharsetIsJson) {
    EXPECT_TRUE(parse_json_object(post("{}", "application/json; charset=utf-8"), {}).ok());
    EXPECT_TRUE(parse_json_object(post("{}", ""), {}).ok());
}

TEST(JsonBody, RefusesBadInputWithInvalidRequest) {
    for (const char* body : {"", "{", "[1]", "\"x\"", "{\"a\":1,}", "nul"}) {
        auto o = parse_json_object(post(body), {"a"});
        ASSERT_FALSE(o.ok()) << body;
        EXPECT_EQ(o.error().code, ErrorCode::invalid_request) << body;
        EXPECT_FALSE(o.error().detail_ja.empty());
    }
    auto wrong_type = parse_json_object(post("{}", "text/plain"), {});
    ASSERT_FALSE(wrong_type.ok());
    EXPECT_EQ(wrong_type.error().code, ErrorCode::invalid_request);
}

TEST(JsonBody, RefusesUnknownFieldsNamingThem) {
    auto o = parse_json_object(post(R"({"pin":"1","evil":true})"), {"pin"});
    ASSERT_FALSE(o.ok());
    EXPECT_EQ(o.error().code, ErrorCode::invalid_request);
    EXPECT_NE(o.error().detail_ja.find("evil"), std::string::npos);
}

TEST(JsonBody, RefusesTooDeepAndTooLarge) {
    auto deep = parse_json_object(post(R"({"a":[[[[[[[[[[1]]]]]]]]]]})"), {"a"});
    ASSERT_FALSE(deep.ok());
    auto big =
        parse_json_object(post("{\"a\":\"" + std::string(kMaxJsonBodyBytes, 'x') + "\"}"), {"a"});
    ASSERT_FALSE(big.ok());
    EXPECT_EQ(big.error().code, ErrorCode::request_too_large);
}

TEST(JsonBody, StrictTypesNameTheField) {
    auto o = parse_json_object(post(R"({"pin":1234,"flag":"yes","empty":"","long":"xxxxx"})"),
                               {"pin", "flag", "empty", "long"});
    ASSERT_TRUE(o.ok());
    auto pin = required_string(*o, "pin");
    ASSERT_FALSE(pin.ok());
    EXPECT_EQ(pin.error().code, ErrorCode::invalid_request);
    EXPECT_NE(pin.error().detail_ja.find("pin"), std::string::npos);
    EXPECT_FALSE(optional_bool(*o, "flag").ok());
    EXPECT_FALSE(required_string(*o, "empty").ok());
    EXPECT_FALSE(required_string(*o, "long", 4).ok());
    auto missing = required_string(*o, "contract_id");
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.error().detail_ja.find("contract_id"), std::string::npos);
}

TEST(Permissions, ParsesNamedServicesOthersOff) {
    auto o = parse_json_object(
        post(
            R"({"p":{"balance":{"allowed":true},"transfer_adhoc":{"allowed":true,"per_transaction":1000,"per_day":5000}}})"),
        {"p"});
    ASSERT_TRUE(o.ok());
    auto p = parse_permissions(o->at("p"));
    ASSERT_TRUE(p.ok());
    EXPECT_TRUE((*p)[BusinessService::balance].allowed);
    EXPECT_EQ((*p)[BusinessService::transfer_adhoc].per_day, 5000);
    EXPECT_FALSE((*p)[BusinessService::payroll].allowed);
    // Round trip through the view.
    auto again = parse_permissions(boost::json::value(permissions_json(*p)));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, *p);
}

TEST(Permissions, RefusesUnknownServicesAndBadAmounts) {
    for (const char* body :
         {R"({"p":{"teleport":{"allowed":true}}})", R"({"p":{"balance":{"allowed":1}}})",
          R"({"p":{"balance":{"per_day":-1}}})", R"({"p":{"balance":{"per_day":1.5}}})",
          R"({"p":{"balance":{"x":1}}})", R"({"p":[]})"}) {
        auto o = parse_json_object(post(body), {"p"});
        ASSERT_TRUE(o.ok()) << body;
        auto p = parse_permissions(o->at("p"));
        ASSERT_FALSE(p.ok()) << body;
        EXPECT_EQ(p.error().code, ErrorCode::invalid_request) << body;
    }
}

}  // namespace
}  // namespace kakuin::api
