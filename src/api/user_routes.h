// The administrator's user management and the usage history (R12-R16, R18, R19):
// /api/v1/users..., /api/v1/history. On the https and mtls listeners.
#pragma once

#include "api/api_services.h"
#include "http/router.h"

namespace kakuin::api {

void add_user_routes(http::Router& router, ApiServices& services);

}  // namespace kakuin::api
