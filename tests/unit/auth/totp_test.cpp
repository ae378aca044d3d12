#include "auth/totp.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <memory>
#include <string>

#include "auth/base32.h"
#include "unit/auth/fake_random.h"

namespace kakuin::auth {
namespace {

// RFC 6238 appendix B's SHA-1 seed, "12345678901234567890".
const std::vector<std::uint8_t> kRfcSecret = {'1', '2', '3', '4', '5', '6', '7', '8', '9', '0',
                                              '1', '2', '3', '4', '5', '6', '7', '8', '9', '0'};
const TotpConfig k30{30, 1};
const TotpConfig k60{60, 1};

// The code oathtool (oath-toolkit's CLI, an independent implementation path) shows at
// unix time `t`. Empty when oathtool fails.
std::string oathtool_code(const std::vector<std::uint8_t>& secret, std::int64_t t, int step) {
    const std::string cmd = "oathtool --totp -b -s " + std::to_string(step) + "s -N @" +
                            std::to_string(t) + " " + base32_encode(secret, false) + " 2>/dev/null";
    struct Closer {
        void operator()(FILE* f) const { pclose(f); }
    };
    std::unique_ptr<FILE, Closer> pipe(popen(cmd.c_str(), "r"));
    if (!pipe) return {};
    std::array<char, 64> buf{};
    std::string out;
    while (fgets(buf.data(), int(buf.size()), pipe.get())) out += buf.data();
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out;
}

Result<std::int64_t> verify_at(const std::vector<std::uint8_t>& secret, std::string_view code,
                               std::int64_t t, const TotpConfig& c = k30,
                               std::optional<std::int64_t> last = std::nullopt) {
    return verify_totp(secret, code, from_unix(t), last, c);
}

TEST(Totp, Rfc6238AppendixBVectorsTruncatedToSixDigits) {
    const std::pair<std::int64_t, const char*> vectors[] = {
        {59, "287082"},         {1111111109, "081804"}, {1111111111, "050471"},
        {1234567890, "005924"}, {2000000000, "279037"}, {20000000000, "353130"},
    };
    for (const auto& [t, code] : vectors) {
        auto c = totp_code_for_step(kRfcSecret, t / 30, k30);
        ASSERT_TRUE(c.ok());
        EXPECT_EQ(*c, code) << t;
        const auto step = verify_at(kRfcSecret, code, t);
        ASSERT_TRUE(step.ok()) << t;
        EXPECT_EQ(*step, t / 30);
    }
}

TEST(Totp, AcceptsWhatOathtoolShowsAtManyTimesIncludingStepBoundaries) {
    testing::SeededRandom r(42);
    const auto secret = generate_totp_secret(r);
    ASSERT_EQ(secret.size(), kTotpSecretBytes);
    // 2026-11-21T09:00:00Z is a multiple of 60; probe either side of step edges.
    const std::int64_t base = 1795251600;
    for (int step : {30, 60}) {
        const TotpConfig c{step, 1};
        for (std::int64_t t : {base - 1, base, base + 1, base + step - 1, base + step,
                               base + 7 * step + 13, std::int64_t(59), std::int64_t(2000000000)}) {
            const std::string code = oathtool_code(secret, t, step);
            ASSERT_EQ(code.size(), 6u) << "oathtool failed at " << t;
            const auto matched = verify_at(secret, code, t, c);
            ASSERT_TRUE(matched.ok()) << "step " << step << " t " << t;
            EXPECT_EQ(*matched, t / step) << "step " << step << " t " << t;
            EXPECT_EQ(*totp_code_for_step(secret, t / step, c), code);
        }
    }
}

TEST(Totp, WindowOfOneStepEitherSide) {
    testing::SeededRandom r(5);
    const auto secret = generate_totp_secret(r);
    const std::int64_t t = 1795251600 + 15;  // inside step 59841720
    const std::int64_t cur = t / 30;
    for (std::int64_t s : {cur - 1, cur, cur + 1}) {
        const auto code = *totp_code_for_step(secret, s, k30);
        const auto m = verify_at(secret, code, t);
        ASSERT_TRUE(m.ok()) << s - cur;
        EXPECT_EQ(*m, s);
    }
    for (std::int64_t s : {cur - 2, cur + 2}) {
        const auto code = *totp_code_for_step(secret, s, k30);
        const auto m = verify_at(secret, code, t);
        ASSERT_FALSE(m.ok()) << s - cur;
        EXPECT_EQ(m.error().code, ErrorCode::otp_incorrect);
    }
    // A wider window from configuration accepts two steps back; zero accepts only now.
    const auto two_back = *totp_code_for_step(secret, cur - 2, k30);
    EXPECT_TRUE(verify_at(secret, two_back, t, TotpConfig{30, 2}).ok());
    const auto one_back = *totp_code_for_step(secret, cur - 1, k30);
    EXPECT_EQ(verify_at(secret, one_back, t, TotpConfig{30, 0}).error().code, ErrorCode::otp_incorrect);
}

TEST(Totp, ReuseOfAnAcceptedStepIsRefused) {
    testing::SeededRandom r(6);
    const auto secret = generate_totp_secret(r);
    const std::int64_t t = 1795251600;
    const std::string code = oathtool_code(secret, t, 30);
    const auto first = verify_at(secret, code, t, k30, std::nullopt);
    ASSERT_TRUE(first.ok());
    // Same code again, same step or later in the window: refused as reused.
    for (std::int64_t later : {t, t + 10, t + 30}) {
        const auto again = verify_at(secret, code, later, k30, *first);
        ASSERT_FALSE(again.ok());
        EXPECT_EQ(again.error().code, ErrorCode::otp_reused);
    }
    // An older step's code, still inside the window, after a newer one was accepted.
    const std::string previous = *totp_code_for_step(secret, *first - 1, k30);
    EXPECT_EQ(verify_at(secret, previous, t, k30, *first).error().code, ErrorCode::otp_reused);
    // The next step's code is fine.
    const std::string next = oathtool_code(secret, t + 30, 30);
    const auto second = verify_at(secret, next, t + 30, k30, *first);
    ASSERT_TRUE(second.ok());
    EXPECT_EQ(*second, *first + 1);
}

TEST(Totp, WrongCodeIsIncorrect) {
    const std::int64_t t = 1111111111;
    const auto m = verify_at(kRfcSecret, "050472", t);
    ASSERT_FALSE(m.ok());
    EXPECT_EQ(m.error().code, ErrorCode::otp_incorrect);
    EXPECT_EQ(m.error().detail.find("050"), std::string::npos);  // the code is not echoed
    // Right code, other secret.
    std::vector<std::uint8_t> other = kRfcSecret;
    other[0] ^= 1;
    EXPECT_EQ(verify_at(other, "050471", t).error().code, ErrorCode::otp_incorrect);
}

TEST(Totp, SixtySecondStep) {
    const std::int64_t t = 1111111109;
    const std::string code60 = oathtool_code(kRfcSecret, t, 60);
    ASSERT_EQ(code60.size(), 6u);
    const auto m = verify_at(kRfcSecret, code60, t, k60);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(*m, t / 60);
    // Accepted until the end of the next 60 s step (window 1), not after.
    const std::int64_t step_end = (t / 60 + 2) * 60;
    EXPECT_TRUE(verify_at(kRfcSecret, code60, step_end - 1, k60).ok());
    EXPECT_EQ(verify_at(kRfcSecret, code60, step_end, k60).error().code, ErrorCode::otp_incorrect);
    // The 30 s code of the same instant is a different code.
    EXPECT_EQ(verify_at(kRfcSecret, "081804", t, k60).error().code, ErrorCode::otp_incorrect);
}

TEST(Totp, MalformedCodesAreIncorrect) {
    const std::int64_t t = 1111111111;  // "050471"
    for (std::string_view bad : {"", "05047", "0504710", "05047a", " 50471", "050471 ", "05 471",
                                 "０５０４７１", "-50471", "+50471"}) {
        const auto m = verify_at(kRfcSecret, bad, t);
        ASSERT_FALSE(m.ok()) << bad;
        EXPECT_EQ(m.error().code, ErrorCode::otp_incorrect) << bad;
    }
    EXPECT_EQ(verify_at(kRfcSecret, std::string_view("05047\0", 6), t).error().code,
              ErrorCode::otp_incorrect);
}

TEST(Totp, BadSecretOrConfig) {
    EXPECT_EQ(verify_at({}, "123456", 1111111111).error().code, ErrorCode::internal_error);
    EXPECT_EQ(verify_at(std::vector<std::uint8_t>(kMaxTotpSecretBytes + 1, 1), "123456", 1111111111)
                  .error()
                  .code,
              ErrorCode::internal_error);
    for (const TotpConfig& bad : {TotpConfig{0, 1}, TotpConfig{301, 1}, TotpConfig{30, -1}, TotpConfig{30, 11}}) {
        EXPECT_EQ(validate_totp_config(bad).error().code, ErrorCode::config_invalid);
        EXPECT_EQ(verify_at(kRfcSecret, "050471", 1111111111, bad).error().code, ErrorCode::config_invalid);
    }
}

TEST(Totp, StepNumbering) {
    EXPECT_EQ(totp_step_at(from_unix(0), k30), 0);
    EXPECT_EQ(totp_step_at(from_unix(29), k30), 0);
    EXPECT_EQ(totp_step_at(from_unix(30), k30), 1);
    EXPECT_EQ(totp_step_at(from_unix(119), k60), 1);
    EXPECT_EQ(totp_step_at(from_unix(-1), k30), -1);
    // At the epoch the window's step -1 is skipped, not an error.
    const auto code0 = *totp_code_for_step(kRfcSecret, 0, k30);
    EXPECT_TRUE(verify_at(kRfcSecret, code0, 0).ok());
}

TEST(Totp, SecretsAreRandom) {
    testing::SeededRandom r(9);
    const auto a = generate_totp_secret(r);
    const auto b = generate_totp_secret(r);
    EXPECT_EQ(a.size(), 20u);
    EXPECT_NE(a, b);
}

}  // namespace
}  // namespace kakuin::auth
