#include "http/router.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace kakuin::http {
namespace {

Handler text(std::string s) {
    return [s](const Request&) { return Response::bytes("text/plain", s); };
}

Response call(const Router& router, const std::string& method, const std::string& target,
              Request* out = nullptr) {
    Request req;
    req.method = method;
    EXPECT_TRUE(parse_target(target, req));
    auto res = router.dispatch(req, router.match(req.method, req.path));
    if (out) *out = req;
    return res;
}

TEST(Router, MatchesParametersAndDecodesThem) {
    Router r;
    r.get("/api/v1/users/{user_id}", [](const Request& req) {
        return Response::bytes("text/plain", std::string(req.path_param("user_id")));
    });
    EXPECT_EQ(call(r, "GET", "/api/v1/users/riyousya").body, "riyousya");
    EXPECT_EQ(call(r, "GET", "/api/v1/users/a%20b?x=1").body, "a b");
    EXPECT_EQ(call(r, "GET", "/api/v1/users/").status, 404);  // an empty parameter does not match
    EXPECT_EQ(call(r, "GET", "/api/v1/users/a/b").status, 404);
    EXPECT_EQ(call(r, "GET", "/api/v1/users/%zz").status, 404);
}

TEST(Router, LiteralSegmentsWin) {
    Router r;
    r.get("/sessions/{id}", text("param"));
    r.get("/sessions/current", text("literal"));
    r.get("/{a}/{b}", text("both"));
    EXPECT_EQ(call(r, "GET", "/sessions/current").body, "literal");
    EXPECT_EQ(call(r, "GET", "/sessions/abc").body, "param");
    EXPECT_EQ(call(r, "GET", "/x/y").body, "both");
}

TEST(Router, NotFoundAndMethodNotAllowedAreProblems) {
    Router r;
    r.get("/users", text("list"));
    r.post("/users", text("create"));
    auto nf = call(r, "GET", "/nope");
    EXPECT_EQ(nf.status, 404);
    EXPECT_NE(nf.body.find("\"code\":\"not_found\""), std::string::npos);
    EXPECT_NE(nf.body.find("対象が見つかりません。"), std::string::npos);

    auto na = call(r, "DELETE", "/users");
    EXPECT_EQ(na.status, 405);
    EXPECT_EQ(na.headers.get("Allow").value(), "GET, POST");
    EXPECT_NE(na.body.find("\"code\":\"method_not_allowed\""), std::string::npos);

    auto en = call(r, "GET", "/nope?lang=en");
    EXPECT_NE(en.body.find("Not found."), std::string::npos);
}

TEST(Router, HeadFallsBackToGet) {
    Router r;
    r.get("/a", text("get"));
    EXPECT_EQ(call(r, "HEAD", "/a").body, "get");  // the connection drops the body
    r.add("HEAD", "/a", text("head"));
    EXPECT_EQ(call(r, "HEAD", "/a").body, "head");
}

TEST(Router, RestParameterAndPerRouteLimits) {
    Router r;
    r.get("/ui/{path...}", [](const Request& req) {
        return Response::bytes("text/plain", std::string(req.path_param("path")));
    });
    r.post("/csr", text("x"), RouteOptions{16 * 1024});
    EXPECT_EQ(call(r, "GET", "/ui/assets/app.js").body, "assets/app.js");
    EXPECT_EQ(call(r, "GET", "/ui").body, "");
    EXPECT_EQ(r.match("POST", "/csr").max_body_bytes, 16u * 1024);
    EXPECT_EQ(r.match("GET", "/ui/x").max_body_bytes, 0u);
}

TEST(Router, MalformedPatternsThrow) {
    Router r;
    EXPECT_THROW(r.get("users", text("")), std::invalid_argument);
    EXPECT_THROW(r.get("/a/{}", text("")), std::invalid_argument);
    EXPECT_THROW(r.get("/a/{rest...}/b", text("")), std::invalid_argument);
    EXPECT_THROW(r.get("/a/x{y}", text("")), std::invalid_argument);
}

TEST(Router, HandlerExceptionIsAnInternalError) {
    Router r;
    r.get("/boom", [](const Request&) -> Response { throw std::runtime_error("secret detail"); });
    auto res = call(r, "GET", "/boom");
    EXPECT_EQ(res.status, 500);
    EXPECT_EQ(res.body.find("secret"), std::string::npos);
    EXPECT_NE(res.body.find("internal_error"), std::string::npos);
}

}  // namespace
}  // namespace kakuin::http
