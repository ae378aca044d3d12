#include "http/cookies.h"

#include <gtest/gtest.h>

namespace kakuin::http {
namespace {

Request with_cookies(std::initializer_list<const char*> fields) {
    Request r;
    for (const char* f : fields) r.headers.add("Cookie", f);
    return r;
}

TEST(Cookie, FindsTheNamedCookie) {
    auto r = with_cookies({"a=1; kakuin_session=tok123 ;b=2", "c=\"quoted\""});
    EXPECT_EQ(cookie(r, "kakuin_session").value(), "tok123");
    EXPECT_EQ(cookie(r, "b").value(), "2");
    EXPECT_EQ(cookie(r, "c").value(), "quoted");
    EXPECT_FALSE(cookie(r, "kakuin").has_value());  // no prefix match
    EXPECT_FALSE(cookie(r, "missing").has_value());
    EXPECT_FALSE(cookie(with_cookies({"novalue; ;="}), "novalue").has_value());
}

TEST(SetCookie, SecureDefaults) {
    EXPECT_EQ(set_cookie_value("kakuin_session", "abc"),
              "kakuin_session=abc; Path=/; Secure; HttpOnly; SameSite=Strict");
    CookieOptions del;
    del.max_age = std::chrono::seconds(0);
    EXPECT_EQ(set_cookie_value("s", "", del),
              "s=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Strict");
}

TEST(SetCookie, RefusesInjection) {
    EXPECT_EQ(set_cookie_value("s", "a; Domain=evil"), "");
    EXPECT_EQ(set_cookie_value("s", "a\r\nX: y"), "");
    EXPECT_EQ(set_cookie_value("s=x", "a"), "");
    EXPECT_EQ(set_cookie_value("", "a"), "");
    CookieOptions o;
    o.path = "/; Domain=evil";
    EXPECT_EQ(set_cookie_value("s", "a", o), "");
}

}  // namespace
}  // namespace kakuin::http
