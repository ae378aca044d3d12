#include "client/acquire_command.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <sys/stat.h>

#include <boost/json.hpp>

#include <deque>
#include <sstream>

#include "client/keygen.h"
#include "fake_transport.h"
#include "test_ca.h"

namespace kakuin::client {
namespace {

using testing::json_response;
using testing::problem_response;
using testing::run;

constexpr const char* kEnrollmentId = "SECRET-ENROLLMENT-ID-4242";
constexpr const char* kPin = "pin1234";
constexpr const char* kOtp = "123456";

class FakePrompter final : public SecretPrompter {
public:
    bool interactive() const override { return interactive_; }
    std::optional<SecretString> ask(std::string_view prompt) override {
        prompts.emplace_back(prompt);
        if (!interactive_ || answers.empty()) return std::nullopt;
        SecretString s(answers.front());
        answers.pop_front();
        return s;
    }
    bool interactive_ = false;
    std::deque<std::string> answers;
    std::vector<std::string> prompts;
};

// The enrollment API of the server, in memory, issuing from a TestCa.
struct FakeServer {
    explicit FakeServer(testing::TestCa& c) : ca(c) {}
    testing::TestCa& ca;
    bool otp_required = true;
    std::string default_key_type = "rsa2048";
    std::string key_types = R"(["rsa2048","rsa3072","p256"])";
    std::string start_problem;   // a code to refuse the start with
    bool wrong_key = false;      // issue for another key
    int otp_calls = 0;
    int csr_calls = 0;
    std::optional<KeyType> csr_key_type;

    ApiResult<HttpResponse> handle(const HttpRequest& r) {
        const std::string fields = R"(,"key_types":)" + key_types + R"(,"default_key_type":")" +
                                   default_key_type + R"(","expires_at":"2026-11-21T10:00:00Z"})";
        if (r.path == "/api/v1/enrollments") {
            if (!start_problem.empty()) return problem_response(409, start_problem, "取得できません。");
            auto body = boost::json::parse(r.body).as_object();
            if (body.at("pin").as_string() != kPin)
                return problem_response(401, "pin_incorrect", "暗証番号が正しくありません。");
            return json_response(201, std::string(R"({"enrollment_id":")") + kEnrollmentId + R"(","state":")" +
                                          (otp_required ? "otp_required" : "csr_required") + "\"" + fields);
        }
        const std::string prefix = std::string("/api/v1/enrollments/") + kEnrollmentId;
        if (r.path == prefix + "/otp") {
            ++otp_calls;
            auto body = boost::json::parse(r.body).as_object();
            if (body.at("otp").as_string() != kOtp)
                return problem_response(401, "otp_incorrect", "ワンタイムパスワードが正しくありません。");
            return json_response(200, std::string(R"({"state":"csr_required")") + fields);
        }
        if (r.path == prefix + "/csr") {
            ++csr_calls;
            BioPtr bio(BIO_new_mem_buf(r.body.data(), static_cast<int>(r.body.size())));
            X509ReqPtr req(PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr));
            if (!req || X509_REQ_verify(req.get(), X509_REQ_get0_pubkey(req.get())) != 1)
                return problem_response(400, "csr_invalid", "CSRが正しくありません。");
            EVP_PKEY* pub = X509_REQ_get0_pubkey(req.get());
            auto type = key_type_of(pub);
            if (type.ok()) csr_key_type = *type;
            EvpPkeyPtr other;
            if (wrong_key) other = std::move(generate_key(KeyType::p256)).value();
            X509Ptr leaf = ca.issue(wrong_key ? other.get() : pub);
            return json_response(201, ca.chain_pem(leaf.get()), "application/pem-certificate-chain");
        }
        return problem_response(404, "not_found", "ありません。");
    }
};

class AcquireTest : public ::testing::Test {
protected:
    void SetUp() override {
        ca_.write_root(dir_.path() / "ca.pem");
        testing::write_file(dir_.file("pin"), std::string(kPin) + "\n");
        testing::write_file(dir_.file("p12pw"), "p12-password\n");
        o_.ca_file = dir_.file("ca.pem");
        o_.contract_id = "00009876543";
        o_.user_id = "riyousya";
        o_.pin_file = dir_.file("pin");
        o_.otp = kOtp;
    }

    int acquire() {
        testing::FakeTransport transport([this](const HttpRequest& r) { return server_.handle(r); });
        AcquireEnvironment env{transport, prompter_, clock_, out_, err_, dir_.file("home/.pki/nssdb")};
        const int rc = run_acquire(o_, env);
        requests_ = transport.requests.size();
        const std::string all = out_.str() + err_.str();
        EXPECT_EQ(all.find(kEnrollmentId), std::string::npos) << all;
        EXPECT_EQ(all.find(kPin), std::string::npos) << all;
        return rc;
    }

    std::string default_db() const { return dir_.file("home/.pki/nssdb"); }

    testing::TestCa ca_;
    testing::TempDir dir_;
    SimulatedClock clock_{ca_.now()};
    FakeServer server_{ca_};
    FakePrompter prompter_;
    AcquireOptions o_;
    std::ostringstream out_, err_;
    std::size_t requests_ = 0;
};

TEST_F(AcquireTest, InstallsIntoTheDefaultNssDatabase) {
    ASSERT_EQ(acquire(), kExitOk) << err_.str();
    const std::string out = out_.str();
    EXPECT_NE(out.find("電子証明書を取得しました"), std::string::npos) << out;
    EXPECT_NE(out.find("CN: 00009876543 riyousya 1635"), std::string::npos) << out;
    EXPECT_NE(out.find("シリアル番号: 1635"), std::string::npos) << out;
    const TimePoint not_after = ca_.now() + std::chrono::days(365);
    EXPECT_NE(out.find(format_jst_ja(not_after)), std::string::npos) << out;
    EXPECT_NE(out.find(format_iso8601(not_after)), std::string::npos) << out;
    EXPECT_NE(out.find("sql:" + default_db()), std::string::npos) << out;
    EXPECT_EQ(server_.otp_calls, 1);
    EXPECT_EQ(server_.csr_key_type, KeyType::rsa2048);

    std::string listing;
    ASSERT_EQ(run("certutil -K -d sql:" + default_db() + " -f /dev/null", listing), 0) << listing;
    EXPECT_NE(listing.find("kakuin 00009876543 riyousya 1635"), std::string::npos) << listing;
}

TEST_F(AcquireTest, WritesOnlyAPkcs12WhenOnlyP12IsGiven) {
    o_.p12 = dir_.file("me.p12");
    o_.p12_password_file = dir_.file("p12pw");
    ASSERT_EQ(acquire(), kExitOk) << err_.str();
    struct stat st{};
    ASSERT_EQ(::stat(o_.p12->c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_FALSE(std::filesystem::exists(dir_.file("home")));
    EXPECT_NE(out_.str().find("PKCS#12"), std::string::npos);
    std::string info;
    EXPECT_EQ(run("openssl pkcs12 -info -noout -in " + *o_.p12 + " -passin file:" + dir_.file("p12pw"), info), 0)
        << info;
}

TEST_F(AcquireTest, WritesBothWhenNssdbAndP12AreGiven) {
    o_.p12 = dir_.file("me.p12");
    o_.p12_password_file = dir_.file("p12pw");
    o_.nssdb = dir_.file("db");
    ASSERT_EQ(acquire(), kExitOk) << err_.str();
    EXPECT_TRUE(std::filesystem::exists(*o_.p12));
    EXPECT_TRUE(std::filesystem::exists(dir_.file("db/cert9.db")));
    EXPECT_TRUE(std::filesystem::exists(dir_.file("db/key4.db")));
}

TEST_F(AcquireTest, UsesTheServersDefaultKeyTypeUnlessOneIsGiven) {
    server_.default_key_type = "p256";
    ASSERT_EQ(acquire(), kExitOk) << err_.str();
    EXPECT_EQ(server_.csr_key_type, KeyType::p256);
}

TEST_F(AcquireTest, GivenKeyTypeWins) {
    server_.default_key_type = "p256";
    o_.key_type = KeyType::rsa3072;
    ASSERT_EQ(acquire(), kExitOk) << err_.str();
    EXPECT_EQ(server_.csr_key_type, KeyType::rsa3072);
}

TEST_F(AcquireTest, RefusesAKeyTypeTheServerDoesNotAllow) {
    server_.key_types = R"(["p256"])";
    o_.key_type = KeyType::rsa2048;
    EXPECT_EQ(acquire(), kExitCsrOrKey);
    EXPECT_EQ(server_.csr_calls, 0);
    EXPECT_NE(err_.str().find("(key_not_allowed)"), std::string::npos) << err_.str();
}

TEST_F(AcquireTest, SkipsTheOtpStepWhenNotAsked) {
    server_.otp_required = false;
    o_.otp.reset();
    ASSERT_EQ(acquire(), kExitOk) << err_.str();
    EXPECT_EQ(server_.otp_calls, 0);
}

TEST_F(AcquireTest, WrongPinIsAnAuthenticationError) {
    testing::write_file(dir_.file("pin"), "wrong\n");
    EXPECT_EQ(acquire(), kExitAuthentication);
    EXPECT_EQ(err_.str(), "エラー: 暗証番号が正しくありません。 (pin_incorrect)\n");
    EXPECT_TRUE(out_.str().empty());
}

TEST_F(AcquireTest, AcquisitionStateErrorsHaveTheirExitCode) {
    for (const char* code : {"acquisition_not_registered", "acquisition_deadline_passed", "acquisition_already_used"}) {
        server_.start_problem = code;
        err_.str("");
        EXPECT_EQ(acquire(), kExitAcquisitionState) << code;
        EXPECT_NE(err_.str().find(std::string("(") + code + ")"), std::string::npos) << err_.str();
    }
}

TEST_F(AcquireTest, AsksForPinAndOtpOnTheTerminalAndRetriesAWrongOtp) {
    o_.pin_file.reset();
    o_.otp.reset();
    prompter_.interactive_ = true;
    prompter_.answers = {kPin, "000000", kOtp};
    ASSERT_EQ(acquire(), kExitOk) << err_.str();
    EXPECT_EQ(server_.otp_calls, 2);
    ASSERT_EQ(prompter_.prompts.size(), 3u);
    EXPECT_EQ(prompter_.prompts[0], "ログイン暗証番号: ");
    EXPECT_EQ(prompter_.prompts[1], "ワンタイムパスワード: ");
    EXPECT_NE(err_.str().find("(otp_incorrect)"), std::string::npos);
}

TEST_F(AcquireTest, GivesUpAfterThreeWrongOtps) {
    o_.otp.reset();
    prompter_.interactive_ = true;
    prompter_.answers = {"000001", "000002", "000003", kOtp};
    EXPECT_EQ(acquire(), kExitAuthentication);
    EXPECT_EQ(server_.otp_calls, kMaxOtpAttempts);
    EXPECT_EQ(server_.csr_calls, 0);
}

TEST_F(AcquireTest, AWrongGivenOtpIsNotRetriedWithoutATerminal) {
    o_.otp = "000000";
    EXPECT_EQ(acquire(), kExitAuthentication);
    EXPECT_EQ(server_.otp_calls, 1);
}

TEST_F(AcquireTest, MissingPinWithoutATerminalFailsAtOnce) {
    o_.pin_file.reset();
    EXPECT_EQ(acquire(), kExitUsage);
    EXPECT_EQ(requests_, 0u);
    EXPECT_NE(err_.str().find("--pin-file"), std::string::npos) << err_.str();
    EXPECT_TRUE(prompter_.prompts.empty());
}

TEST_F(AcquireTest, MissingOtpWithoutATerminalFailsAtOnce) {
    o_.otp.reset();
    EXPECT_EQ(acquire(), kExitUsage);
    EXPECT_EQ(server_.otp_calls, 0);
    EXPECT_NE(err_.str().find("--otp"), std::string::npos) << err_.str();
}

TEST_F(AcquireTest, MissingP12PasswordWithoutATerminalFailsBeforeAnyRequest) {
    o_.p12 = dir_.file("me.p12");
    EXPECT_EQ(acquire(), kExitUsage);
    EXPECT_EQ(requests_, 0u);
}

TEST_F(AcquireTest, AsksForTheP12PasswordTwice) {
    o_.p12 = dir_.file("me.p12");
    prompter_.interactive_ = true;
    prompter_.answers = {"first", "different", "pw-ok", "pw-ok"};
    ASSERT_EQ(acquire(), kExitOk) << err_.str();
    EXPECT_EQ(prompter_.prompts.size(), 4u);
    EXPECT_TRUE(std::filesystem::exists(*o_.p12));
}

TEST_F(AcquireTest, RefusesACertificateForAnotherKeyAndInstallsNothing) {
    server_.wrong_key = true;
    o_.p12 = dir_.file("me.p12");
    o_.p12_password_file = dir_.file("p12pw");
    o_.nssdb = dir_.file("db");
    EXPECT_EQ(acquire(), kExitOther);
    EXPECT_NE(err_.str().find("一致しません"), std::string::npos) << err_.str();
    EXPECT_NE(err_.str().find("もう一度"), std::string::npos) << err_.str();
    EXPECT_FALSE(std::filesystem::exists(dir_.file("db")));
    EXPECT_FALSE(std::filesystem::exists(*o_.p12));
    EXPECT_TRUE(out_.str().empty());
}

TEST_F(AcquireTest, RefusesAChainThatDoesNotVerifyAgainstTheCaFile) {
    testing::TestCa stranger;
    stranger.write_root(dir_.path() / "other-ca.pem");
    o_.ca_file = dir_.file("other-ca.pem");
    EXPECT_EQ(acquire(), kExitOther);
    EXPECT_NE(err_.str().find("--ca-file"), std::string::npos) << err_.str();
    EXPECT_FALSE(std::filesystem::exists(default_db()));
}

TEST_F(AcquireTest, SpeaksEnglishWhenAsked) {
    o_.lang = Lang::en;
    testing::write_file(dir_.file("pin"), "wrong\n");
    EXPECT_EQ(acquire(), kExitAuthentication);
    EXPECT_EQ(err_.str().rfind("Error: ", 0), 0u) << err_.str();
    err_.str("");
    testing::write_file(dir_.file("pin"), std::string(kPin) + "\n");
    ASSERT_EQ(acquire(), kExitOk) << err_.str();
    EXPECT_NE(out_.str().find("The certificate has been acquired."), std::string::npos);
    EXPECT_NE(out_.str().find("Valid until: "), std::string::npos);
}

TEST_F(AcquireTest, BadCommandLineValuesAreUsageErrors) {
    const auto check = [this](auto mutate) {
        AcquireOptions saved = o_;
        mutate(o_);
        err_.str("");
        EXPECT_EQ(acquire(), kExitUsage) << err_.str();
        EXPECT_EQ(requests_, 0u);
        o_ = saved;
    };
    check([](AcquireOptions& o) { o.contract_id = "0000987654x"; });
    check([](AcquireOptions& o) { o.contract_id = ""; });
    check([](AcquireOptions& o) { o.user_id = "riyou sya"; });
    check([this](AcquireOptions& o) { o.ca_file = dir_.file("missing.pem"); });
    check([this](AcquireOptions& o) { o.pin_file = dir_.file("missing-pin"); });
    check([this](AcquireOptions& o) {
        testing::write_file(dir_.file("empty"), "\n");
        o.pin_file = dir_.file("empty");
    });
    check([this](AcquireOptions& o) { o.p12_password_file = dir_.file("p12pw"); });  // without --p12
}

}  // namespace
}  // namespace kakuin::client
