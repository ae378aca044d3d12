// The web screens' routes (api/web_routes.h) in process: the built screens as static files on
// the https and mtls listeners only (HTML no-store), the bank's wording, WEB-FB取引停止.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <filesystem>
#include <fstream>
#include <random>

#include "api/api_routes.h"
#include "api/web_routes.h"
#include "core/clock.h"
#include "pki/ca.h"
#include "service/bank_service.h"
#include "store/sqlite/sqlite_store.h"

namespace kakuin::api {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

class WebRoutes : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() /
               ("kakuin-web-test-" + std::to_string(std::random_device{}()));
        fs::create_directories(dir_ / "web" / "assets");
        std::ofstream(dir_ / "web" / "index.html") << "<!doctype html><title>t</title>";
        std::ofstream(dir_ / "web" / "assets" / "a.js") << "console.log(1)";
        std::ofstream(dir_ / "secret.txt") << "outside the root";
        settings_.dir = (dir_ / "ca").string();
        settings_.passphrase = "test passphrase";
        settings_.crl_url = "http://localhost:8080/crl";
        settings_.ocsp_url = "http://localhost:8080/ocsp";
        pki::CaHierarchySpec spec;
        spec.organization = "Test Bank";
        ASSERT_TRUE(pki::create_ca_hierarchy(settings_, spec, clock_, random_).ok());
        auto ca = pki::IssuingCa::load(settings_);
        ASSERT_TRUE(ca.ok());
        ca_ = std::move(*ca);
        auto st = store::sqlite::SqliteStore::open((dir_ / "kakuin.db").string());
        ASSERT_TRUE(st.ok());
        store_ = std::move(*st);
        policy_.bank_name = "テスト銀行";
        policy_.admin_otp_every_login = false;  // an active session right after the PIN
        certs_ =
            std::make_unique<service::CertificateService>(*store_, *ca_, clock_, random_, policy_);
        crl_ = std::make_unique<CrlCache>(*certs_, clock_, std::chrono::hours(24),
                                          std::chrono::minutes(5));
        const service::ServiceContext ctx{*store_, *ca_,    clock_,
                                          random_, policy_, auth::Argon2Params{64, 1, 1}};
        services_ = std::make_unique<ApiServices>(ctx, *certs_, *crl_);
        add_api_routes(router_, *services_);
        add_web_routes(router_, *services_,
                       WebOptions{dir_ / "web", 8443, 8444, {{"contractId", "ご契約先ID"}}});
    }
    void TearDown() override {
        services_.reset();
        crl_.reset();
        certs_.reset();
        store_.reset();
        ca_.reset();
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }

    http::Response call(std::string listener, std::string method, std::string path,
                        std::string body = {}, std::vector<http::Headers::Field> headers = {}) {
        http::Request r;
        r.method = std::move(method);
        r.target = path;
        r.path = std::move(path);
        r.listener = std::move(listener);
        r.remote_address = "192.0.2.1";
        r.body = std::move(body);
        if (!r.body.empty()) r.headers.add("Content-Type", "application/json");
        for (auto& [k, v] : headers) r.headers.add(k, v);
        return router_.dispatch(r, router_.match(r.method, r.path));
    }
    static std::string code_of(const http::Response& r) {
        auto v = json::parse(r.body);
        return std::string(v.as_object().at("code").as_string());
    }

    fs::path dir_;
    SimulatedClock clock_{from_unix(1795000000)};
    pki::OsRandom random_;
    BankPolicy policy_;
    pki::CaSettings settings_;
    std::unique_ptr<pki::IssuingCa> ca_;
    std::unique_ptr<store::sqlite::SqliteStore> store_;
    std::unique_ptr<service::CertificateService> certs_;
    std::unique_ptr<CrlCache> crl_;
    std::unique_ptr<ApiServices> services_;
    http::Router router_;
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
