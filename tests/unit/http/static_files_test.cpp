#include "http/static_files.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "test_support.h"

namespace kakuin::http {
namespace {

using testing::TempDir;
using testing::write_file;
namespace fs = std::filesystem;

class StaticFilesTest : public ::testing::Test {
  protected:
    void SetUp() override {
        fs::create_directories(dir.path() / "www" / "assets");
        write_file(dir.file("www/index.html"), "<h1>kakuin</h1>");
        write_file(dir.file("www/assets/app.js"), "console.log(1)");
        write_file(dir.file("www/.env"), "hidden");
        write_file(dir.file("secret.txt"), "outside");
        fs::create_symlink(dir.path() / "secret.txt", dir.path() / "www" / "link.txt");
    }
    Response get(std::string_view rel, const char* if_none_match = nullptr) {
        Request req;
        req.method = "GET";
        if (if_none_match) req.headers.add("If-None-Match", if_none_match);
        return files().serve(req, rel);
    }
    StaticFiles files() { return StaticFiles(dir.path() / "www"); }
    TempDir dir;
};

TEST_F(StaticFilesTest, ServesFilesWithContentTypes) {
    auto index = get("");
    EXPECT_EQ(index.status, 200);
    EXPECT_EQ(index.body, "<h1>kakuin</h1>");
    EXPECT_EQ(index.content_type, "text/html; charset=utf-8");
    auto js = get("assets/app.js");
    EXPECT_EQ(js.body, "console.log(1)");
    EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
    EXPECT_EQ(js.headers.get("Cache-Control").value(), "no-cache");
    EXPECT_EQ(get("assets/").status, 404);
    EXPECT_EQ(StaticFiles::content_type_for(".bin"), "application/octet-stream");
}

TEST_F(StaticFilesTest, NoWayOutOfTheRoot) {
    EXPECT_EQ(get("../secret.txt").status, 404);
    EXPECT_EQ(get("assets/../../secret.txt").status, 404);
    EXPECT_EQ(get("/etc/passwd").status, 404);  // treated as below the root: not there
    EXPECT_EQ(get("..\\secret.txt").status, 404);
    EXPECT_EQ(get("link.txt").status, 404);  // symlink leading out
    EXPECT_EQ(get(".env").status, 404);
    EXPECT_EQ(get("missing.html").status, 404);
    EXPECT_EQ(get(std::string_view("index.html\0x", 12)).status, 404);
}

TEST_F(StaticFilesTest, EtagRevalidation) {
    auto first = get("index.html");
    auto etag = std::string(first.headers.get("ETag").value());
    ASSERT_FALSE(etag.empty());
    auto again = get("index.html", etag.c_str());
    EXPECT_EQ(again.status, 304);
    EXPECT_TRUE(again.body.empty());
    EXPECT_EQ(get("index.html", "\"other\"").status, 200);
}

TEST_F(StaticFilesTest, HandlerServesTheRestParameter) {
    auto sf = files();
    Router router;
    router.get("/ui/{path...}", sf.handler());
    Request req;
    req.method = "GET";
    ASSERT_TRUE(parse_target("/ui/assets/app.js", req));
    auto res = router.dispatch(req, router.match("GET", req.path));
    EXPECT_EQ(res.body, "console.log(1)");
    ASSERT_TRUE(parse_target("/ui/%2e%2e/secret.txt", req));
    EXPECT_EQ(router.dispatch(req, router.match("GET", req.path)).status, 404);
}

}  // namespace
}  // namespace kakuin::http
