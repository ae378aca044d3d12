#include "auth/card_otp.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include "unit/auth/fake_random.h"

namespace kakuin::auth {
namespace {

using testing::SeededRandom;

TEST(CardOtp, GeneratedCardFitsItsLayout) {
    SeededRandom r(1);
    const CardLayout layout{5, 7, 3, 2};
    const ContractCard card = generate_contract_card(layout, r);
    EXPECT_EQ(card.codes.size(), 5u * 7u * 3u);
    EXPECT_TRUE(std::all_of(card.codes.begin(), card.codes.end(), [](char c) { return c >= '0' && c <= '9'; }));
    EXPECT_NE(card.codes, generate_contract_card(layout, r).codes);
    EXPECT_EQ(card_code_at(card, {0, 0}), card.codes.substr(0, 3));
    EXPECT_EQ(card_code_at(card, {1, 0}), card.codes.substr(3, 3));
    EXPECT_EQ(card_code_at(card, {0, 1}), card.codes.substr(15, 3));
    EXPECT_EQ(card_code_at(card, {4, 6}), card.codes.substr(102, 3));
    const auto reloaded = make_contract_card(layout, card.codes);
    ASSERT_TRUE(reloaded.ok());
    EXPECT_EQ(reloaded->codes, card.codes);
}

TEST(CardOtp, StoredCodesMustFitTheLayout) {
    const CardLayout layout{2, 2, 2, 1};
    EXPECT_TRUE(make_contract_card(layout, "12345678").ok());
    for (const char* bad : {"1234567", "123456789", "1234567a", ""})
        EXPECT_EQ(make_contract_card(layout, bad).error().code, ErrorCode::internal_error) << bad;
}

TEST(CardOtp, PositionLabels) {
    const CardLayout layout{5, 12, 2, 2};
    EXPECT_EQ(card_position_label({0, 0}), "A1");
    EXPECT_EQ(card_position_label({4, 11}), "E12");
    const auto p = parse_card_position(layout, "E12");
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(*p, (CardPosition{4, 11}));
    for (const char* bad : {"", "A", "A0", "F1", "A13", "a1", "A01", "A1x", "1A", "A-1"})
        EXPECT_EQ(parse_card_position(layout, bad).error().code, ErrorCode::invalid_request) << bad;
}

TEST(CardOtp, ChallengePositionsAreDistinctAndInside) {
    SeededRandom r(2);
    const CardLayout layout{5, 7, 2, 3};
    std::set<std::pair<int, int>> seen;
    for (int i = 0; i < 200; ++i) {
        const auto c = pick_card_challenge(layout, r);
        ASSERT_EQ(c.size(), 3u);
        EXPECT_NE(c[0], c[1]);
        EXPECT_NE(c[0], c[2]);
        EXPECT_NE(c[1], c[2]);
        for (const auto& p : c) {
            EXPECT_TRUE(p.column >= 0 && p.column < 5 && p.row >= 0 && p.row < 7);
            seen.insert({p.column, p.row});
        }
    }
    EXPECT_EQ(seen.size(), 35u);  // every cell gets asked for
    // A 1x2 card asking for 2 cells must ask for both.
    const auto both = pick_card_challenge(CardLayout{1, 2, 2, 2}, r);
    EXPECT_TRUE((both == std::vector<CardPosition>{{0, 0}, {0, 1}}) ||
                (both == std::vector<CardPosition>{{0, 1}, {0, 0}}));
}

TEST(CardOtp, VerifiesTheAnswerInChallengeOrder) {
    const CardLayout layout{2, 2, 2, 2};
    const ContractCard card = *make_contract_card(layout, "11223344");  // A1=11 B1=22 A2=33 B2=44
    const std::vector<CardPosition> challenge = {{1, 1}, {0, 0}};   // B2, A1
    EXPECT_TRUE(verify_card_answer(card, challenge, "4411").ok());
    for (const char* wrong : {"1144", "4412", "441", "44111", "", "44 11", "４４１１"}) {
        const Status s = verify_card_answer(card, challenge, wrong);
        ASSERT_FALSE(s.ok()) << wrong;
        EXPECT_EQ(s.error().code, ErrorCode::otp_incorrect) << wrong;
    }
    EXPECT_EQ(verify_card_answer(card, {}, "").error().code, ErrorCode::invalid_request);
    EXPECT_EQ(verify_card_answer(card, {{2, 0}}, "11").error().code, ErrorCode::invalid_request);
    EXPECT_EQ(verify_card_answer(card, {{0, -1}}, "11").error().code, ErrorCode::invalid_request);
}

TEST(CardOtp, RoundTripWithGeneratedCardAndChallenge) {
    SeededRandom r(3);
    const CardLayout layout;  // 5x7, 2 digits, 2 cells
    const ContractCard card = generate_contract_card(layout, r);
    for (int i = 0; i < 50; ++i) {
        const auto c = pick_card_challenge(layout, r);
        std::string answer;
        for (const auto& p : c) answer += card_code_at(card, p);
        EXPECT_TRUE(verify_card_answer(card, c, answer).ok());
        answer[0] = answer[0] == '9' ? '0' : char(answer[0] + 1);
        EXPECT_EQ(verify_card_answer(card, c, answer).error().code, ErrorCode::otp_incorrect);
    }
}

TEST(CardOtp, LayoutBounds) {
    EXPECT_TRUE(validate_card_layout(CardLayout{}).ok());
    for (const CardLayout& bad : {CardLayout{0, 7, 2, 2}, CardLayout{27, 7, 2, 2}, CardLayout{5, 0, 2, 2},
                                  CardLayout{5, 100, 2, 2}, CardLayout{5, 7, 0, 2}, CardLayout{5, 7, 9, 2},
                                  CardLayout{5, 7, 2, 0}, CardLayout{5, 7, 2, 5}, CardLayout{1, 1, 2, 2}})
        EXPECT_EQ(validate_card_layout(bad).error().code, ErrorCode::config_invalid);
}

}  // namespace
}  // namespace kakuin::auth
