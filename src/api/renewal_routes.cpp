#include "api/renewal_routes.h"

#include <boost/json/object.hpp>

#include "api/listener_scope.h"
#include "api/request_context.h"
#include "api/session_gate.h"
#include "pki/ca.h"
#include "service/renewal_service.h"

namespace kakuin::api {

namespace json = boost::json;
using http::Request;
using http::Response;

namespace {

bool wants_json(const Request& request) {
    const auto accept = request.header("Accept");
    return accept && accept->find("application/json") != std::string_view::npos;
}

// The body is the CSR exactly as for the acquisition (/api/v1/enrollments/{id}/csr): PEM or
// DER PKCS#10 with Content-Type application/pkcs10. The answer is the acquisition's PEM chain
// (leaf, issuing CA, root) with the issue number in a header, or JSON when asked for.
Response renew(ApiServices& s, const Request& request) {
    auto session = authenticate(s, request, Access::write);
    if (!session) return problem(session.error(), request);
    auto csr = pkcs10_body(request);
    if (!csr) return problem(csr.error(), request);
    service::RenewalService renewals(s.context, s.certificates);
    auto renewed = renewals.renew(*session, client_certificate(request), *csr,
                                  source_address(request).value_or(""));
    if (!renewed) return problem(renewed.error(), request);
    s.crl.invalidate();  // the old certificate is revoked (superseded)

    const pki::IssuedCertificate& cert = renewed->issued.certificate;
    const std::string issue_number = format_issue_number(renewed->issued.issue_number);
    Response r;
    if (wants_json(request)) {
        json::object o;
        o["certificate_pem"] = cert.pem;
        o["chain_pem"] = renewed->issued.chain_pem;
        o["issue_number"] = issue_number;
        o["serial"] = cert.serial_hex;
        o["not_after"] = format_iso8601(cert.not_after);
        o["replaced_serial"] = renewed->replaced_serial;
        r = json_response(o, 201);
    } else {
        std::string chain = cert.pem;
        if (!chain.empty() && chain.back() != '\n') chain += '\n';
        chain += renewed->issued.chain_pem;
        r = Response::bytes("application/pem-certificate-chain", std::move(chain), 201);
    }
    r.headers.set("Kakuin-Issue-Number", issue_number);
    // The renewal ended the session (seed 003): the browser's cookie goes too.
    clear_session_cookie(r);
    return r;
}

}  // namespace

void add_renewal_routes(http::Router& router, ApiServices& s) {
    const auto mtls = {kMtlsListener};
    router.post("/api/v1/renewals", only_on(mtls, [&s](const Request& r) { return renew(s, r); }),
                http::RouteOptions{pki::kMaxCsrBytes});
}

}  // namespace kakuin::api
