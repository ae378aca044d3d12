// The enrollment API of kakuin (/api/v1/enrollments) as the acquisition app uses it.
// The enrollment id is a bearer secret: kept in a SecretString, never printed or logged.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/api_result.h"
#include "client/http_transport.h"
#include "client/secret.h"

namespace kakuin::client {

struct Enrollment {
    SecretString id;
    std::string state;  // "otp_required" or "csr_required"
    std::vector<std::string> key_types;  // allowed key types; empty when not said
    std::string default_key_type;        // "" when not said
    std::string expires_at;              // ISO 8601, "" when not said
};

inline constexpr std::size_t kMaxEnrollmentIdLength = 512;

class ApiClient {
public:
    // `transport` must outlive the client.
    ApiClient(HttpTransport& transport, Lang lang) : transport_(transport), lang_(lang) {}

    // POST /api/v1/enrollments; no user_id: the administrator.
    ApiResult<Enrollment> start_enrollment(std::string_view contract_id,
                                           const std::optional<std::string>& user_id,
                                           const SecretString& pin);
    // POST /api/v1/enrollments/{id}/otp; returns the enrollment with its new state.
    ApiResult<Enrollment> send_otp(const SecretString& enrollment_id, const SecretString& otp);
    // POST /api/v1/enrollments/{id}/csr; returns the PEM chain (leaf first).
    ApiResult<std::string> send_csr(const SecretString& enrollment_id, const std::string& csr_pem);

private:
    ApiResult<Enrollment> expect_enrollment(ApiResult<HttpResponse> response,
                                            const SecretString* known_id);

    HttpTransport& transport_;
    Lang lang_;
};

// JSON string literal for `s` (quotes included), written into `out` without temporaries,
// so a secret leaves no copy behind when `out` is wiped.
void append_json_string(std::string& out, std::string_view s);
// Percent-encodes everything but RFC 3986 unreserved characters.
void append_path_segment(std::string& out, std::string_view s);

}  // namespace kakuin::client
