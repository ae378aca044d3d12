// The services the API handlers call, built once by `kakuin serve`. The references must
// outlive this object; the services are thread-safe.
#pragma once

#include "api/pki_routes.h"
#include "service/certificate_service.h"
#include "service/context.h"
#include "service/enrollment_service.h"
#include "service/session_service.h"
#include "service/user_admin_service.h"

namespace kakuin::api {

struct ApiServices {
    ApiServices(const service::ServiceContext& context, service::CertificateService& certificates,
                CrlCache& crl)
        : context(context),
          certificates(certificates),
          crl(crl),
          sessions(this->context, certificates),
          enrollments(this->context, certificates),
          users(this->context, certificates) {}
    ApiServices(const ApiServices&) = delete;
    ApiServices& operator=(const ApiServices&) = delete;

    service::ServiceContext context;  // the services keep a reference to this copy
    service::CertificateService& certificates;
    CrlCache& crl;  // invalidated after every revocation through the API
    service::SessionService sessions;
    service::EnrollmentService enrollments;
    service::UserAdminService users;
};

}  // namespace kakuin::api
