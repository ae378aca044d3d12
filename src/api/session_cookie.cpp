#include "api/session_cookie.h"

#include "http/cookies.h"

namespace kakuin::api {

namespace {
constexpr std::size_t kMaxTokenBytes = 256;
}

std::string session_token(const http::Request& request) {
    auto token = http::cookie(request, kSessionCookie);
    if (!token || token->size() > kMaxTokenBytes) return {};
    return *token;
}

void set_session_cookie(http::Response& response, std::string_view token) {
    const std::string v = http::set_cookie_value(kSessionCookie, token);
    if (!v.empty()) response.headers.add("Set-Cookie", v);
}

void clear_session_cookie(http::Response& response) {
    http::CookieOptions o;
    o.max_age = std::chrono::seconds(0);
    response.headers.add("Set-Cookie", http::set_cookie_value(kSessionCookie, "", o));
}

}  // namespace kakuin::api
