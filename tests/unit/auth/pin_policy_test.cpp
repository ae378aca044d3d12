#include "auth/pin_policy.h"

#include <gtest/gtest.h>

#include <string>

namespace kakuin::auth {
namespace {

constexpr const char* kShape412 = "半角英数字4～12桁で入力してください";

void expect_refused(const PinPolicy& policy, const NewPin& in, const std::string& ja,
                    const std::string& en_part) {
    const Status s = check_new_pin(policy, in);
    ASSERT_FALSE(s.ok()) << ja;
    EXPECT_EQ(s.error().code, ErrorCode::invalid_request);
    EXPECT_EQ(s.error().detail_ja, ja);
    EXPECT_NE(s.error().detail.find(en_part), std::string::npos) << s.error().detail;
    // The message never repeats the PIN.
    if (in.pin.size() >= 3) {
        EXPECT_EQ(s.error().detail.find(in.pin), std::string::npos);
        EXPECT_EQ(s.error().detail_ja.find(in.pin), std::string::npos);
    }
}

NewPin pin(std::string_view p, std::string_view again, std::string_view user = "riyousya") {
    return NewPin{p, again, "00009876543", user};
}

TEST(PinPolicy, AcceptsGoodPins) {
    const PinPolicy seed000;  // 4-12, mixing not required
    for (const char* p : {"1234", "abcd", "Ab3d", "123456789012"})
        EXPECT_TRUE(check_new_pin(seed000, pin(p, p)).ok()) << p;
    PinPolicy mixed{6, 12, true};
    EXPECT_TRUE(check_new_pin(mixed, pin("abc123", "abc123")).ok());
    EXPECT_TRUE(check_new_pin(mixed, pin("1a2b3c4d5e6f", "1a2b3c4d5e6f")).ok());
}

TEST(PinPolicy, LengthBounds) {
    const PinPolicy p;
    expect_refused(p, pin("123", "123"), kShape412, "4 to 12");
    expect_refused(p, pin("", ""), kShape412, "4 to 12");
    expect_refused(p, pin("1234567890123", "1234567890123"), kShape412, "4 to 12");
    expect_refused(PinPolicy{6, 12, true}, pin("ab12", "ab12"), "半角英数字6～12桁で入力してください",
                   "6 to 12");
    expect_refused(PinPolicy{8, 8, false}, pin("1234567", "1234567"), "半角英数字8桁で入力してください",
                   "must be 8 ");
}

TEST(PinPolicy, HalfWidthAlphanumericsOnly) {
    const PinPolicy p;
    for (const char* bad : {"12 34", "1234!", "abcd-", "１２３４", "ａｂｃｄ", "ｱｲｳｴ", "あいうえ",
                            "12\t34", "abc_d"})
        expect_refused(p, pin(bad, bad), kShape412, "half-width");
    const std::string with_nul("12\0" "34", 5);
    expect_refused(p, pin(with_nul, with_nul), kShape412, "half-width");
}

TEST(PinPolicy, LettersAndDigitsMixedWhenRequired) {
    const PinPolicy p{6, 12, true};
    expect_refused(p, pin("123456", "123456"), "英字と数字を混在させてください", "mix");
    expect_refused(p, pin("abcdef", "abcdef"), "英字と数字を混在させてください", "mix");
    EXPECT_TRUE(check_new_pin(PinPolicy{6, 12, false}, pin("123456", "123456")).ok());
}

TEST(PinPolicy, NotEqualToTheId) {
    const PinPolicy p;
    expect_refused(p, pin("riyousya", "riyousya"), "IDと同じ暗証番号は設定できません", "same as the ID");
    expect_refused(p, pin("RIYOUSYA", "RIYOUSYA"), "IDと同じ暗証番号は設定できません", "same as the ID");
    // The administrator's ID is the contract ID.
    expect_refused(PinPolicy{4, 12, false}, pin("00009876543", "00009876543", ""),
                   "IDと同じ暗証番号は設定できません", "same as the ID");
    EXPECT_TRUE(check_new_pin(p, pin("riyousya1", "riyousya1")).ok());
}

TEST(PinPolicy, TypedTwiceAlike) {
    const PinPolicy p;
    expect_refused(p, pin("abc123", "abc124"), "暗証番号と確認用の再入力が一致しません", "differ");
    expect_refused(p, pin("abc123", ""), "暗証番号と確認用の再入力が一致しません", "differ");
    expect_refused(p, pin("abc123", "ABC123"), "暗証番号と確認用の再入力が一致しません", "differ");
}

TEST(PinPolicy, InvalidPolicyIsAConfigurationError) {
    for (const PinPolicy& bad : {PinPolicy{0, 12, false}, PinPolicy{8, 6, false}, PinPolicy{4, 129, false}}) {
        EXPECT_EQ(validate_pin_policy(bad).error().code, ErrorCode::config_invalid);
        EXPECT_EQ(check_new_pin(bad, pin("1234", "1234")).error().code, ErrorCode::config_invalid);
    }
    EXPECT_TRUE(validate_pin_policy(PinPolicy{}).ok());
}

}  // namespace
}  // namespace kakuin::auth
