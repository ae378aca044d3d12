// The in-process API stack that the API route tests share: a real CA and SQLite store in a
// temp dir, the services the routes call, a Router, and helpers to dispatch a request as a
// listener would. Subclasses adjust policy_ before build_stack() and add their routes after.
#pragma once

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "api/api_services.h"
#include "api/pki_routes.h"
#include "core/clock.h"
#include "pki/ca.h"
#include "service/certificate_service.h"
#include "store/sqlite/sqlite_store.h"

namespace kakuin::api {

class ApiStackTest : public ::testing::Test {
  protected:
    // Creates DIR (a fresh temp dir named after `prefix`), the CA hierarchy, the store and
    // the services. Call from SetUp(); check HasFatalFailure() after it.
    void build_stack(const std::string& prefix) {
        namespace fs = std::filesystem;
        dir_ = fs::temp_directory_path() / (prefix + std::to_string(std::random_device{}()));
        fs::create_directories(dir_);
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
        certs_ =
            std::make_unique<service::CertificateService>(*store_, *ca_, clock_, random_, policy_);
        crl_ = std::make_unique<CrlCache>(*certs_, clock_, std::chrono::hours(24),
                                          std::chrono::minutes(5));
        const service::ServiceContext ctx{*store_, *ca_,    clock_,
                                          random_, policy_, auth::Argon2Params{64, 1, 1}};
        services_ = std::make_unique<ApiServices>(ctx, *certs_, *crl_);
    }

    void TearDown() override {
        services_.reset();
        crl_.reset();
        certs_.reset();
        store_.reset();
        ca_.reset();
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
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
        auto v = boost::json::parse(r.body);
        return std::string(v.as_object().at("code").as_string());
    }

    std::filesystem::path dir_;
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

}  // namespace kakuin::api
