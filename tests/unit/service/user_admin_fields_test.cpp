// Field checks shared by the administrator's and the bank's use cases (admin_support.h), the
// store of permissions and limits, and parallel wrong confirmation PINs.
#include <atomic>
#include <thread>
#include <vector>

#include "service/admin_support.h"
#include "user_admin_fixture.h"

namespace kakuin::service::testing {
namespace {

TEST(AdminFields, KanaAcceptsHalfWidthKanaAndAlphanumerics) {
    EXPECT_TRUE(check_name_kana("ｶﾌﾞｼｷｶﾞｲｼｬ ｶｸｲﾝ", "f").ok());
    EXPECT_TRUE(check_name_kana("ABC-123 (ｶ).", "f").ok());
    EXPECT_TRUE(check_name_kana("ｰﾟﾞ｡", "f").ok());
}

TEST(AdminFields, KanaRefusesEverythingElse) {
    for (std::string bad : {std::string(""), std::string("カナ"), std::string("漢字"), std::string("a_b"),
                            std::string("a\tb"), std::string("\xEF\xBD"),        // truncated
                            std::string("\xC0\xAF"),                            // overlong '/'
                            std::string("\xED\xA0\x80"),                        // surrogate
                            std::string("\xFF"), std::string(61, 'a')}) {
        Status s = check_name_kana(bad, "利用者名（カナ）");
        ASSERT_FALSE(s.ok()) << bad;
        EXPECT_EQ(s.error().code, ErrorCode::invalid_request);
        EXPECT_EQ(s.error().detail_ja.rfind("利用者名（カナ）", 0), 0u) << s.error().detail_ja;
    }
    EXPECT_TRUE(check_name_kana(std::string(60, 'a'), "f").ok());
}

TEST(AdminFields, NameTextAllowsAnyPrintableUtf8) {
    EXPECT_TRUE(check_name_text("株式会社かくいん　本店", "f", true).ok());
    EXPECT_TRUE(check_name_text("", "f", false).ok());
    EXPECT_EQ(check_name_text("", "f", true).error().code, ErrorCode::invalid_request);
    EXPECT_EQ(check_name_text("a\nb", "f", false).error().code, ErrorCode::invalid_request);
    EXPECT_EQ(check_name_text("\x80", "f", false).error().code, ErrorCode::invalid_request);
    std::string long_kanji;
    for (int i = 0; i < 61; ++i) long_kanji += "字";
    EXPECT_EQ(check_name_text(long_kanji, "f", false).error().code, ErrorCode::invalid_request);
}

TEST(AdminFields, Email) {
    EXPECT_TRUE(check_email("keiri@example.co.jp").ok());
    for (const char* bad : {"", "@example.com", "a@", "a@b", "a b@example.com", "a@@example.com",
                            "a@example.com\n"}) {
        EXPECT_EQ(check_email(bad).error().code, ErrorCode::invalid_request) << bad;
    }
    EXPECT_EQ(check_email(std::string(250, 'a') + "@b.jp").error().code, ErrorCode::invalid_request);
}

class UserAdminStore : public UserAdminTest {
protected:
    void SetUp() override {
        UserAdminTest::SetUp();
        create_contract();
    }
};

TEST_F(UserAdminStore, PermissionsRoundTripAndGoWithThePerson) {
    add_user("riyousya");
    Permissions p;
    p[BusinessService::tax_payment] = {true, 1, kMaxLimitYen};
    p[BusinessService::file_send].allowed = true;
    {
        auto tx = store->begin(store::TxMode::write);
        ASSERT_TRUE(tx.ok());
        ASSERT_TRUE((*tx)->save_permissions(kUser, p).ok());
        ASSERT_TRUE((*tx)->commit().ok());
    }
    auto back = read()->load_permissions(kUser);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, p);
    // Unknown person: not_found, nothing stored.
    {
        auto tx = store->begin(store::TxMode::write);
        ASSERT_TRUE(tx.ok());
        EXPECT_EQ((*tx)->save_permissions(PersonKey::user(kContract, "nobody"), p).error().code,
                  ErrorCode::not_found);
        EXPECT_EQ((*tx)->save_contract_limits("00000000009", {}).error().code, ErrorCode::not_found);
    }
    ASSERT_TRUE(users->delete_user(admin_session(), "riyousya", cpin(), "192.0.2.10").ok());
    auto gone = read()->load_permissions(kUser);
    ASSERT_TRUE(gone.ok());
    EXPECT_EQ(*gone, Permissions{});  // deleted with the person
}

TEST_F(UserAdminStore, ParallelWrongConfirmationPinsAreEachCounted) {
    add_user("riyousya");
    policy.lockout_threshold = 100;
    constexpr int kThreads = 8;
    std::vector<std::thread> threads;
    std::atomic<int> refused{0};
    for (int i = 0; i < kThreads; ++i) {
        threads.emplace_back([&] {
            auto r = users->unlock_user(admin_session(), "riyousya", "0000", "192.0.2.10");
            if (!r.ok() && r.error().code == ErrorCode::confirmation_pin_incorrect) ++refused;
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(refused.load(), kThreads);
    EXPECT_EQ(person(kAdmin).failure_count, kThreads);
    store::HistoryQuery q;
    q.kind = std::string(admin_history_kind::confirmation_pin_failed);
    auto page = read()->list_history(q);
    ASSERT_TRUE(page.ok());
    EXPECT_EQ(static_cast<int>(page->records.size()), kThreads);
}

}  // namespace
}  // namespace kakuin::service::testing
