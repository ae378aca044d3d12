#include "cli/config.h"
#include "config_text.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace kakuin::cli {
namespace {

using testing::replace;
using testing::with_passphrase;

TEST(Config, DefaultTemplateParsesToSpecDefaults) {
    auto c = parse_config(with_passphrase(), "/srv/kakuin");
    ASSERT_TRUE(c.ok()) << c.error().detail;
    EXPECT_EQ(c->policy.max_users, 99);
    EXPECT_EQ(c->policy.lockout_threshold, 6);
    EXPECT_EQ(c->policy.otp_step_seconds, 30);
    EXPECT_EQ(c->policy.pin.min_length, 4);
    EXPECT_EQ(c->policy.pin.max_length, 12);
    EXPECT_EQ(c->policy.certificate.validity_days, 365);
    EXPECT_EQ(c->policy.certificate.renewal_window_days, 30);
    EXPECT_EQ(c->policy.certificate.acquisition_deadline_days, 80);
    EXPECT_EQ(c->policy.certificate.default_client_key_type, KeyType::rsa2048);
    EXPECT_EQ(c->policy.certificate.allowed_key_types.size(), 5u);
    EXPECT_EQ(c->policy.certificate.reminder_days, (std::vector<int>{30, 10}));
    EXPECT_EQ(c->ca.dir, "/srv/kakuin/ca");
    EXPECT_EQ(c->passphrase_file, "/srv/kakuin/secrets/ca.pass");
    EXPECT_EQ(c->store_url, "sqlite:/srv/kakuin/kakuin.db");
    ASSERT_EQ(c->listeners.size(), 4u);
    EXPECT_EQ(c->listeners[0].name, "https");
    EXPECT_EQ(c->listeners[0].port, 8443);
    EXPECT_EQ(c->listeners[1].port, 8444);
    EXPECT_EQ(c->listeners[2].port, 8080);
    EXPECT_EQ(c->listeners[3].name, "bank");
    EXPECT_EQ(c->listeners[3].address, "127.0.0.1");
    EXPECT_EQ(c->listeners[3].port, 8446);
    EXPECT_FALSE(c->test_clock_allowed);
}

TEST(Config, BankSettingsAreRead) {
    std::string t = with_passphrase();
    t = replace(t, "validity_days = 365", "validity_days = 730");
    t = replace(t, "renewal_window_days = 30", "renewal_window_days = 40");
    t = replace(t, "step_seconds = 30", "step_seconds = 60");
    t = replace(t, "require_letters_and_digits = false", "require_letters_and_digits = true");
    t = replace(t, "allowed_key_types = [\"rsa2048\", \"rsa3072\", \"rsa4096\", \"p256\", \"p384\"]",
                "allowed_key_types = [\"p256\"]");
    t = replace(t, "default_client_key_type = \"rsa2048\"", "default_client_key_type = \"p256\"");
    t = replace(t, "https = \"127.0.0.1:8443\"", "https = \"[::1]:0\"");
    auto c = parse_config(t, "/d");
    ASSERT_TRUE(c.ok()) << c.error().detail;
    EXPECT_EQ(c->policy.certificate.validity_days, 730);
    EXPECT_EQ(c->policy.certificate.renewal_window_days, 40);
    EXPECT_EQ(c->policy.otp_step_seconds, 60);
    EXPECT_TRUE(c->policy.pin.require_letters_and_digits);
    EXPECT_EQ(c->policy.certificate.allowed_key_types, std::vector<KeyType>{KeyType::p256});
    EXPECT_EQ(c->listeners[0].address, "::1");
    EXPECT_EQ(c->listeners[0].port, 0);
}

struct BadCase {
    const char* from;
    const char* to;
    const char* key_in_detail;
};

TEST(Config, BadValuesAreRefusedNamingTheKey) {
    const BadCase cases[] = {
        {"step_seconds = 30", "step_seconds = 45", "otp.step_seconds"},
        {"threshold = 6", "threshold = 0", "lockout.threshold"},
        {"threshold = 6", "threshold = \"six\"", "lockout.threshold"},
        {"min_length = 4", "min_length = 13", "pin.min_length"},
        {"code = \"9999\"", "code = \"99a9\"", "bank.code"},
        {"\"p256\", \"p384\"]", "\"p256\", \"ed25519\"]", "certificate.allowed_key_types"},
        {"default_client_key_type = \"rsa2048\"", "default_client_key_type = \"dsa\"",
         "certificate.default_client_key_type"},
        {"renewal_window_days = 30", "renewal_window_days = 400", "certificate.renewal_window_days"},
        {"url = \"sqlite:kakuin.db\"", "url = \"mysql://x\"", "store.url"},
        {"https = \"127.0.0.1:8443\"", "https = \"127.0.0.1\"", "server.https"},
        {"https = \"127.0.0.1:8443\"", "https = \"127.0.0.1:99999\"", "server.https"},
        {"days_before = [30, 10]", "days_before = [30, -1]", "reminders.days_before"},
        {"name = \"かくいん銀行\"", "name = ", "syntax"},
    };
    for (const auto& bc : cases) {
        auto c = parse_config(replace(with_passphrase(), bc.from, bc.to), "/d");
        ASSERT_FALSE(c.ok()) << bc.to;
        EXPECT_EQ(c.error().code, ErrorCode::config_invalid) << bc.to;
        EXPECT_NE(c.error().detail.find(bc.key_in_detail), std::string::npos)
            << bc.to << " -> " << c.error().detail;
        EXPECT_FALSE(c.error().detail_ja.empty());
    }
}

TEST(Config, BankWordingIsReadAndChecked) {
    auto plain = parse_config(with_passphrase(), "/d");
    ASSERT_TRUE(plain.ok()) << plain.error().detail;
    EXPECT_TRUE(plain->wording.empty());  // the template's examples are comments

    auto c = parse_config(replace(with_passphrase(), "[wording]\n",
                                  "[wording]\ncontractId = \"ご契約先ID\"\nadminTop = \"ご契約先ステータス\"\n"),
                          "/d");
    ASSERT_TRUE(c.ok()) << c.error().detail;
    EXPECT_EQ(c->wording.at("contractId"), "ご契約先ID");
    EXPECT_EQ(c->wording.at("adminTop"), "ご契約先ステータス");

    for (const char* bad : {"contractId = 3\n", "\"bad id\" = \"x\"\n", "contractId = \"\"\n",
                            "contractId = \"<b>ID</b>\"\n"}) {
        auto r = parse_config(replace(with_passphrase(), "[wording]\n", std::string("[wording]\n") + bad), "/d");
        ASSERT_FALSE(r.ok()) << bad;
        EXPECT_EQ(r.error().code, ErrorCode::config_invalid);
        EXPECT_NE(r.error().detail.find("wording"), std::string::npos) << r.error().detail;
    }
}

TEST(Config, PassphraseSourceMustBeExactlyOne) {
    auto none = parse_config(default_config_toml(""), "/d");
    ASSERT_FALSE(none.ok());
    EXPECT_EQ(none.error().code, ErrorCode::config_invalid);
    auto both = parse_config(
        default_config_toml("passphrase_file = \"a\"\npassphrase_env = \"B\""), "/d");
    ASSERT_FALSE(both.ok());
}

TEST(Config, LoadReadsPassphraseFromEnvironmentOrFile) {
    namespace fs = std::filesystem;
    const fs::path dir = fs::temp_directory_path() / ("kakuin-config-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    {
        std::ofstream(dir / "kakuin.toml") << default_config_toml("passphrase_env = \"KAKUIN_TEST_PASS\"");
    }
    ::unsetenv("KAKUIN_TEST_PASS");
    auto missing = load_config(dir.string());
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.error().detail.find("KAKUIN_TEST_PASS"), std::string::npos);
    ::setenv("KAKUIN_TEST_PASS", "correct horse battery staple", 1);
    auto ok = load_config(dir.string());
    ASSERT_TRUE(ok.ok()) << ok.error().detail;
    EXPECT_EQ(ok->ca.passphrase, "correct horse battery staple");

    {
        std::ofstream(dir / "kakuin.toml") << default_config_toml("passphrase_file = \"pass.txt\"");
        std::ofstream(dir / "pass.txt") << "from-file\n";
    }
    auto file = load_config(dir.string());
    ASSERT_TRUE(file.ok()) << file.error().detail;
    EXPECT_EQ(file->ca.passphrase, "from-file");
    fs::remove_all(dir);
}

}  // namespace
}  // namespace kakuin::cli
