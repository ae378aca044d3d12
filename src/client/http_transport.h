// One HTTPS POST to the server; the real one is libcurl (curl_transport.h), tests use fakes.
#pragma once

#include <chrono>
#include <string>

#include "client/api_result.h"

namespace kakuin::client {

struct HttpRequest {
    std::string path;          // "/api/v1/...", already percent-encoded
    std::string content_type;  // of the body
    std::string accept;        // Accept header
    std::string body;          // may hold a PIN or OTP: the caller wipes it
};

struct HttpResponse {
    long status = 0;
    std::string content_type;  // without parameters, lowercase ("application/json")
    std::string body;
};

inline constexpr std::size_t kMaxResponseBytes = 1024 * 1024;

class HttpTransport {
public:
    virtual ~HttpTransport() = default;
    // Any HTTP status is a response; only network, TLS, timeout and size failures fail.
    virtual ApiResult<HttpResponse> post(const HttpRequest& request) = 0;
};

}  // namespace kakuin::client
