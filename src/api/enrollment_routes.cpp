#include "api/enrollment_routes.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/json_body.h"
#include "api/listener_scope.h"
#include "api/request_context.h"
#include "pki/ca.h"

namespace kakuin::api {

namespace json = boost::json;
using http::Request;
using http::Response;

namespace {

json::object enrollment_json(const service::EnrollmentInfo& info) {
    json::object o;
    o["state"] = std::string(service::enrollment_step_name(info.state));
    json::array types;
    for (auto t : info.key_types) types.emplace_back(std::string(key_type_name(t)));
    o["key_types"] = std::move(types);
    o["default_key_type"] = std::string(key_type_name(info.default_key_type));
    o["expires_at"] = format_iso8601(info.expires_at);
    return o;
}

Response start(ApiServices& s, const Request& request) {
    auto body = parse_json_object(request, {"contract_id", "user_id", "pin"});
    if (!body) return problem(body.error(), request);
    auto contract_id = required_string(*body, "contract_id", 32);
    if (!contract_id) return problem(contract_id.error(), request);
    auto user_id = optional_string(*body, "user_id", 32);
    if (!user_id) return problem(user_id.error(), request);
    auto pin = required_string(*body, "pin", 64);
    if (!pin) return problem(pin.error(), request);
    auto started = s.enrollments.start(
        service::EnrollmentStart{std::move(*contract_id), user_id->value_or(""), std::move(*pin),
                                 source_address(request).value_or("")});
    if (!started) return problem(started.error(), request);
    json::object o = enrollment_json(started->info);
    o["enrollment_id"] = started->enrollment_id;
    return json_response(o, 201);
}

Response submit_otp(ApiServices& s, const Request& request) {
    auto body = parse_json_object(request, {"otp"});
    if (!body) return problem(body.error(), request);
    auto otp = required_string(*body, "otp", 16);
    if (!otp) return problem(otp.error(), request);
    auto info = s.enrollments.submit_otp(request.path_param("id"), *otp,
                                         source_address(request).value_or(""));
    if (!info) return problem(info.error(), request);
    return json_response(enrollment_json(*info));
}

Response submit_csr(ApiServices& s, const Request& request) {
    auto csr = pkcs10_body(request);
    if (!csr) return problem(csr.error(), request);
    auto issued = s.enrollments.submit_csr(request.path_param("id"), *csr,
                                           source_address(request).value_or(""));
    if (!issued) return problem(issued.error(), request);
    std::string chain = issued->certificate.pem;
    if (!chain.empty() && chain.back() != '\n') chain += '\n';
    chain += issued->chain_pem;
    return Response::bytes("application/pem-certificate-chain", std::move(chain), 201);
}

}  // namespace

void add_enrollment_routes(http::Router& router, ApiServices& s) {
    const auto https = {kHttpsListener};
    auto bind = [&s](Response (*f)(ApiServices&, const Request&)) {
        return [&s, f](const Request& r) { return f(s, r); };
    };
    router.post("/api/v1/enrollments", only_on(https, bind(start)),
                http::RouteOptions{kMaxJsonBodyBytes});
    router.post("/api/v1/enrollments/{id}/otp", only_on(https, bind(submit_otp)),
                http::RouteOptions{kMaxJsonBodyBytes});
    // The CSR route allows the CA's CSR limit; check_csr refuses larger ones (csr_too_large)
    // but the server refuses them first with 413.
    router.post("/api/v1/enrollments/{id}/csr", only_on(https, bind(submit_csr)),
                http::RouteOptions{pki::kMaxCsrBytes});
}

}  // namespace kakuin::api
