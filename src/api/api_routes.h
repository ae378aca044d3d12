// Every /api/v1 route on one router (the listener each route lives on is part of the route).
#pragma once

#include "api/api_services.h"
#include "http/router.h"

namespace kakuin::api {

void add_api_routes(http::Router& router, ApiServices& services);

}  // namespace kakuin::api
