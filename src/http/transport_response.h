// A Response as HTTP/1.1 bytes: status line, fields and body in one string. Internal to
// src/http.
#pragma once

#include <string>
#include <string_view>

#include "http/response.h"

namespace kakuin::http::detail {

// "HTTP/1.1 <status> <reason>", the response's fields that are safe (a token name, a value
// without CR, LF or NUL: no header injection by a handler), Content-Type, "Connection:
// close" unless `keep_alive`, and Content-Length with the body except for 1xx, 204 and 304.
// A handler's own Content-Length, Transfer-Encoding and Connection fields are replaced.
// `head`: the Content-Length of the body, without the body.
// REQUIRES: 100 <= response.status <= 599.
std::string serialize_response(const Response& response, bool head, bool keep_alive);

}  // namespace kakuin::http::detail
