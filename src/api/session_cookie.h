// The session cookie and the CSRF header names; reading and writing the cookie.
#pragma once

#include <string>
#include <string_view>

#include "http/request.h"
#include "http/response.h"

namespace kakuin::api {

inline constexpr std::string_view kSessionCookie = "kakuin_session";
inline constexpr std::string_view kCsrfHeader = "X-CSRF-Token";

// The session token from the cookie, or empty (also when absurdly long).
std::string session_token(const http::Request& request);

// Set-Cookie for a new session (HttpOnly; Secure; SameSite=Strict; Path=/) / removing it.
void set_session_cookie(http::Response& response, std::string_view token);
void clear_session_cookie(http::Response& response);

}  // namespace kakuin::api
