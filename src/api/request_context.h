// What the API takes from a request besides its body: the caller's address and TLS client
// certificate, and the JSON/problem responses every handler returns.
#pragma once

#include <boost/json/fwd.hpp>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "core/result.h"
#include "http/request.h"
#include "http/response.h"
#include "service/session_info.h"

namespace kakuin::api {

// The client's IP address for the usage history; nullopt when unknown.
std::optional<std::string> source_address(const http::Request& request);

// The verified client certificate of an mtls request; nullopt on the other listeners.
std::optional<service::ClientCertificate> client_certificate(const http::Request& request);

// A problem+json response in the request's language.
http::Response problem(const Error& error, const http::Request& request);

// A certificate signing request's body (acquisition and renewal): csr_invalid unless the
// Content-Type is application/pkcs10 (parameters ignored); otherwise the body's bytes.
Result<std::span<const std::uint8_t>> pkcs10_body(const http::Request& request);

// A JSON response (Cache-Control: no-store is a server default).
http::Response json_response(const boost::json::object& body, int status = 200);

}  // namespace kakuin::api
