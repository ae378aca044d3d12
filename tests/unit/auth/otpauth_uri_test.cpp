#include "auth/otpauth_uri.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace kakuin::auth {
namespace {

const std::vector<std::uint8_t> kSecret = {'1', '2', '3', '4', '5', '6', '7', '8', '9', '0',
                                           '1', '2', '3', '4', '5', '6', '7', '8', '9', '0'};

TEST(OtpauthUri, ExactStringForAKnownSecret) {
    EXPECT_EQ(otpauth_uri({"Kakuin Bank", "00009876543 riyousya"}, kSecret, 30),
              "otpauth://totp/Kakuin%20Bank:00009876543%20riyousya"
              "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Kakuin%20Bank"
              "&algorithm=SHA1&digits=6&period=30");
}

TEST(OtpauthUri, JapaneseIssuerIsPercentEncodedUtf8) {
    // "かくいん銀行" in UTF-8.
    const std::string issuer = "%E3%81%8B%E3%81%8F%E3%81%84%E3%82%93%E9%8A%80%E8%A1%8C";
    EXPECT_EQ(otpauth_uri({"かくいん銀行", "00009876543"}, kSecret, 60),
              "otpauth://totp/" + issuer + ":00009876543?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
              "&issuer=" + issuer + "&algorithm=SHA1&digits=6&period=60");
}

TEST(OtpauthUri, ReservedCharactersCannotBreakTheUri) {
    EXPECT_EQ(percent_encode("a:b/c?d&e=f#g%h+i j"), "a%3Ab%2Fc%3Fd%26e%3Df%23g%25h%2Bi%20j");
    EXPECT_EQ(percent_encode("AZaz09-._~"), "AZaz09-._~");
    EXPECT_EQ(percent_encode(std::string("\0\x7f\xff", 3)), "%00%7F%FF");
    const std::string uri = otpauth_uri({"Evil&secret=AAAA", "x:y"}, kSecret, 30);
    EXPECT_EQ(uri.find("&secret=AAAA"), std::string::npos);
    EXPECT_NE(uri.find("Evil%26secret%3DAAAA:x%3Ay?"), std::string::npos) << uri;
}

}  // namespace
}  // namespace kakuin::auth
