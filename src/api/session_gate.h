// Who is calling: the kakuin_session cookie checked by SessionService, and the CSRF token on
// every cookie-authenticated write.
#pragma once

#include <string_view>

#include "api/api_services.h"
#include "api/session_cookie.h"
#include "core/result.h"
#include "http/request.h"
#include "http/response.h"
#include "service/session_info.h"

namespace kakuin::api {

enum class Access {
    read,            // GET: an active session
    write,           // an active session + X-CSRF-Token
    otp_step,        // the OTP step of a login: a session in otp_required + X-CSRF-Token
    any_state_write  // logoff: a session in any state + X-CSRF-Token
};

// Errors: session_expired (no cookie, unknown/idle/ended session, or a session of the other
// listener), forbidden (an mtls session with another certificate; otp_required where an
// active session is needed), csrf_failed (missing or wrong X-CSRF-Token on a write).
Result<service::SessionInfo> authenticate(ApiServices& services, const http::Request& request,
                                          Access access);

}  // namespace kakuin::api
