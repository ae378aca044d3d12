// Certificate acquisition without a session (R20): /api/v1/enrollments..., https listener only.
#pragma once

#include "api/api_services.h"
#include "http/router.h"

namespace kakuin::api {

void add_enrollment_routes(http::Router& router, ApiServices& services);

}  // namespace kakuin::api
