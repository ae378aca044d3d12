#include "api/request_context.h"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace kakuin::api {

std::optional<std::string> source_address(const http::Request& request) {
    if (request.remote_address.empty()) return std::nullopt;
    return request.remote_address;
}

std::optional<service::ClientCertificate> client_certificate(const http::Request& request) {
    if (!request.client_certificate) return std::nullopt;
    return service::ClientCertificate{request.client_certificate->serial_hex,
                                      request.client_certificate->sha256_hex};
}

http::Response problem(const Error& error, const http::Request& request) {
    return http::Response::problem(error, request);
}

http::Response json_response(const boost::json::object& body, int status) {
    return http::Response::json(boost::json::value(body), status);
}

}  // namespace kakuin::api
