// serialize_response and RequestParser: the bytes the transport writes and reads.
#include <gtest/gtest.h>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>

#include "http/transport_parser.h"
#include "http/transport_response.h"

namespace kakuin::http::detail {
namespace {

TEST(SerializeResponse, OneBufferWithStatusFieldsAndBody) {
    Response r;
    r.status = 200;
    r.content_type = "application/json";
    r.body = "{\"a\":1}";
    r.headers.add("Set-Cookie", "a=1");
    r.headers.add("Content-Length", "999");         // replaced by the real length
    r.headers.add("X-Evil", "a\r\nInjected: yes");  // dropped: CR LF in the value
    r.headers.add("Bad Name", "x");                 // dropped: not a token
    EXPECT_EQ(serialize_response(r, false, true),
              "HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nContent-Type: application/json\r\n"
              "Content-Length: 7\r\n\r\n{\"a\":1}");
}

TEST(SerializeResponse, CloseHeadAndBodilessStatuses) {
    Response r;
    r.status = 404;
    r.body = "gone";
    EXPECT_EQ(serialize_response(r, false, false),
              "HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 4\r\n\r\ngone");
    EXPECT_EQ(serialize_response(r, true, true),
              "HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\n");
    Response empty = Response::no_content();
    empty.headers.add("Content-Length", "0");
    EXPECT_EQ(serialize_response(empty, false, true), "HTTP/1.1 204 No Content\r\n\r\n");
}

std::size_t feed(RequestParser& p, std::string_view bytes, boost::beast::error_code& ec) {
    return p.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
}

TEST(RequestParser, FillsTheRequestInPlace) {
    Request r;
    RequestParser p(r);
    p.eager(true);
    boost::beast::error_code ec;
    const std::string_view in =
        "POST /a?x=1 HTTP/1.1\r\nHost: h\r\nCookie: s=abc\r\nTransfer-Encoding: chunked\r\n\r\n"
        "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
    EXPECT_EQ(feed(p, in, ec), in.size());
    EXPECT_FALSE(ec) << ec.message();
    ASSERT_TRUE(p.is_done());
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.target, "/a?x=1");
    EXPECT_EQ(r.header("cookie").value_or(""), "s=abc");
    ASSERT_EQ(r.headers.fields().size(), 3u);
    EXPECT_EQ(r.headers.fields()[0].first, "Host");
    EXPECT_EQ(r.body, "abcde");
    EXPECT_TRUE(p.keep_alive());
}

TEST(RequestParser, ChunkedBodyOverTheLimitIsRefused) {
    Request r;
    RequestParser p(r);
    p.eager(true);
    p.body_limit(4);
    boost::beast::error_code ec;
    feed(p, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
         ec);
    EXPECT_EQ(ec, boost::beast::http::error::body_limit);
}

}  // namespace
}  // namespace kakuin::http::detail
