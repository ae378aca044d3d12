#include "api/listener_scope.h"

#include <gtest/gtest.h>

#include "api/session_cookie.h"

namespace kakuin::api {
namespace {

TEST(ListenerScope, OtherListenersGetNotFound) {
    http::Handler h = only_on({kHttpListener}, [](const http::Request&) {
        return http::Response::bytes("text/plain", "crl");
    });
    http::Request r;
    r.listener = "http";
    EXPECT_EQ(h(r).status, 200);
    r.listener = "https";
    auto refused = h(r);
    EXPECT_EQ(refused.status, 404);
    EXPECT_NE(refused.body.find("not_found"), std::string::npos);
    r.listener = "mtls";
    EXPECT_EQ(h(r).status, 404);
}

TEST(SessionCookie, SecureAttributesAndClearing) {
    http::Response r;
    set_session_cookie(r, "abc_DEF-123");
    auto v = r.headers.get("Set-Cookie");
    ASSERT_TRUE(v);
    EXPECT_NE(v->find("kakuin_session=abc_DEF-123"), std::string::npos);
    for (const char* attr : {"HttpOnly", "Secure", "SameSite=Strict", "Path=/"})
        EXPECT_NE(v->find(attr), std::string::npos) << attr;
    http::Response cleared;
    clear_session_cookie(cleared);
    EXPECT_NE(cleared.headers.get("Set-Cookie")->find("Max-Age=0"), std::string::npos);
}

TEST(SessionCookie, TokenFromCookieHeaderOnly) {
    http::Request r;
    EXPECT_EQ(session_token(r), "");
    r.headers.add("Cookie", "other=1; kakuin_session=tok123");
    EXPECT_EQ(session_token(r), "tok123");
    http::Request huge;
    huge.headers.add("Cookie", "kakuin_session=" + std::string(1000, 'a'));
    EXPECT_EQ(session_token(huge), "");
}

}  // namespace
}  // namespace kakuin::api
