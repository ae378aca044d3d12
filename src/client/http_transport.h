// One HTTPS POST to the server; the real one is libcurl (curl_transport.h), tests use fakes.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "client/api_result.h"

namespace kakuin::client {

struct HttpRequest {
    std::string path;          // "/api/v1/...", already percent-encoded
    std::string content_type;  // of the body
    std::string accept;        // Accept header
    std::string body;          // may hold a PIN or OTP: the caller wipes it
    // Further request fields ("Name: value"), e.g. the session cookie and X-CSRF-Token of a
    // renewal: secrets, the caller wipes them.
    std::vector<std::string> headers = {};
};

struct HttpResponse {
    long status = 0;
    std::string content_type;  // without parameters, lowercase ("application/json")
    std::string body;
    // The values of the Set-Cookie fields (a session cookie is a secret: the caller wipes it).
    std::vector<std::string> set_cookies = {};
};

inline constexpr std::size_t kMaxResponseBytes = 1024 * 1024;

// The failure an answer that is not the API's success stands for: the server's problem
// (4xx/5xx with a problem+json or JSON body), or response_invalid with the status and type.
Failure failure_from(const HttpResponse& response, Lang lang);

class HttpTransport {
public:
    virtual ~HttpTransport() = default;
    // Any HTTP status is a response; only network, TLS, timeout and size failures fail.
    virtual ApiResult<HttpResponse> post(const HttpRequest& request) = 0;
};

}  // namespace kakuin::client
