// The web screens' routes (api/web_routes.h) in process: the built screens as static files on
// the https and mtls listeners only (HTML no-store), the bank's wording, WEB-FB取引停止.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <filesystem>
#include <fstream>
#include <random>

#include "api/api_routes.h"
#include "api/web_routes.h"
#include "api_test_stack.h"
#include "core/clock.h"
#include "pki/ca.h"
#include "service/bank_service.h"
#include "store/sqlite/sqlite_store.h"

namespace kakuin::api {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

class WebRoutes : public ApiStackTest {
  protected:
    void SetUp() override {
        policy_.bank_name = "テスト銀行";
        policy_.admin_otp_every_login = false;  // an active session right after the PIN
        build_stack("kakuin-web-test-");
        if (HasFatalFailure()) return;
        fs::create_directories(dir_ / "web" / "assets");
        std::ofstream(dir_ / "web" / "index.html") << "<!doctype html><title>t</title>";
        std::ofstream(dir_ / "web" / "assets" / "a.js") << "console.log(1)";
        std::ofstream(dir_ / "secret.txt") << "outside the root";
        add_api_routes(router_, *services_);
        add_web_routes(router_, *services_,
                       WebOptions{dir_ / "web", 8443, 8444, {{"contractId", "ご契約先ID"}}});
    }
};

TEST_F(WebRoutes, ScreensOnHttpsAndMtlsOnly) {
    for (const char* listener : {"https", "mtls"}) {
        auto index = call(listener, "GET", "/");
        ASSERT_EQ(index.status, 200) << listener;
        EXPECT_EQ(index.content_type.rfind("text/html", 0), 0u);
        EXPECT_EQ(index.headers.get("Cache-Control").value_or(""), "no-store");
        auto js = call(listener, "GET", "/assets/a.js");
        ASSERT_EQ(js.status, 200);
        EXPECT_EQ(js.headers.get("Cache-Control").value_or(""), "no-cache");
    }
    EXPECT_EQ(call("http", "GET", "/").status, 404);
    EXPECT_EQ(call("http", "GET", "/assets/a.js").status, 404);
    EXPECT_EQ(call("https", "GET", "/missing.js").status, 404);
    EXPECT_EQ(call("https", "GET", "/../secret.txt").status, 404);
    EXPECT_EQ(call("https", "GET", "/%2e%2e/secret.txt").status, 404);
    // The API still answers for itself (not the static files).
    EXPECT_EQ(code_of(call("https", "GET", "/api/v1/users")), "session_expired");
}

TEST_F(WebRoutes, BankWordingAndRules) {
    auto r = call("https", "GET", "/api/v1/bank");
    ASSERT_EQ(r.status, 200);
    const auto o = json::parse(r.body).as_object();
    EXPECT_EQ(o.at("name").as_string(), "テスト銀行");
    EXPECT_EQ(o.at("pin").as_object().at("min_length").as_int64(), 4);
    EXPECT_EQ(o.at("pin").as_object().at("max_length").as_int64(), 12);
    EXPECT_EQ(o.at("idle_timeout_seconds").as_int64(), 600);
    EXPECT_EQ(o.at("mtls_port").as_int64(), 8444);
    EXPECT_EQ(o.at("wording").as_object().at("contractId").as_string(), "ご契約先ID");
    EXPECT_EQ(call("mtls", "GET", "/api/v1/bank").status, 200);
    EXPECT_EQ(call("http", "GET", "/api/v1/bank").status, 404);
}

TEST_F(WebRoutes, StopTransactionsNeedsSessionCsrfAndConfirmationPin) {
    service::BankService bank(services_->context, *certs_);
    service::ContractInput in;
    in.contract_id = "00001234567";
    in.name = "テスト";
    in.name_kana = "ﾃｽﾄ";
    auto created = bank.create_contract(Actor::bank("t"), in);
    ASSERT_TRUE(created.ok());
    const std::string stop_body =
        R"({"stop":true,"confirmation_pin":")" + created->admin_confirmation_pin + R"("})";
    EXPECT_EQ(code_of(call("https", "POST", "/api/v1/contract/stop", stop_body)),
              "session_expired");

    auto login = call("https", "POST", "/api/v1/sessions",
                      R"({"role":"admin","contract_id":"00001234567","pin":")" +
                          created->admin_login_pin + R"("})");
    ASSERT_EQ(login.status, 201) << login.body;
    const std::string set_cookie(*login.headers.get("Set-Cookie"));
    const std::string cookie = set_cookie.substr(0, set_cookie.find(';'));
    const auto session = json::parse(login.body).as_object();
    ASSERT_EQ(session.at("state").as_string(), "active");
    const std::string csrf(session.at("csrf_token").as_string());

    EXPECT_EQ(code_of(call("https", "POST", "/api/v1/contract/stop", stop_body,
                           {{"Cookie", cookie}})),
              "csrf_failed");
    const std::vector<http::Headers::Field> auth{{"Cookie", cookie}, {"X-CSRF-Token", csrf}};
    EXPECT_EQ(code_of(call("https", "POST", "/api/v1/contract/stop",
                           R"({"confirmation_pin":"x1234"})", auth)),
              "invalid_request");  // stop missing
    EXPECT_EQ(code_of(call("https", "POST", "/api/v1/contract/stop",
                           R"({"stop":"yes","confirmation_pin":"x1234"})", auth)),
              "invalid_request");
    EXPECT_EQ(code_of(call("https", "POST", "/api/v1/contract/stop",
                           R"({"stop":true,"confirmation_pin":"wrong99"})", auth)),
              "confirmation_pin_incorrect");
    auto ok = call("https", "POST", "/api/v1/contract/stop", stop_body, auth);
    ASSERT_EQ(ok.status, 200) << ok.body;
    EXPECT_TRUE(json::parse(ok.body).as_object().at("stopped").as_bool());
}

}  // namespace
}  // namespace kakuin::api
