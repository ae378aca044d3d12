#include "auth/base32.h"

#include <gtest/gtest.h>

#include <string>

namespace kakuin::auth {
namespace {

std::vector<std::uint8_t> bytes(std::string_view s) { return {s.begin(), s.end()}; }

TEST(Base32, Rfc4648TestVectors) {
    const std::pair<const char*, const char*> vectors[] = {
        {"", ""},
        {"f", "MY======"},
        {"fo", "MZXQ===="},
        {"foo", "MZXW6==="},
        {"foob", "MZXW6YQ="},
        {"fooba", "MZXW6YTB"},
        {"foobar", "MZXW6YTBOI======"},
    };
    for (const auto& [plain, encoded] : vectors) {
        EXPECT_EQ(base32_encode(bytes(plain)), encoded) << plain;
        const auto decoded = base32_decode(encoded);
        ASSERT_TRUE(decoded.ok()) << encoded;
        EXPECT_EQ(*decoded, bytes(plain));
    }
}

TEST(Base32, UnpaddedFormAndLowerCase) {
    EXPECT_EQ(base32_encode(bytes("foobar"), false), "MZXW6YTBOI");
    const auto d = base32_decode("mzxw6ytboi");
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(*d, bytes("foobar"));
}

TEST(Base32, RoundTripEveryLength) {
    for (std::size_t n = 0; n <= 40; ++n) {
        std::vector<std::uint8_t> data(n);
        for (std::size_t i = 0; i < n; ++i) data[i] = std::uint8_t(i * 37 + 11);
        for (bool pad : {true, false}) {
            const auto d = base32_decode(base32_encode(data, pad));
            ASSERT_TRUE(d.ok()) << n;
            EXPECT_EQ(*d, data);
        }
    }
}

TEST(Base32, RejectsMalformedInput) {
    for (const char* bad : {"MY=====",      // padded but not a multiple of 8
                            "MZXQ======",   // too much padding
                            "M",            // impossible length
                            "MZX",          // impossible length
                            "MZXW6Y",       // impossible length
                            "MZ XW6YTB",    // space
                            "MZXW6YT1",     // '1' is not in the alphabet
                            "MZ=W6YTB",     // padding in the middle
                            "MZ======",     // trailing bits not zero ('Z' = 25)
                            "ＭＺＸＷ"}) {  // full-width
        const auto d = base32_decode(bad);
        ASSERT_FALSE(d.ok()) << bad;
        EXPECT_EQ(d.error().code, ErrorCode::invalid_request) << bad;
    }
}

TEST(Base32, RejectsOverlongInput) {
    const auto d = base32_decode(std::string(kMaxBase32Chars + 8, 'A'));
    ASSERT_FALSE(d.ok());
    EXPECT_EQ(d.error().code, ErrorCode::invalid_request);
    EXPECT_TRUE(base32_decode(std::string(kMaxBase32Chars, 'A')).ok());
}

}  // namespace
}  // namespace kakuin::auth
