// An HttpTransport that records requests and answers from a handler.
#pragma once

#include <functional>
#include <vector>

#include "client/http_transport.h"

namespace kakuin::client::testing {

class FakeTransport final : public HttpTransport {
public:
    using Handler = std::function<ApiResult<HttpResponse>(const HttpRequest&)>;
    explicit FakeTransport(Handler h) : handler_(std::move(h)) {}
    ApiResult<HttpResponse> post(const HttpRequest& request) override {
        requests.push_back(request);
        return handler_(request);
    }
    std::vector<HttpRequest> requests;

private:
    Handler handler_;
};

inline HttpResponse json_response(long status, std::string body,
                                  std::string type = "application/json") {
    return HttpResponse{status, std::move(type), std::move(body)};
}

inline HttpResponse problem_response(long status, const std::string& code, const std::string& detail) {
    return HttpResponse{status, "application/problem+json",
                        R"({"type":"about:blank","title":"x","status":)" + std::to_string(status) +
                            R"(,"code":")" + code + R"(","detail":")" + detail + R"("})"};
}

}  // namespace kakuin::client::testing
