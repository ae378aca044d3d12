// [reminders] and [smtp] of kakuin.toml (issue 5).
#include <gtest/gtest.h>

#include <cstdlib>

#include "cli/config.h"
#include "config_text.h"

namespace kakuin::cli {
namespace {

using testing::replace;
std::string base() { return testing::with_passphrase(); }

TEST(ReminderConfig, TemplateDefaultsQueueWithoutSending) {
    auto c = parse_config(base(), "/d");
    ASSERT_TRUE(c.ok()) << c.error().detail;
    EXPECT_EQ(c->policy.certificate.reminder_days, (std::vector<int>{30, 10}));
    EXPECT_EQ(c->reminders.check_interval_seconds, 60);
    EXPECT_EQ(c->smtp.url, "");
    EXPECT_EQ(c->smtp.from, "noreply@bank.example.jp");
    EXPECT_EQ(c->smtp.timeout_seconds, 30);
    EXPECT_TRUE(c->smtp.password.empty());
}

TEST(ReminderConfig, SettingsAreRead) {
    std::string t = base();
    t = replace(t, "days_before = [30, 10]", "days_before = [14, 7, 1]");
    t = replace(t, "check_interval_seconds = 60", "check_interval_seconds = 1");
    t = replace(t, "url = \"\"", "url = \"smtp://127.0.0.1:2525\"");
    t = replace(t, "from = \"noreply@bank.example.jp\"", "from = \"cert@kakuin.example\"");
    t = replace(t, "username = \"\"", "username = \"mailer\"");
    t = replace(t, "password_env = \"\"", "password_env = \"KAKUIN_TEST_SMTP_PASS\"");
    t = replace(t, "timeout_seconds = 30", "timeout_seconds = 5");
    auto c = parse_config(t, "/d");
    ASSERT_TRUE(c.ok()) << c.error().detail;
    EXPECT_EQ(c->policy.certificate.reminder_days, (std::vector<int>{14, 7, 1}));
    EXPECT_EQ(c->reminders.check_interval_seconds, 1);
    EXPECT_EQ(c->smtp.url, "smtp://127.0.0.1:2525");
    EXPECT_EQ(c->smtp.from, "cert@kakuin.example");
    EXPECT_EQ(c->smtp.username, "mailer");
    EXPECT_EQ(c->smtp.password_env, "KAKUIN_TEST_SMTP_PASS");
    EXPECT_TRUE(c->smtp.password.empty());  // read by load_config from the environment only
    EXPECT_EQ(c->smtp.timeout_seconds, 5);
}

TEST(ReminderConfig, TheOlderKeyStillWorksButNotBoth) {
    auto older = parse_config(replace(base(), "days_before = [30, 10]\n", ""), "/d");
    ASSERT_TRUE(older.ok()) << older.error().detail;
    auto t = replace(base(), "organization = \"Kakuin Demo Bank\"\n",
                     "organization = \"Kakuin Demo Bank\"\nreminder_days = [20]\n");
    auto both = parse_config(t, "/d");
    ASSERT_FALSE(both.ok());
    EXPECT_EQ(both.error().code, ErrorCode::config_invalid);
    EXPECT_NE(both.error().detail.find("reminders.days_before"), std::string::npos);
    auto only_old = parse_config(replace(t, "days_before = [30, 10]\n", ""), "/d");
    ASSERT_TRUE(only_old.ok()) << only_old.error().detail;
    EXPECT_EQ(only_old->policy.certificate.reminder_days, (std::vector<int>{20}));
}

TEST(ReminderConfig, BadValuesNameTheirKey) {
    const std::string smtp_on = replace(base(), "url = \"\"", "url = \"smtp://127.0.0.1:25\"");
    struct Case {
        std::string text, from, to, key;
    };
    const std::vector<Case> cases = {
        {base(), "days_before = [30, 10]", "days_before = [30, 0]", "reminders.days_before"},
        {base(), "days_before = [30, 10]", "days_before = [400]", "reminders.days_before"},
        {base(), "days_before = [30, 10]", "days_before = \"30\"", "reminders.days_before"},
        {base(), "check_interval_seconds = 60", "check_interval_seconds = 0",
         "reminders.check_interval_seconds"},
        {base(), "url = \"\"", "url = \"http://mail\"", "smtp.url"},
        {base(), "url = \"\"", "url = \"smtp://a b\"", "smtp.url"},
        {base(), "url = \"\"", "url = 25", "smtp.url"},
        {base(), "url = \"\"", "url = \"smtp://mailer:hunter2@127.0.0.1\"", "smtp.url"},
        {smtp_on, "from = \"noreply@bank.example.jp\"", "from = \"\"", "smtp.from"},
        {smtp_on, "from = \"noreply@bank.example.jp\"", "from = \"Bank <a@b>\"", "smtp.from"},
        {base(), "timeout_seconds = 30", "timeout_seconds = 0", "smtp.timeout_seconds"},
        {base(), "password_env = \"\"", "password_env = \"hunter2 is the password\"",
         "smtp.password_env"},
        {base(), "password_env = \"\"", "password_env = \"SMTP_PASS\"", "smtp.username"},
    };
    for (const auto& bc : cases) {
        auto c = parse_config(replace(bc.text, bc.from, bc.to), "/d");
        ASSERT_FALSE(c.ok()) << bc.to;
        EXPECT_EQ(c.error().code, ErrorCode::config_invalid) << bc.to;
        EXPECT_NE(c.error().detail.find(bc.key), std::string::npos)
            << bc.to << " -> " << c.error().detail;
        // The detail never echoes a would-be password.
        EXPECT_EQ(c.error().detail.find("hunter2"), std::string::npos);
    }
}

}  // namespace
}  // namespace kakuin::cli
