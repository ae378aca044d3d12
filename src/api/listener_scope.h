// One Router serves every listener; each route says on which listeners it exists, so that
// :8080 answers only /crl and /ocsp and certificate login exists only on :8444.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "http/router.h"

namespace kakuin::api {

// Listener names, as in the configuration and ports.json.
inline constexpr std::string_view kHttpsListener = "https";  // :8443, no client certificate
inline constexpr std::string_view kMtlsListener = "mtls";    // :8444, client certificate
inline constexpr std::string_view kHttpListener = "http";    // :8080, CRL and OCSP
inline constexpr std::string_view kBankListener = "bank";    // :8446, the bank's back office

// `handler` on the named listeners; a 404 not_found problem on the others.
http::Handler only_on(std::initializer_list<std::string_view> listeners, http::Handler handler);

}  // namespace kakuin::api
