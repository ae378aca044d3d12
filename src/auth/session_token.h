// Session and CSRF tokens. The client holds a random session token (cookie); the store
// holds only its SHA-256, so a leaked database row cannot be replayed as a cookie.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"

namespace kakuin::auth {

inline constexpr std::size_t kTokenBytes = 32;
// base64url without padding of kTokenBytes.
inline constexpr std::size_t kTokenChars = 43;

struct IssuedSessionToken {
    std::string token;     // for the client only: never stored, never logged
    std::string hash_hex;  // for the store: lower-case hex SHA-256 of `token`
};

IssuedSessionToken issue_session_token(Random& random);

// The stored key of a token presented by a client: lower-case hex SHA-256 of its text.
// session_expired when the text is not kTokenChars of base64url (checked before hashing,
// so the caller can treat garbage and unknown tokens alike).
Result<std::string> session_token_hash(std::string_view presented);

// A CSRF token (kTokenChars of base64url), stored with its session and sent to the client
// in the login response; every cookie-authenticated write echoes it in X-CSRF-Token.
std::string issue_csrf_token(Random& random);

// csrf_failed unless `presented` equals the session's token (constant time). An empty
// expected token never matches.
Status check_csrf_token(std::string_view expected, std::string_view presented);

// True when the session has been idle for `idle` or longer. A clock that went backwards
// (now < last_seen) does not expire the session.
bool session_idle_expired(TimePoint last_seen, TimePoint now, Seconds idle);

// session_expired when session_idle_expired.
Status check_session_idle(TimePoint last_seen, TimePoint now, Seconds idle);

// RFC 4648 base64url without padding.
std::string base64url_encode(std::string_view bytes);

}  // namespace kakuin::auth
