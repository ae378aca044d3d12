#include "api/api_routes.h"

#include "api/enrollment_routes.h"
#include "api/renewal_routes.h"
#include "api/session_routes.h"
#include "api/user_routes.h"

namespace kakuin::api {

void add_api_routes(http::Router& router, ApiServices& services) {
    add_session_routes(router, services);
    add_enrollment_routes(router, services);
    add_renewal_routes(router, services);
    add_user_routes(router, services);
}

}  // namespace kakuin::api
