// Login, the OTP step, who is logged in, logoff: /api/v1/sessions...
// ID/PIN login on the https listener; certificate login (identity from the client
// certificate) on the mtls listener.
#pragma once

#include "api/api_services.h"
#include "http/router.h"

namespace kakuin::api {

void add_session_routes(http::Router& router, ApiServices& services);

}  // namespace kakuin::api
