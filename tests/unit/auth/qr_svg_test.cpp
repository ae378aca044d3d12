#include "auth/qr_svg.h"

#include <gtest/gtest.h>

#include <string>

namespace kakuin::auth {
namespace {

std::size_t count(const std::string& s, std::string_view what) {
    std::size_t n = 0;
    for (auto pos = s.find(what); pos != std::string::npos; pos = s.find(what, pos + 1)) ++n;
    return n;
}

TEST(QrSvg, RendersAWellFormedSvgDocument) {
    const std::string uri =
        "otpauth://totp/Kakuin%20Bank:00009876543?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
        "&issuer=Kakuin%20Bank&algorithm=SHA1&digits=6&period=30";
    const auto svg = qr_svg(uri);
    ASSERT_TRUE(svg.ok());
    EXPECT_EQ(svg->rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
    EXPECT_TRUE(svg->ends_with("</svg>"));
    EXPECT_EQ(count(*svg, "<svg"), 1u);
    EXPECT_EQ(count(*svg, "</svg>"), 1u);
    // No raw URI text (an '&' would need escaping in XML) leaks into the document.
    EXPECT_EQ(svg->find('&'), std::string::npos);
    // Three finder patterns alone are 3 * 33 dark modules.
    EXPECT_GT(count(*svg, "h1v1h-1z"), 99u);
    // Modules start inside the 4-module quiet zone.
    EXPECT_EQ(svg->find("M0,"), std::string::npos);
    EXPECT_EQ(svg->find("M3,"), std::string::npos);
    EXPECT_NE(svg->find("M4,4h1v1h-1z"), std::string::npos);  // finder pattern's corner
}

TEST(QrSvg, SizeFollowsTheStyle) {
    // "hello" fits version 1 (21 modules) at level M: 21 + 2*4 = 29 modules.
    const auto svg = qr_svg("hello", QrSvgStyle{10, 4});
    ASSERT_TRUE(svg.ok());
    EXPECT_NE(svg->find("width=\"290\" height=\"290\" viewBox=\"0 0 29 29\""), std::string::npos) << *svg;
    const auto tight = qr_svg("hello", QrSvgStyle{1, 0});
    ASSERT_TRUE(tight.ok());
    EXPECT_NE(tight->find("viewBox=\"0 0 21 21\""), std::string::npos);
    EXPECT_NE(tight->find("M0,0h1v1h-1z"), std::string::npos);
}

TEST(QrSvg, RefusesBadInput) {
    EXPECT_EQ(qr_svg("").error().code, ErrorCode::invalid_request);
    EXPECT_EQ(qr_svg(std::string(kMaxQrTextBytes + 1, 'a')).error().code, ErrorCode::invalid_request);
    EXPECT_EQ(qr_svg("x", QrSvgStyle{0, 4}).error().code, ErrorCode::invalid_request);
    EXPECT_EQ(qr_svg("x", QrSvgStyle{4, -1}).error().code, ErrorCode::invalid_request);
    EXPECT_TRUE(qr_svg(std::string(kMaxQrTextBytes, 'a')).ok());
}

}  // namespace
}  // namespace kakuin::auth
