// An HTTP/1.1 request parser that fills a Request directly. Includes Beast: internal to
// src/http.
#pragma once

#include <boost/beast/http/basic_parser.hpp>

#include "http/request.h"

namespace kakuin::http::detail {

// Method, target, header fields and body are copied once, from the read buffer into the
// Request (Beast's request_parser first keeps a copy of every field in its own message, then
// the connection copied each into the Request). Limits, keep_alive() and content_length() are
// basic_parser's.
// REQUIRES: `out` outlives the parser; one parser per request.
class RequestParser : public boost::beast::http::basic_parser<true> {
  public:
    explicit RequestParser(Request& out) : out_(out) {}

  private:
    using string_view = boost::beast::string_view;
    using error_code = boost::beast::error_code;

    void on_request_impl(boost::beast::http::verb, string_view method, string_view target,
                         int version, error_code& ec) override;
    void on_response_impl(int, string_view, int, error_code&) override {}
    void on_field_impl(boost::beast::http::field, string_view name, string_view value,
                       error_code& ec) override;
    void on_header_impl(error_code&) override {}
    void on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                           error_code& ec) override;
    std::size_t on_body_impl(string_view body, error_code& ec) override;
    void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
    std::size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code& ec) override;
    void on_finish_impl(error_code&) override {}

    Request& out_;
};

}  // namespace kakuin::http::detail
