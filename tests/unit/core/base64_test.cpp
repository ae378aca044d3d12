#include "core/base64.h"

#include <gtest/gtest.h>

namespace kakuin {
namespace {

std::string text(const std::vector<std::uint8_t>& v) { return std::string(v.begin(), v.end()); }

TEST(Base64, DecodesRfc4648Vectors) {
    EXPECT_EQ(text(*decode_base64("")), "");
    EXPECT_EQ(text(*decode_base64("Zg==")), "f");
    EXPECT_EQ(text(*decode_base64("Zm8=")), "fo");
    EXPECT_EQ(text(*decode_base64("Zm9v")), "foo");
    EXPECT_EQ(text(*decode_base64("Zm9vYg==")), "foob");
    EXPECT_EQ(text(*decode_base64("Zm9vYmE=")), "fooba");
    EXPECT_EQ(text(*decode_base64("Zm9vYmFy")), "foobar");
}

TEST(Base64, AcceptsUnpaddedAndUrlSafe) {
    EXPECT_EQ(text(*decode_base64("Zm8")), "fo");
    EXPECT_EQ(*decode_base64("-_8="), (std::vector<std::uint8_t>{0xfb, 0xff}));
    EXPECT_EQ(*decode_base64("+/8="), (std::vector<std::uint8_t>{0xfb, 0xff}));
}

TEST(Base64, EncodesUrlSafeUnpadded) {
    auto enc = [](std::string_view s) {
        return encode_base64url_unpadded(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
    };
    EXPECT_EQ(enc(""), "");
    EXPECT_EQ(enc("fo"), "Zm8");
    EXPECT_EQ(enc("foobar"), "Zm9vYmFy");
    const std::vector<std::uint8_t> bytes{0xfb, 0xff, 0xbf, 0x10};
    EXPECT_EQ(encode_base64url_unpadded(bytes.data(), bytes.size()), "-_-_EA");
    EXPECT_EQ(decode_base64("-_-_EA"), bytes);
}

TEST(Base64, EncodesUnpaddedAndRoundTrips) {
    auto enc = [](std::string_view s) {
        return encode_base64_unpadded(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
    };
    EXPECT_EQ(enc(""), "");
    EXPECT_EQ(enc("f"), "Zg");
    EXPECT_EQ(enc("fo"), "Zm8");
    EXPECT_EQ(enc("foo"), "Zm9v");
    EXPECT_EQ(enc("foobar"), "Zm9vYmFy");
    const std::vector<std::uint8_t> bytes{0xfb, 0xff, 0x00, 0x10};
    EXPECT_EQ(encode_base64_unpadded(bytes.data(), bytes.size()), "+/8AEA");
    for (std::size_t n = 0; n < 40; ++n) {
        std::vector<std::uint8_t> v(n);
        for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>(i * 37 + n);
        EXPECT_EQ(decode_base64(encode_base64_unpadded(v.data(), v.size())), v) << n;
    }
}

TEST(Base64, RefusesMalformed) {
    EXPECT_FALSE(decode_base64("Z"));         // one char cannot hold a byte
    EXPECT_FALSE(decode_base64("Zm9v*A=="));  // outside the alphabet
    EXPECT_FALSE(decode_base64("Zg="));       // padding to a wrong length
    EXPECT_FALSE(decode_base64("Zh=="));      // non-zero leftover bits
    EXPECT_FALSE(decode_base64("Zm 9v"));
    EXPECT_FALSE(decode_base64("Zg==="));
}

}  // namespace
}  // namespace kakuin
