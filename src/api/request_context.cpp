#include "api/request_context.h"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "http/headers.h"

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

Result<std::span<const std::uint8_t>> pkcs10_body(const http::Request& request) {
    const auto ct = request.header("Content-Type");
    if (!ct || !http::iequals(ct->substr(0, ct->find(';')), "application/pkcs10"))
        return make_error(ErrorCode::csr_invalid, "Content-Type must be application/pkcs10",
                          "証明書発行要求（CSR）はapplication/pkcs10で送信してください。");
    const auto* p = reinterpret_cast<const std::uint8_t*>(request.body.data());
    return std::span<const std::uint8_t>(p, request.body.size());
}

}  // namespace kakuin::api
