// The certificate listener's API as `kakuin-cert renew` uses it: certificate logon (role +
// login PIN, then the OTP), then POST /api/v1/renewals with the session cookie and its CSRF
// token. The session token and CSRF token are secrets: kept in SecretStrings, never printed.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "client/api_result.h"
#include "client/http_transport.h"
#include "client/secret.h"

namespace kakuin::client {

struct CertificateSession {
    SecretString token;  // the kakuin_session cookie
    SecretString csrf;   // X-CSRF-Token
    std::string state;   // "otp_required" or "active"
    // From the session answer's "certificate" block (absent on older servers).
    std::optional<bool> renewal_open;
    std::string not_after;         // ISO 8601, "" when not said
    std::string renewal_opens_at;  // ISO 8601, "" when not said
};

// The value of the kakuin_session cookie in one Set-Cookie field value; nullopt when the
// field sets another cookie or clears it.
std::optional<std::string> session_cookie_value(std::string_view set_cookie);

class RenewalClient {
public:
    // `transport` (presenting the current certificate) must outlive the client.
    RenewalClient(HttpTransport& transport, Lang lang) : transport_(transport), lang_(lang) {}

    // POST /api/v1/sessions {"role","pin"}.
    ApiResult<CertificateSession> login(std::string_view role, const SecretString& pin);
    // POST /api/v1/sessions/current/otp; the session with its new state.
    ApiResult<CertificateSession> send_otp(const CertificateSession& session, const SecretString& otp);
    // POST /api/v1/renewals; the PEM chain (leaf first).
    ApiResult<std::string> renew(const CertificateSession& session, const std::string& csr_pem);

private:
    ApiResult<CertificateSession> expect_session(ApiResult<HttpResponse> result,
                                                 const CertificateSession* known);

    HttpTransport& transport_;
    Lang lang_;
};

}  // namespace kakuin::client
