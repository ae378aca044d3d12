// Reading the Cookie request field and writing Set-Cookie (RFC 6265).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "http/request.h"

namespace kakuin::http {

// The value of cookie `name` in the request's Cookie field(s); nullopt when absent.
std::optional<std::string> cookie(const Request& request, std::string_view name);

struct CookieOptions {
    std::string path = "/";
    bool http_only = true;
    bool secure = true;
    std::string same_site = "Strict";
    std::optional<std::chrono::seconds> max_age;  // none: a session cookie; 0: delete
};

// "name=value; Path=/; Max-Age=…; Secure; HttpOnly; SameSite=Strict". Returns "" when the
// name or value has a character a cookie may not carry (then nothing should be sent).
std::string set_cookie_value(std::string_view name, std::string_view value,
                             const CookieOptions& options = {});

}  // namespace kakuin::http
