// The back office routes in process (docs/api/bank-api.md): only on the bank listener, staff
// login PIN + OTP with the kakuin_bank_session cookie (Path=/bank), CSRF on writes, four eyes
// over HTTP, and invalid_request naming its field.
#include <boost/json/parse.hpp>

#include "api/bank_routes.h"
#include "api/listener_scope.h"
#include "api_test_stack.h"
#include "auth/base32.h"
#include "auth/totp.h"

namespace kakuin::api {
namespace {

class BankRoutes : public ApiStackTest {
protected:
    void SetUp() override {
        build_stack("kakuin-bank-routes-");
        if (HasFatalFailure()) return;
        bank_ = std::make_unique<BankApiServices>(services_->context, *certs_);
        add_bank_routes(router_, *bank_, std::nullopt);
        for (auto [id, role] : {std::pair{"op1", store::StaffRole::operator_},
                                std::pair{"ap1", store::StaffRole::approver}}) {
            auto c = bank_->staff.add_staff(id, "行員", role, Actor::bank("cli"));
            ASSERT_TRUE(c.ok());
            staff_[id] = *c;
        }
    }
    void TearDown() override {
        bank_.reset();
        ApiStackTest::TearDown();
    }

    struct Jar {
        std::string cookie;
        std::string csrf;
    };
    std::vector<http::Headers::Field> with(const Jar& j) {
        return {{"Cookie", "kakuin_bank_session=" + j.cookie}, {"X-CSRF-Token", j.csrf}};
    }
    static std::string member(const http::Response& r, const char* name) {
        auto v = boost::json::parse(r.body);
        const auto* m = v.as_object().if_contains(name);
        return m && m->is_string() ? std::string(m->as_string()) : std::string();
    }
    Jar login(const std::string& id) {
        Jar j;
        auto r = call("bank", "POST", "/bank/api/v1/sessions",
                      R"({"staff_id":")" + id + R"(","pin":")" + staff_[id].pin + R"("})");
        EXPECT_EQ(r.status, 201) << r.body;
        const std::string set = std::string(r.headers.get("Set-Cookie").value_or(""));
        EXPECT_NE(set.find("Path=/bank"), std::string::npos) << set;
        EXPECT_NE(set.find("HttpOnly"), std::string::npos);
        const auto eq = set.find('=');
        j.cookie = set.substr(eq + 1, set.find(';') - eq - 1);
        j.csrf = member(r, "csrf_token");
        auto secret = auth::base32_decode(staff_[id].totp_secret_base32);
        auto code = auth::totp_code_for_step(
            *secret, auth::totp_step_at(clock_.now(), auth::TotpConfig{}), auth::TotpConfig{});
        auto o = call("bank", "POST", "/bank/api/v1/sessions/current/otp",
                      R"({"otp":")" + *code + R"("})", with(j));
        EXPECT_EQ(o.status, 200) << o.body;
        EXPECT_EQ(member(o, "phase"), "active");
        return j;
    }

    std::unique_ptr<BankApiServices> bank_;
    std::map<std::string, service::StaffCreated> staff_;
};

TEST_F(BankRoutes, OnlyOnTheBankListener) {
    for (const char* l : {"https", "mtls", "http"}) {
        auto r = call(l, "POST", "/bank/api/v1/sessions", R"({"staff_id":"op1","pin":"x"})");
        EXPECT_EQ(r.status, 404) << l;
        EXPECT_EQ(code_of(r), "not_found");
    }
    EXPECT_EQ(call("bank", "GET", "/bank/api/v1/contracts").status, 401);
}

TEST_F(BankRoutes, LoginErrorsNameTheirField) {
    auto r = call("bank", "POST", "/bank/api/v1/sessions", R"({"staff_id":"op 1","pin":"x"})");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(member(r, "field"), "staff_id");
    EXPECT_FALSE(member(r, "message_ja").empty());
    EXPECT_FALSE(member(r, "message_en").empty());
    r = call("bank", "POST", "/bank/api/v1/sessions", R"({"staff_id":"op1"})");
    EXPECT_EQ(member(r, "field"), "pin");
    r = call("bank", "POST", "/bank/api/v1/sessions", R"({"staff_id":"op1","pin":"x","extra":1})");
    EXPECT_EQ(member(r, "field"), "extra");
    r = call("bank", "POST", "/bank/api/v1/sessions", R"({"staff_id":"op1","pin":"wrong"})");
    EXPECT_EQ(code_of(r), "pin_incorrect");
}

TEST_F(BankRoutes, FourEyesOverHttp) {
    Jar op = login("op1");
    Jar ap = login("ap1");
    const std::string body =
        R"({"kind":"contract_create","contract_id":"00001234567","payload":{"name":"株式会社いちご","name_kana":"ｲﾁｺﾞ","upper_limits":{"payroll":{"per_transaction":5,"per_day":10}}}})";
    Jar no_csrf = op;
    no_csrf.csrf = "wrong";
    EXPECT_EQ(code_of(call("bank", "POST", "/bank/api/v1/requests", body, with(no_csrf))), "csrf_failed");
    auto bad = call("bank", "POST", "/bank/api/v1/requests",
                    R"({"kind":"contract_create","contract_id":"00001234567","payload":{"name":"A","name_kana":"ｱ","upper_limits":{"nosuch":{"per_transaction":1,"per_day":1}}}})",
                    with(op));
    EXPECT_EQ(member(bad, "field"), "payload.upper_limits.nosuch");
    auto r = call("bank", "POST", "/bank/api/v1/requests", body, with(op));
    ASSERT_EQ(r.status, 201) << r.body;
    const auto id = boost::json::parse(r.body).as_object().at("id").as_int64();
    const std::string path = "/bank/api/v1/requests/" + std::to_string(id);
    EXPECT_EQ(code_of(call("bank", "POST", path + "/approve", "", with(op))), "four_eyes_required");
    auto a = call("bank", "POST", path + "/approve", "", with(ap));
    ASSERT_EQ(a.status, 200) << a.body;
    auto v = boost::json::parse(a.body).as_object();
    EXPECT_EQ(v.at("request").as_object().at("state").as_string(), "applied");
    EXPECT_FALSE(v.at("result").as_object().at("admin_login_pin").as_string().empty());
    EXPECT_EQ(code_of(call("bank", "POST", path + "/approve", "", with(ap))), "request_not_pending");
    auto c = call("bank", "GET", "/bank/api/v1/contracts/00001234567", "", with(op));
    ASSERT_EQ(c.status, 200) << c.body;
    auto cv = boost::json::parse(c.body).as_object();
    EXPECT_EQ(cv.at("contract").as_object().at("upper_limits").as_object().at("payroll").as_object().at("per_day").as_int64(), 10);
    EXPECT_EQ(call("bank", "GET", "/bank/api/v1/requests/abc", "", with(op)).status, 404);
    EXPECT_EQ(call("bank", "DELETE", "/bank/api/v1/sessions/current", "", with(op)).status, 204);
    EXPECT_EQ(code_of(call("bank", "GET", "/bank/api/v1/sessions/current", "", with(op))), "session_expired");
}

}  // namespace
}  // namespace kakuin::api
