// An HTTP response as handlers build it: no Beast/Asio type appears here.
#pragma once

#include <boost/json/fwd.hpp>
#include <string>

#include "core/error.h"
#include "http/headers.h"
#include "http/request.h"

namespace kakuin::http {

struct Response {
    int status = 200;
    std::string content_type;  // empty: no Content-Type field
    Headers headers;           // fields set here win over the server's defaults
    std::string body;

    static Response json(const boost::json::value& value, int status = 200);
    // `serialized` must already be JSON text.
    static Response json_text(std::string serialized, int status = 200);
    // RFC 9457 application/problem+json {type, title, status, code, detail}. The status is
    // error_http_status(code). `detail_ja` (Japanese) / `detail` (English) replace the code's
    // generic message when given; English detail is shown only for 4xx codes, since a 5xx
    // detail is an operator's text.
    static Response problem(ErrorCode code, Lang lang, std::string_view detail = {},
                            std::string_view detail_ja = {});
    static Response problem(const Error& error, Lang lang);
    // Language from the request (see preferred_lang).
    static Response problem(const Error& error, const Request& request);
    // The same with a transport-level status that has no code of its own (431).
    static Response problem_with_status(ErrorCode code, int status, Lang lang);
    // Raw bytes, e.g. application/pkix-crl, application/ocsp-response.
    static Response bytes(std::string content_type, std::string data, int status = 200);
    static Response no_content() { return Response{204, {}, {}, {}}; }
};

}  // namespace kakuin::http
