#include "auth/session_token.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "unit/auth/fake_random.h"

namespace kakuin::auth {
namespace {

using testing::ConstantRandom;
using testing::SeededRandom;

bool is_lower_hex(const std::string& s) {
    return s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

TEST(SessionToken, TokensAreUniqueBase64urlAndOnlyTheirHashIsStored) {
    SeededRandom r(1);
    std::set<std::string> tokens;
    std::set<std::string> hashes;
    for (int i = 0; i < 1000; ++i) {
        const IssuedSessionToken t = issue_session_token(r);
        EXPECT_EQ(t.token.size(), kTokenChars);
        EXPECT_EQ(t.token.find_first_not_of(
                      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
                  std::string::npos);
        EXPECT_EQ(t.hash_hex.size(), 64u);
        EXPECT_TRUE(is_lower_hex(t.hash_hex));
        EXPECT_EQ(t.hash_hex.find(t.token), std::string::npos);
        tokens.insert(t.token);
        hashes.insert(t.hash_hex);
    }
    EXPECT_EQ(tokens.size(), 1000u);
    EXPECT_EQ(hashes.size(), 1000u);
}

TEST(SessionToken, HashIsStableAndIsSha256OfTheTokenText) {
    ConstantRandom zeros(0);
    const IssuedSessionToken t = issue_session_token(zeros);
    EXPECT_EQ(t.token, std::string(43, 'A'));
    // printf %s AAAA...(43) | sha256sum
    EXPECT_EQ(t.hash_hex, "0f007385b6f9d4b7eeb2748605afe1a984a0a3bfa3f014d09e2a784ce9e5cd1a")
        << "recompute with: printf %s " << t.token << " | sha256sum";
    const auto again = session_token_hash(t.token);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, t.hash_hex);
    EXPECT_EQ(*session_token_hash(t.token), *session_token_hash(t.token));
}

TEST(SessionToken, MalformedPresentedTokensAreRefusedBeforeHashing) {
    SeededRandom r(2);
    const std::string good = issue_session_token(r).token;
    for (const std::string& bad : {std::string(), good.substr(1), good + "A", std::string(43, '='),
                                   std::string(42, 'A') + "+", std::string(42, 'A') + "/",
                                   std::string(10000, 'A'), std::string(42, 'A') + '\0'}) {
        const auto h = session_token_hash(bad);
        ASSERT_FALSE(h.ok()) << bad.size();
        EXPECT_EQ(h.error().code, ErrorCode::session_expired);
    }
}

TEST(Csrf, TokenMustMatchItsSession) {
    SeededRandom r(3);
    const std::string csrf = issue_csrf_token(r);
    EXPECT_EQ(csrf.size(), kTokenChars);
    EXPECT_NE(csrf, issue_csrf_token(r));
    EXPECT_TRUE(check_csrf_token(csrf, csrf).ok());
    std::string flipped = csrf;
    flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
    for (const std::string& bad : {flipped, csrf.substr(0, 42), csrf + "A", std::string()}) {
        const Status s = check_csrf_token(csrf, bad);
        ASSERT_FALSE(s.ok());
        EXPECT_EQ(s.error().code, ErrorCode::csrf_failed);
    }
    // A session without a CSRF token accepts nothing, not even an empty header.
    EXPECT_EQ(check_csrf_token("", "").error().code, ErrorCode::csrf_failed);
}

TEST(SessionIdle, ExpiresAfterTheIdleTime) {
    const TimePoint t0 = from_unix(1795251600);
    const Seconds idle(600);
    EXPECT_FALSE(session_idle_expired(t0, t0, idle));
    EXPECT_FALSE(session_idle_expired(t0, t0 + Seconds(599), idle));
    EXPECT_TRUE(session_idle_expired(t0, t0 + Seconds(600), idle));
    EXPECT_TRUE(session_idle_expired(t0, t0 + Seconds(86400), idle));
    EXPECT_FALSE(session_idle_expired(t0, t0 - Seconds(5), idle));  // clock went back
    EXPECT_TRUE(check_session_idle(t0, t0 + Seconds(599), idle).ok());
    EXPECT_EQ(check_session_idle(t0, t0 + Seconds(601), idle).error().code, ErrorCode::session_expired);
}

TEST(Base64url, Rfc4648Vectors) {
    EXPECT_EQ(base64url_encode(""), "");
    EXPECT_EQ(base64url_encode("f"), "Zg");
    EXPECT_EQ(base64url_encode("fo"), "Zm8");
    EXPECT_EQ(base64url_encode("foo"), "Zm9v");
    EXPECT_EQ(base64url_encode("foob"), "Zm9vYg");
    EXPECT_EQ(base64url_encode("fooba"), "Zm9vYmE");
    EXPECT_EQ(base64url_encode("foobar"), "Zm9vYmFy");
    EXPECT_EQ(base64url_encode("\xfb\xff\xbf"), "-_-_");
}

}  // namespace
}  // namespace kakuin::auth
