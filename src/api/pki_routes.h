// GET /crl (the current full CRL, DER) and OCSP over HTTP (RFC 6960 appendix A, RFC 5019):
// POST /ocsp and GET /ocsp/{base64 request}. Served on the plain-HTTP listener.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

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
    // Counts invalidate() calls: what was derived from statuses before a change is stale.
    std::uint64_t generation() const { return generation_.load(); }
    const Clock& clock() const { return clock_; }

  private:
    service::CertificateService& certificates_;
    const Clock& clock_;
    std::chrono::seconds next_update_;
    std::chrono::seconds max_age_;
    std::mutex mu_;
    std::string der_;
    TimePoint generated_at_{};
    bool stale_ = true;
    std::atomic<std::uint64_t> generation_{0};
};

// Signed OCSP answers by the exact request bytes, so a repeated request costs no signature.
// An entry is used only while the CrlCache generation it was made under is current (every
// revocation in this process invalidates the CRL cache, hence these answers) and for at most
// `max_age` (revocations by another process or node, e.g. the bank CLI or a second server on
// PostgreSQL; the GET answers already allow HTTP caches 60 s). A request with a nonce gets its
// own entry, so nonces stay echoed correctly. At most `max_entries`: when full, it starts over.
// Thread-safe.
class OcspCache {
  public:
    OcspCache(const Clock& clock, std::chrono::seconds max_age, std::size_t max_entries);

    std::optional<std::string> find(std::string_view request_der, std::uint64_t generation);
    void store(std::string_view request_der, std::string response_der, std::uint64_t generation);
    std::size_t size();

  private:
    struct Entry {
        std::string response;
        TimePoint made_at;
    };
    const Clock& clock_;
    std::chrono::seconds max_age_;
    std::size_t max_entries_;
    std::mutex mu_;
    std::uint64_t generation_ = 0;
    // Looked up by string_view: a hit costs no key allocation.
    struct KeyHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view k) const { return std::hash<std::string_view>{}(k); }
    };
    std::unordered_map<std::string, Entry, KeyHash, std::equal_to<>> entries_;
};

// Registers /crl, /ocsp and /ocsp/{request...} on the "http" listener only.
void add_pki_routes(http::Router& router, CrlCache& crl, service::CertificateService& certificates);

}  // namespace kakuin::api
