#include <gtest/gtest.h>

#include "pki/der.h"
#include "pki/ossl.h"

namespace kakuin::pki {
namespace {

Bytes integer(std::string_view hex) {
    std::uint8_t buf[21];
    std::size_t len = 0;
    if (!der::integer_from_hex(hex, buf, len)) return {};
    return Bytes(buf, buf + len);
}

TEST(Der, IntegerFromHex) {
    EXPECT_EQ(integer("0A"), (Bytes{0x0a}));
    EXPECT_EQ(integer("000A"), (Bytes{0x0a}));
    EXPECT_EQ(integer("a"), (Bytes{0x0a}));
    EXPECT_EQ(integer("80"), (Bytes{0x00, 0x80}));
    EXPECT_EQ(integer("123"), (Bytes{0x01, 0x23}));
    EXPECT_EQ(integer("7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF").size(), 20u);
    EXPECT_EQ(integer("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF").size(), 21u);
    for (const char* bad : {"", "0", "000", "xy", "1G", "12 3", "123456789012345678901234567890123456789012"})
        EXPECT_TRUE(integer(bad).empty()) << bad;
    // Same content octets as OpenSSL's encoding.
    for (const char* hex : {"01", "7F", "80", "FF", "0100", "101112131415161718191A1B1C1D1E1F"}) {
        auto a = serial_from_hex(hex);
        ASSERT_TRUE(a.ok());
        const Bytes content(ASN1_STRING_get0_data(a->get()), ASN1_STRING_get0_data(a->get()) + ASN1_STRING_length(a->get()));
        Bytes ours = integer(hex);
        if (!ours.empty() && ours[0] == 0x00) ours.erase(ours.begin());  // OpenSSL stores the magnitude only
        EXPECT_EQ(ours, content) << hex;
    }
}

TEST(Der, Headers) {
    for (std::size_t len : {0u, 1u, 0x7fu, 0x80u, 0xffu, 0x100u, 0xffffu, 0x10000u, 0x1234567u}) {
        Bytes out;
        der::append_header(out, 0x30, len);
        Bytes full = out;
        full.resize(out.size() + len);
        std::size_t pos = 0;
        der::Tlv tlv;
        ASSERT_TRUE(der::read(full, pos, tlv)) << len;
        EXPECT_EQ(tlv.tag, 0x30);
        EXPECT_EQ(tlv.content.size(), len);
        EXPECT_EQ(pos, full.size());
    }
    std::size_t pos = 0;
    der::Tlv tlv;
    const Bytes truncated = {0x30, 0x05, 0x01};
    EXPECT_FALSE(der::read(truncated, pos, tlv));
}

TEST(Der, TimesMatchOpenSsl) {
    for (std::int64_t t : {0LL, 1795000000LL, 2524607999LL, 2524608000LL, -631152000LL, -631152001LL, 4102444800LL}) {
        Bytes ours;
        der::append_time(ours, from_unix(t));
        auto theirs = to_asn1_time(from_unix(t));
        ASSERT_TRUE(theirs.ok());
        auto expected = to_der(theirs->get(), i2d_ASN1_TIME, "i2d_ASN1_TIME");
        ASSERT_TRUE(expected.ok());
        EXPECT_EQ(ours, *expected) << t;
    }
}

}  // namespace
}  // namespace kakuin::pki
