#include "api/pki_routes.h"

#include <span>

#include "api/base64.h"
#include "api/listener_scope.h"
#include "pki/ca.h"

namespace kakuin::api {

CrlCache::CrlCache(service::CertificateService& certificates, const Clock& clock,
                   std::chrono::seconds next_update, std::chrono::seconds max_age)
    : certificates_(certificates), clock_(clock), next_update_(next_update), max_age_(max_age) {}

Result<std::string> CrlCache::current() {
    std::lock_guard lock(mu_);
    const TimePoint now = clock_.now();
    // A clock moved backwards (tests) also regenerates.
    if (stale_ || now < generated_at_ || now - generated_at_ >= max_age_) {
        KAKUIN_TRY(auto der, certificates_.crl(next_update_));
        der_.assign(der.begin(), der.end());
        generated_at_ = now;
        stale_ = false;
    }
    return der_;
}

void CrlCache::invalidate() {
    std::lock_guard lock(mu_);
    stale_ = true;
}

namespace {

http::Response ocsp_answer(service::CertificateService& certificates,
                           std::span<const std::uint8_t> der, const http::Request& request) {
    auto answer = certificates.ocsp(der);
    if (!answer) return http::Response::problem(answer.error(), request);
    return http::Response::bytes("application/ocsp-response",
                                 std::string(answer->begin(), answer->end()));
}

}  // namespace

void add_pki_routes(http::Router& router, CrlCache& crl,
                    service::CertificateService& certificates) {
    const auto scope = {kHttpListener};
    router.get("/crl", only_on(scope, [&crl](const http::Request& request) {
                   auto der = crl.current();
                   if (!der) return http::Response::problem(der.error(), request);
                   return http::Response::bytes("application/pkix-crl", std::move(*der));
               }));
    router.post("/ocsp",
                only_on(scope,
                        [&certificates](const http::Request& request) {
                            const auto* p =
                                reinterpret_cast<const std::uint8_t*>(request.body.data());
                            return ocsp_answer(certificates, {p, request.body.size()}, request);
                        }),
                http::RouteOptions{pki::kMaxOcspRequestBytes});
    // RFC 6960 A.1: GET {url}/{url-encoding of base64 encoding of the DER request}. The router
    // has already %-decoded the path; a base64 text contains '/', hence the rest parameter.
    router.get("/ocsp/{request...}", only_on(scope, [&certificates](const http::Request& request) {
                   const std::string_view text = request.path_param("request");
                   if (text.size() > pki::kMaxOcspRequestBytes * 2)
                       return http::Response::problem(ErrorCode::request_too_large,
                                                      http::preferred_lang(request));
                   auto der = decode_base64(text);
                   if (!der)
                       return http::Response::problem(
                           make_error(ErrorCode::ocsp_request_invalid, "not base64",
                                      "OCSP要求のbase64形式が正しくありません。"),
                           request);
                   http::Response r = ocsp_answer(certificates, *der, request);
                   // RFC 5019 section 5: GET answers may be cached by HTTP caches. One minute
                   // stays well inside any configured response validity.
                   if (r.status == 200)
                       r.headers.set("Cache-Control",
                                     "max-age=60, public, no-transform, must-revalidate");
                   return r;
               }));
}

}  // namespace kakuin::api
