// Default response fields. Internal to src/http.
#pragma once

#include "http/response.h"

namespace kakuin::http {

// Adds each default field the response does not set itself: Strict-Transport-Security
// (TLS only), X-Content-Type-Options, Referrer-Policy, Content-Security-Policy and
// Cache-Control: no-store.
void add_default_headers(Response& response, bool tls);

}  // namespace kakuin::http
