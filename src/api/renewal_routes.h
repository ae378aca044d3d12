// Certificate renewal by its holder (R22): POST /api/v1/renewals, certificate listener only.
#pragma once

#include "api/api_services.h"
#include "http/router.h"

namespace kakuin::api {

void add_renewal_routes(http::Router& router, ApiServices& services);

}  // namespace kakuin::api
