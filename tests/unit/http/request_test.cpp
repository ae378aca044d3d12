#include "http/request.h"

#include <gtest/gtest.h>

namespace kakuin::http {
namespace {

TEST(ParseTarget, SplitsPathAndDecodesQueryInOrder) {
    Request r;
    ASSERT_TRUE(parse_target("/api/v1/users?name=a+b&x=%E3%81%82&flag&name=second", r));
    EXPECT_EQ(r.path, "/api/v1/users");
    ASSERT_EQ(r.query.size(), 4u);
    EXPECT_EQ(r.query_param("name").value(), "a b");  // the first one
    EXPECT_EQ(r.query_param("x").value(), "あ");
    EXPECT_EQ(r.query_param("flag").value(), "");
    EXPECT_FALSE(r.query_param("missing").has_value());
}

TEST(ParseTarget, RefusesMalformedTargets) {
    Request r;
    EXPECT_FALSE(parse_target("", r));
    EXPECT_FALSE(parse_target("http://example.com/a", r));  // absolute form
    EXPECT_FALSE(parse_target("*", r));
    EXPECT_FALSE(parse_target("/a?x=%zz", r));
    EXPECT_FALSE(parse_target("/a?x=%4", r));
    EXPECT_FALSE(parse_target("/a?x=%00", r));  // NUL
}

TEST(PercentDecode, PlusOnlyInQueries) {
    std::string out;
    ASSERT_TRUE(percent_decode("a+b%2Fc", out, false));
    EXPECT_EQ(out, "a+b/c");
    ASSERT_TRUE(percent_decode("a+b", out, true));
    EXPECT_EQ(out, "a b");
    EXPECT_FALSE(percent_decode("%", out, false));
    EXPECT_FALSE(percent_decode("%g0", out, false));
}

TEST(Headers, CaseInsensitiveLookupAndSet) {
    Headers h;
    h.add("Content-Type", "a");
    h.add("set-cookie", "1");
    h.add("Set-Cookie", "2");
    EXPECT_EQ(h.get("content-type").value(), "a");
    EXPECT_EQ(h.get("SET-COOKIE").value(), "1");
    h.set("SET-cookie", "3");
    EXPECT_EQ(h.fields().size(), 2u);
    EXPECT_EQ(h.get("set-cookie").value(), "3");
    h.erase("CONTENT-TYPE");
    EXPECT_FALSE(h.contains("content-type"));
}

Lang lang_of(const std::string& target, const char* accept_language) {
    Request r;
    EXPECT_TRUE(parse_target(target, r));
    if (accept_language != nullptr) r.headers.add("Accept-Language", accept_language);
    return preferred_lang(r);
}

TEST(PreferredLang, JapaneseUnlessEnglishIsPreferred) {
    EXPECT_EQ(lang_of("/", nullptr), Lang::ja);
    EXPECT_EQ(lang_of("/", "en"), Lang::en);
    EXPECT_EQ(lang_of("/", "en-US,en;q=0.9,ja;q=0.8"), Lang::en);
    EXPECT_EQ(lang_of("/", "ja,en-US;q=0.9,en;q=0.8"), Lang::ja);
    EXPECT_EQ(lang_of("/", "ja-JP"), Lang::ja);
    EXPECT_EQ(lang_of("/", "fr, en;q=0.5"), Lang::en);
    EXPECT_EQ(lang_of("/", "fr"), Lang::ja);
    EXPECT_EQ(lang_of("/", "en;q=0"), Lang::ja);
    EXPECT_EQ(lang_of("/", "en;q=0.5, ja;q=0.5"), Lang::ja);  // a tie stays Japanese
    EXPECT_EQ(lang_of("/", "en;q=bogus"), Lang::ja);
    EXPECT_EQ(lang_of("/?lang=en", "ja"), Lang::en);
    EXPECT_EQ(lang_of("/?lang=ja", "en"), Lang::ja);
    EXPECT_EQ(lang_of("/?lang=de", "en"), Lang::en);
}

}  // namespace
}  // namespace kakuin::http
