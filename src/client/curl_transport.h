// HttpTransport over libcurl's easy interface: HTTPS only, TLS 1.2+, the server verified
// against the --ca-file only (not the system's CAs), no redirects, timeouts, size limit.
#pragma once

#include <chrono>
#include <string>

#include "client/http_transport.h"
#include "client/secret.h"

namespace kakuin::client {

struct CurlTransportOptions {
    std::string base_url;  // "https://host:8443" (a trailing "/" is dropped)
    std::string ca_file;   // PEM trust anchors for the server's certificate
    Lang lang = Lang::ja;  // Accept-Language and the failure texts
    std::chrono::seconds connect_timeout{10};
    std::chrono::seconds total_timeout{60};
    std::size_t max_response_bytes = kMaxResponseBytes;
    // The TLS client certificate (renewal on the certificate listener): the leaf as PEM and
    // its private key as PKCS#8 DER. Both null: none. Not copied: they must outlive the
    // transport.
    const std::string* client_certificate_pem = nullptr;
    const SecretBytes* client_key_der = nullptr;
};

// REQUIRES: curl_global_init was called (main does it once).
class CurlTransport final : public HttpTransport {
public:
    explicit CurlTransport(CurlTransportOptions options);
    ApiResult<HttpResponse> post(const HttpRequest& request) override;

private:
    CurlTransportOptions options_;
};

}  // namespace kakuin::client
