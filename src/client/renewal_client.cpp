#include "client/renewal_client.h"

#include <openssl/crypto.h>

#include <boost/json.hpp>

#include "client/api_client.h"

namespace kakuin::client {
namespace {

namespace json = boost::json;

constexpr std::string_view kCookieName = "kakuin_session";
constexpr std::size_t kMaxTokenLength = 512;

void wipe(std::string& s) {
    s.resize(s.capacity());
    OPENSSL_cleanse(s.data(), s.size());
    s.clear();
}

// The request's strings (PIN, OTP, cookie, CSRF token) are wiped after the call.
struct WipedRequest {
    HttpRequest request;
    ~WipedRequest() {
        wipe(request.body);
        for (std::string& h : request.headers) wipe(h);
    }
};

struct WipedCookies {
    std::vector<std::string>* cookies;
    ~WipedCookies() {
        for (std::string& c : *cookies) wipe(c);
    }
};

bool is_success(long status) { return status == 200 || status == 201; }

std::string string_member(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    if (v == nullptr || !v->is_string()) return {};
    return std::string(v->as_string());
}

void add_session_headers(HttpRequest& request, const CertificateSession& s) {
    std::string cookie;
    cookie.reserve(32 + s.token.size());
    cookie += "Cookie: ";
    cookie += kCookieName;
    cookie += "=";
    cookie += s.token.view();
    request.headers.push_back(std::move(cookie));
    std::string csrf;
    csrf.reserve(32 + s.csrf.size());
    csrf += "X-CSRF-Token: ";
    csrf += s.csrf.view();
    request.headers.push_back(std::move(csrf));
}

}  // namespace

std::optional<std::string> session_cookie_value(std::string_view set_cookie) {
    const auto semi = set_cookie.find(';');
    std::string_view pair = set_cookie.substr(0, semi);
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    std::string_view name = pair.substr(0, eq);
    std::string_view value = pair.substr(eq + 1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    if (name != kCookieName || value.empty() || value.size() > kMaxTokenLength) return std::nullopt;
    return std::string(value);
}

ApiResult<CertificateSession> RenewalClient::expect_session(ApiResult<HttpResponse> result,
                                                            const CertificateSession* known) {
    if (!result.ok()) return result.failure();
    HttpResponse& response = result.value();
    WipedCookies wiped{&response.set_cookies};
    if (!is_success(response.status)) return failure_from(response, lang_);
    if (response.content_type != "application/json")
        return network_failure(FailureKind::response_invalid, lang_, "session is not application/json");
    json::error_code ec;
    json::value v = json::parse(response.body, ec);
    wipe(response.body);  // holds the CSRF token
    if (ec || !v.is_object())
        return network_failure(FailureKind::response_invalid, lang_, "session is not a JSON object");
    json::object& o = v.as_object();
    CertificateSession s;
    for (const std::string& c : response.set_cookies) {
        if (auto token = session_cookie_value(c)) {
            s.token = SecretString(*token);
            wipe(*token);
        }
    }
    if (s.token.empty()) {
        if (known == nullptr || known->token.empty())
            return network_failure(FailureKind::response_invalid, lang_, "no session cookie");
        s.token = SecretString(known->token.view());
    }
    std::string csrf = string_member(o, "csrf_token");
    if (csrf.empty() || csrf.size() > kMaxTokenLength)
        return network_failure(FailureKind::response_invalid, lang_, "no csrf_token");
    s.csrf = SecretString(csrf);
    wipe(csrf);
    if (json::value* cv = o.if_contains("csrf_token"); cv != nullptr && cv->is_string()) {
        json::string& js = cv->as_string();
        OPENSSL_cleanse(js.data(), js.size());
    }
    s.state = string_member(o, "state");
    if (s.state != "otp_required" && s.state != "active")
        return network_failure(FailureKind::response_invalid, lang_, "unknown session state");
    if (const json::value* c = o.if_contains("certificate"); c != nullptr && c->is_object()) {
        const json::object& cert = c->as_object();
        if (const json::value* open = cert.if_contains("renewal_open"); open && open->is_bool())
            s.renewal_open = open->as_bool();
        s.not_after = string_member(cert, "not_after");
        s.renewal_opens_at = string_member(cert, "renewal_opens_at");
    }
    return s;
}

ApiResult<CertificateSession> RenewalClient::login(std::string_view role, const SecretString& pin) {
    WipedRequest req;
    req.request.path = "/api/v1/sessions";
    req.request.content_type = "application/json";
    req.request.accept = "application/json, application/problem+json";
    std::string& body = req.request.body;
    body.reserve(32 + role.size() * 6 + pin.size() * 6);
    body += "{\"role\":";
    append_json_string(body, role);
    body += ",\"pin\":";
    append_json_string(body, pin.view());
    body += "}";
    return expect_session(transport_.post(req.request), nullptr);
}

ApiResult<CertificateSession> RenewalClient::send_otp(const CertificateSession& session,
                                                      const SecretString& otp) {
    WipedRequest req;
    req.request.path = "/api/v1/sessions/current/otp";
    req.request.content_type = "application/json";
    req.request.accept = "application/json, application/problem+json";
    add_session_headers(req.request, session);
    std::string& body = req.request.body;
    body.reserve(16 + otp.size() * 6);
    body += "{\"otp\":";
    append_json_string(body, otp.view());
    body += "}";
    return expect_session(transport_.post(req.request), &session);
}

ApiResult<std::string> RenewalClient::renew(const CertificateSession& session, const std::string& csr_pem) {
    WipedRequest req;
    req.request.path = "/api/v1/renewals";
    req.request.content_type = "application/pkcs10";
    req.request.accept = "application/pem-certificate-chain, application/problem+json";
    add_session_headers(req.request, session);
    req.request.body = csr_pem;
    ApiResult<HttpResponse> result = transport_.post(req.request);
    if (!result.ok()) return result.failure();
    HttpResponse& response = result.value();
    WipedCookies wiped{&response.set_cookies};
    if (!is_success(response.status)) return failure_from(response, lang_);
    if (response.content_type != "application/pem-certificate-chain")
        return network_failure(FailureKind::response_invalid, lang_,
                               "certificate chain is " + response.content_type);
    return std::move(response.body);
}

}  // namespace kakuin::client
