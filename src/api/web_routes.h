// What the web screens need besides the JSON API of api_routes.h: the built screens
// (web/dist) as static files on the https and mtls listeners, the bank's wording and input
// rules (GET /api/v1/bank, no session), and WEB-FB取引停止 (POST /api/v1/contract/stop).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <optional>

#include "api/api_services.h"
#include "http/router.h"

namespace kakuin::api {

struct WebOptions {
    // The built screens' directory; nullopt serves no screens (the API still works).
    std::optional<std::filesystem::path> root;
    // Configured ports of the https and mtls listeners, for the links between the ID/PIN and
    // the certificate logon screens (0: unknown, the screens then guess https + 1).
    int https_port = 0;
    int mtls_port = 0;
    // The bank's Japanese wording of screen texts by text id (configuration [wording]).
    std::map<std::string, std::string> wording;
};

// The HTML is sent with Cache-Control: no-store so that the back button after logoff
// re-asks the server; the other files with no-cache (revalidated by ETag).
void add_web_routes(http::Router& router, ApiServices& services, const WebOptions& options);

}  // namespace kakuin::api
