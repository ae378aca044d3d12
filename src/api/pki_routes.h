// GET /crl (the current full CRL, DER) and OCSP over HTTP (RFC 6960 appendix A, RFC 5019):
// POST /ocsp and GET /ocsp/{base64 request}. Served on the plain-HTTP listener.
#pragma once

#include <chrono>
#include <mutex>
#include <string>

#include "core/clock.h"
#include "http/router.h"
#include "service/certificate_service.h"

namespace kakuin::api {

// The signed CRL, regenerated when it is older than `max_age` or after invalidate() (call it
// after every revocation). Each regeneration takes the next CRL number, so it is not done per
// request. Thread-safe.
class CrlCache {
  public:
    // The references must outlive the cache.
    CrlCache(service::CertificateService& certificates, const Clock& clock,
             std::chrono::seconds next_update, std::chrono::seconds max_age);

    Result<std::string> current();
    void invalidate();

  private:
    service::CertificateService& certificates_;
    const Clock& clock_;
    std::chrono::seconds next_update_;
    std::chrono::seconds max_age_;
    std::mutex mu_;
    std::string der_;
    TimePoint generated_at_{};
    bool stale_ = true;
};

// Registers /crl, /ocsp and /ocsp/{request...} on the "http" listener only.
void add_pki_routes(http::Router& router, CrlCache& crl, service::CertificateService& certificates);

}  // namespace kakuin::api
