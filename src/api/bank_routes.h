// The bank's back office API under /bank/api/v1 (docs/api/bank-api.md) and its screens under
// /bank/ (web/dist, entry bank.html), on the bank listener only: staff sessions (cookie
// kakuin_bank_session, Path=/bank, CSRF token on every write), contract search and view, and
// four-eyes change requests.
#pragma once

#include <filesystem>
#include <optional>

#include "http/router.h"
#include "service/bank_service.h"
#include "service/certificate_service.h"
#include "service/change_request_service.h"
#include "service/context.h"
#include "service/staff_service.h"

namespace kakuin::api {

inline constexpr std::string_view kBankSessionCookie = "kakuin_bank_session";

// The back office's services, built once by `kakuin serve`. The references must outlive it.
struct BankApiServices {
    BankApiServices(const service::ServiceContext& context, service::CertificateService& certificates)
        : context(context),
          staff(this->context),
          bank(this->context, certificates),
          requests(this->context, bank) {}
    BankApiServices(const BankApiServices&) = delete;
    BankApiServices& operator=(const BankApiServices&) = delete;

    service::ServiceContext context;  // the services keep a reference to this copy
    service::StaffService staff;
    service::BankService bank;
    service::ChangeRequestService requests;
};

// `web_root`: the built screens' directory (bank.html and its assets); nullopt: API only.
void add_bank_routes(http::Router& router, BankApiServices& services,
                     const std::optional<std::filesystem::path>& web_root);

}  // namespace kakuin::api
