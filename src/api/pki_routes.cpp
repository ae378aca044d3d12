#include "api/pki_routes.h"

#include <memory>
#include <span>

#include "core/base64.h"
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
    ++generation_;
}

OcspCache::OcspCache(const Clock& clock, std::chrono::seconds max_age, std::size_t max_entries)
    : clock_(clock), max_age_(max_age), max_entries_(max_entries) {}

std::optional<std::string> OcspCache::find(std::string_view request_der,
                                           std::uint64_t generation) {
    std::lock_guard lock(mu_);
    if (generation != generation_) {
        // An older generation is a reader that started before the last revocation.
        if (generation > generation_) {
            entries_.clear();
            generation_ = generation;
        }
        return std::nullopt;
    }
    auto it = entries_.find(request_der);
    if (it == entries_.end()) return std::nullopt;
    const TimePoint now = clock_.now();
    // A clock moved backwards (tests) also counts as too old.
    if (now < it->second.made_at || now - it->second.made_at >= max_age_) {
        entries_.erase(it);
        return std::nullopt;
    }
    return it->second.response;
}

void OcspCache::store(std::string_view request_der, std::string response_der,
                      std::uint64_t generation) {
    std::lock_guard lock(mu_);
    // Made from statuses read before a revocation that has since invalidated: never kept.
    if (generation != generation_) {
        if (generation < generation_) return;
        entries_.clear();
        generation_ = generation;
    }
    if (max_entries_ == 0) return;
    if (entries_.size() >= max_entries_) entries_.clear();
    entries_.insert_or_assign(std::string(request_der),
                              Entry{std::move(response_der), clock_.now()});
}

std::size_t OcspCache::size() {
    std::lock_guard lock(mu_);
    return entries_.size();
}

namespace {

// How long a cached OCSP answer may outlive a revocation made outside this process.
constexpr std::chrono::seconds kOcspCacheMaxAge{10};
constexpr std::size_t kOcspCacheEntries = 100'000;

struct OcspResponder {
    OcspResponder(service::CertificateService& c, CrlCache& r)
        : certificates(c), crl(r), cache(r.clock(), kOcspCacheMaxAge, kOcspCacheEntries) {}

    service::CertificateService& certificates;
    CrlCache& crl;  // its generation tells revocations
    OcspCache cache;

    http::Response answer(std::span<const std::uint8_t> der, const http::Request& request) {
        const std::string_view key(reinterpret_cast<const char*>(der.data()), der.size());
        // Read before the statuses, so a revocation during signing makes the answer unkept.
        const std::uint64_t generation = crl.generation();
        if (auto hit = cache.find(key, generation))
            return http::Response::bytes("application/ocsp-response", std::move(*hit));
        auto answer = certificates.ocsp(der);
        if (!answer) return http::Response::problem(answer.error(), request);
        std::string body(answer->begin(), answer->end());
        cache.store(key, body, generation);
        return http::Response::bytes("application/ocsp-response", std::move(body));
    }
};

}  // namespace

void add_pki_routes(http::Router& router, CrlCache& crl,
                    service::CertificateService& certificates) {
    const auto scope = {kHttpListener};
    // Shared by the routes' handlers, which the router keeps as long as it lives.
    auto ocsp = std::make_shared<OcspResponder>(certificates, crl);
    router.get("/crl", only_on(scope, [&crl](const http::Request& request) {
                   auto der = crl.current();
                   if (!der) return http::Response::problem(der.error(), request);
                   return http::Response::bytes("application/pkix-crl", std::move(*der));
               }));
    router.post("/ocsp",
                only_on(scope,
                        [ocsp](const http::Request& request) {
                            const auto* p =
                                reinterpret_cast<const std::uint8_t*>(request.body.data());
                            return ocsp->answer({p, request.body.size()}, request);
                        }),
                http::RouteOptions{pki::kMaxOcspRequestBytes});
    // RFC 6960 A.1: GET {url}/{url-encoding of base64 encoding of the DER request}. The router
    // has already %-decoded the path; a base64 text contains '/', hence the rest parameter.
    router.get("/ocsp/{request...}", only_on(scope, [ocsp](const http::Request& request) {
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
                   http::Response r = ocsp->answer(*der, request);
                   // RFC 5019 section 5: GET answers may be cached by HTTP caches. One minute
                   // stays well inside any configured response validity.
                   if (r.status == 200)
                       r.headers.set("Cache-Control",
                                     "max-age=60, public, no-transform, must-revalidate");
                   return r;
               }));
}

}  // namespace kakuin::api
