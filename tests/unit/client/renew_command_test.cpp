// `kakuin-cert renew` against an in-memory certificate listener: from a PKCS#12 (old kept as
// .old, or --out) and from an NSS database; refusals explained without touching the files;
// usage errors before any request; no secret in the output.
#include "client/renew_command.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>

#include <boost/json.hpp>

#include <deque>
#include <filesystem>
#include <sstream>

#include "client/current_credential.h"
#include "client/keygen.h"
#include "client/nss_export.h"
#include "client/pkcs12_writer.h"
#include "fake_transport.h"
#include "test_ca.h"

namespace kakuin::client {
namespace {

using testing::json_response;
using testing::problem_response;

constexpr const char* kPin = "pin1234";
constexpr const char* kOtp = "123456";
constexpr const char* kToken = "SESSION-TOKEN-4242";

class NoPrompter final : public SecretPrompter {
public:
    bool interactive() const override { return false; }
    std::optional<SecretString> ask(std::string_view) override { return std::nullopt; }
};

// The certificate listener's session and renewal routes, issuing from a TestCa.
struct FakeListener {
    explicit FakeListener(testing::TestCa& c) : ca(c) {}
    testing::TestCa& ca;
    bool renewal_open = true;
    std::string renew_problem;
    int renew_calls = 0;
    std::optional<KeyType> csr_key_type;
    std::vector<std::string> renew_headers;

    ApiResult<HttpResponse> handle(const HttpRequest& r) {
        const std::string cert = std::string(R"(,"certificate":{"serial":"1635","renewal_open":)") +
                                 (renewal_open ? "true" : "false") +
                                 R"(,"renewal_opens_at":"2027-10-19T00:00:00Z"}})";
        if (r.path == "/api/v1/sessions") {
            if (boost::json::parse(r.body).at("pin").as_string() != kPin)
                return problem_response(401, "pin_incorrect", "暗証番号が正しくありません。");
            HttpResponse a = json_response(201, R"({"state":"otp_required","csrf_token":"c1")" + cert);
            a.set_cookies.push_back(std::string("kakuin_session=") + kToken + "; HttpOnly; Secure");
            return a;
        }
        if (r.path == "/api/v1/sessions/current/otp") {
            if (boost::json::parse(r.body).at("otp").as_string() != kOtp)
                return problem_response(401, "otp_incorrect", "ワンタイムパスワードが正しくありません。");
            return json_response(200, R"({"state":"active","csrf_token":"c2")" + cert);
        }
        if (r.path == "/api/v1/renewals") {
            ++renew_calls;
            renew_headers = r.headers;
            if (!renew_problem.empty()) return problem_response(409, renew_problem, "更新できません。");
            BioPtr bio(BIO_new_mem_buf(r.body.data(), static_cast<int>(r.body.size())));
            X509ReqPtr req(PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr));
            if (!req) return problem_response(400, "csr_invalid", "CSRが正しくありません。");
            EVP_PKEY* pub = X509_REQ_get0_pubkey(req.get());
            if (auto type = key_type_of(pub); type.ok()) csr_key_type = *type;
            testing::LeafOptions o;
            o.common_name = "00009876543 riyousya 2000";
            o.serial = 0x2000;
            X509Ptr leaf = ca.issue(pub, o);
            return json_response(201, ca.chain_pem(leaf.get()), "application/pem-certificate-chain");
        }
        return problem_response(404, "not_found", "ありません。");
    }
};

class RenewTest : public ::testing::Test {
protected:
    void SetUp() override {
        ca_.write_root(dir_.path() / "ca.pem");
        testing::write_file(dir_.file("pin"), std::string(kPin) + "\n");
        testing::write_file(dir_.file("p12pw"), "p12-password\n");
        key_ = std::move(generate_key(KeyType::p256)).value();
        chain_ = ca_.chain(ca_.issue(key_.get()));
        p12_ = dir_.file("current.p12");
        ASSERT_TRUE(write_pkcs12(p12_, key_.get(), chain_, "kakuin old", SecretString("p12-password")).ok());
        o_.ca_file = dir_.file("ca.pem");
        o_.pin_file = dir_.file("pin");
        o_.otp = kOtp;
    }

    int renew() {
        std::vector<HttpRequest>* seen = &requests_;
        RenewEnvironment env{
            [this, seen](const ClientIdentity& id) -> std::unique_ptr<HttpTransport> {
                presented_ = id.certificate_pem;
                auto t = std::make_unique<RecordingTransport>(*this, *seen);
                return t;
            },
            prompter_, clock_, out_, err_, dir_.file("home/.pki/nssdb")};
        const int rc = run_renew(o_, env);
        const std::string all = out_.str() + err_.str();
        EXPECT_EQ(all.find(kPin), std::string::npos) << all;
        EXPECT_EQ(all.find(kToken), std::string::npos) << all;
        return rc;
    }

    struct RecordingTransport final : HttpTransport {
        RecordingTransport(RenewTest& t, std::vector<HttpRequest>& seen) : test(t), requests(seen) {}
        ApiResult<HttpResponse> post(const HttpRequest& r) override {
            requests.push_back(r);
            return test.server_.handle(r);
        }
        RenewTest& test;
        std::vector<HttpRequest>& requests;
    };

    std::string serial_in(const std::string& path) {
        auto c = load_pkcs12(path, SecretString("p12-password"));
        EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().detail);
        return c.ok() ? c->summary.serial_hex : "";
    }

    testing::TestCa ca_;
    testing::TempDir dir_;
    SimulatedClock clock_{ca_.now()};
    FakeListener server_{ca_};
    NoPrompter prompter_;
    RenewOptions o_;
    EvpPkeyPtr key_;
    IssuedChain chain_;
    std::string p12_;
    std::string presented_;
    std::vector<HttpRequest> requests_;
    std::ostringstream out_, err_;
};

TEST_F(RenewTest, FromAPkcs12KeepsTheOldFileAsDotOld) {
    o_.p12 = p12_;
    o_.p12_password_file = dir_.file("p12pw");
    ASSERT_EQ(renew(), kExitOk) << err_.str();
    EXPECT_NE(out_.str().find("新しい電子証明書を選択して再度ログインしてください"), std::string::npos) << out_.str();
    EXPECT_EQ(serial_in(p12_), "2000");
    EXPECT_EQ(serial_in(p12_ + ".old"), "1635");
    EXPECT_EQ(server_.csr_key_type, KeyType::p256);  // the current key's type
    // The current certificate was presented; the session's cookie and CSRF token were sent.
    EXPECT_NE(presented_.find("BEGIN CERTIFICATE"), std::string::npos);
    ASSERT_EQ(requests_.size(), 3u);
    bool cookie = false, csrf = false;
    for (const auto& h : server_.renew_headers) {
        cookie = cookie || h == std::string("Cookie: kakuin_session=") + kToken;
        csrf = csrf || h == "X-CSRF-Token: c2";
    }
    EXPECT_TRUE(cookie && csrf);
}

TEST_F(RenewTest, OutWritesElsewhereAndKeyTypeCanChange) {
    o_.p12 = p12_;
    o_.p12_password_file = dir_.file("p12pw");
    o_.out = dir_.file("new.p12");
    o_.key_type = KeyType::rsa2048;
    o_.lang = Lang::en;
    ASSERT_EQ(renew(), kExitOk) << err_.str();
    EXPECT_NE(out_.str().find("choosing the new certificate"), std::string::npos);
    EXPECT_EQ(serial_in(p12_), "1635");
    EXPECT_EQ(serial_in(dir_.file("new.p12")), "2000");
    EXPECT_FALSE(std::filesystem::exists(p12_ + ".old"));
    EXPECT_EQ(server_.csr_key_type, KeyType::rsa2048);
}

TEST_F(RenewTest, RefusalsLeaveTheFilesAlone) {
    o_.p12 = p12_;
    o_.p12_password_file = dir_.file("p12pw");
    server_.renew_problem = "not_in_renewal_window";
    EXPECT_EQ(renew(), kExitAcquisitionState);
    EXPECT_NE(err_.str().find("not_in_renewal_window"), std::string::npos);
    EXPECT_NE(err_.str().find("更新期間"), std::string::npos);
    EXPECT_EQ(serial_in(p12_), "1635");
    EXPECT_FALSE(std::filesystem::exists(p12_ + ".old"));
    // The session answer says the window is closed: no key is made, no renewal sent.
    server_.renew_problem.clear();
    server_.renewal_open = false;
    server_.renew_calls = 0;
    EXPECT_EQ(renew(), kExitAcquisitionState);
    EXPECT_EQ(server_.renew_calls, 0);
}

TEST_F(RenewTest, WrongPinAndWrongPkcs12Password) {
    o_.p12 = p12_;
    o_.p12_password_file = dir_.file("p12pw");
    testing::write_file(dir_.file("badpin"), "nope\n");
    o_.pin_file = dir_.file("badpin");
    EXPECT_EQ(renew(), kExitAuthentication);
    o_.pin_file = dir_.file("pin");
    testing::write_file(dir_.file("badpw"), "wrong\n");
    o_.p12_password_file = dir_.file("badpw");
    requests_.clear();
    EXPECT_EQ(renew(), kExitOther);
    EXPECT_TRUE(requests_.empty());
}

TEST_F(RenewTest, UsageErrorsBeforeAnyRequest) {
    o_.p12 = p12_;
    o_.nssdb = dir_.file("db");
    EXPECT_EQ(renew(), kExitUsage);
    o_.nssdb.reset();
    EXPECT_EQ(renew(), kExitUsage);  // no PKCS#12 password and nobody to ask
    o_.p12_password_file = dir_.file("p12pw");
    o_.role = "boss";
    EXPECT_EQ(renew(), kExitUsage);
    o_.role = "user";
    o_.p12.reset();
    o_.out = dir_.file("x.p12");
    EXPECT_EQ(renew(), kExitUsage);  // --out without --p12
    o_.out.reset();
    o_.ca_file = dir_.file("missing.pem");
    EXPECT_EQ(renew(), kExitUsage);
    EXPECT_TRUE(requests_.empty());
}

TEST_F(RenewTest, FromAnNssDatabaseInstallsTheNewOneBeside) {
    const std::string db = dir_.file("nssdb");
    ASSERT_TRUE(install_into_nssdb(db, key_.get(), chain_, "kakuin old", NssPasswordSource{}).ok());
    // The bank's CA file: issuing CA + root (the NSS choice checks the issuer).
    const std::string pem = ca_.chain_pem(chain_.leaf.get());
    const std::string end = "-----END CERTIFICATE-----\n";
    testing::write_file(dir_.file("ca-chain.pem"), pem.substr(pem.find(end) + end.size()));
    o_.ca_file = dir_.file("ca-chain.pem");
    o_.nssdb = db;
    ASSERT_EQ(renew(), kExitOk) << err_.str();
    SecretString pw;
    auto all = list_nss_user_certificates(db, NssPasswordSource{}, pw);
    ASSERT_TRUE(all.ok());
    ASSERT_EQ(all->size(), 2u);
    EXPECT_NE(out_.str().find("kakuin 00009876543 riyousya 2000"), std::string::npos) << out_.str();
}

}  // namespace
}  // namespace kakuin::client
