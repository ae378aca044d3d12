#include "client/api_client.h"

#include <openssl/crypto.h>

#include <boost/json.hpp>

#include <cctype>
#include <cstdio>

namespace kakuin::client {
namespace {

namespace json = boost::json;

// Moves the request's strings into wiped storage after the call.
struct WipedRequest {
    HttpRequest request;
    ~WipedRequest() {
        for (std::string* s : {&request.body, &request.path}) {
            s->resize(s->capacity());
            OPENSSL_cleanse(s->data(), s->size());
        }
    }
};

// The API answers 201 (created) or 200; both are taken, nothing else.
bool is_success(long status) { return status == 200 || status == 201; }

std::string string_member(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    if (v == nullptr || !v->is_string()) return {};
    return std::string(v->as_string());
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
    out.push_back('"');
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(ch);
        } else if (c < 0x20) {
            static constexpr char kHex[] = "0123456789abcdef";
            out += "\\u00";
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 0xF]);
        } else {
            out.push_back(ch);
        }
    }
    out.push_back('"');
}

void append_path_segment(std::string& out, std::string_view s) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out.push_back(ch);
        } else {
            out.push_back('%');
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 0xF]);
        }
    }
}

ApiResult<Enrollment> ApiClient::expect_enrollment(ApiResult<HttpResponse> result,
                                                   const SecretString* known_id) {
    if (!result.ok()) return result.failure();
    HttpResponse& response = result.value();
    if (!is_success(response.status)) return failure_from(response, lang_);
    if (response.content_type != "application/json")
        return network_failure(FailureKind::response_invalid, lang_, "enrollment is not application/json");
    json::error_code ec;
    json::value v = json::parse(response.body, ec);
    // The body holds the enrollment id: wipe our copy of it now that it is parsed.
    OPENSSL_cleanse(response.body.data(), response.body.size());
    if (ec || !v.is_object())
        return network_failure(FailureKind::response_invalid, lang_, "enrollment is not a JSON object");
    const json::object& o = v.as_object();
    Enrollment e;
    const std::string id = string_member(o, "enrollment_id");
    if (!id.empty()) {
        if (id.size() > kMaxEnrollmentIdLength)
            return network_failure(FailureKind::response_invalid, lang_, "enrollment_id too long");
        e.id = SecretString(id);
    } else if (known_id != nullptr) {
        e.id = SecretString(known_id->view());
    } else {
        return network_failure(FailureKind::response_invalid, lang_, "no enrollment_id");
    }
    e.state = string_member(o, "state");
    if (e.state != "otp_required" && e.state != "csr_required")
        return network_failure(FailureKind::response_invalid, lang_, "unknown enrollment state");
    if (const json::value* kt = o.if_contains("key_types"); kt != nullptr && kt->is_array()) {
        for (const json::value& t : kt->as_array()) {
            if (t.is_string()) e.key_types.emplace_back(t.as_string());
        }
    }
    e.default_key_type = string_member(o, "default_key_type");
    e.expires_at = string_member(o, "expires_at");
    // Wipe the id inside the parsed JSON value too.
    if (json::value* idv = v.as_object().if_contains("enrollment_id"); idv != nullptr && idv->is_string()) {
        json::string& s = idv->as_string();
        OPENSSL_cleanse(s.data(), s.size());
    }
    return e;
}

ApiResult<Enrollment> ApiClient::start_enrollment(std::string_view contract_id,
                                                  const std::optional<std::string>& user_id,
                                                  const SecretString& pin) {
    WipedRequest req;
    req.request.path = "/api/v1/enrollments";
    req.request.content_type = "application/json";
    req.request.accept = "application/json, application/problem+json";
    std::string& body = req.request.body;
    body.reserve(64 + contract_id.size() * 6 + (user_id ? user_id->size() * 6 : 0) + pin.size() * 6);
    body += "{\"contract_id\":";
    append_json_string(body, contract_id);
    if (user_id) {
        body += ",\"user_id\":";
        append_json_string(body, *user_id);
    }
    body += ",\"pin\":";
    append_json_string(body, pin.view());
    body += "}";
    return expect_enrollment(transport_.post(req.request), nullptr);
}

ApiResult<Enrollment> ApiClient::send_otp(const SecretString& enrollment_id, const SecretString& otp) {
    WipedRequest req;
    std::string& path = req.request.path;
    path.reserve(64 + enrollment_id.size() * 3);
    path += "/api/v1/enrollments/";
    append_path_segment(path, enrollment_id.view());
    path += "/otp";
    req.request.content_type = "application/json";
    req.request.accept = "application/json, application/problem+json";
    std::string& body = req.request.body;
    body.reserve(16 + otp.size() * 6);
    body += "{\"otp\":";
    append_json_string(body, otp.view());
    body += "}";
    return expect_enrollment(transport_.post(req.request), &enrollment_id);
}

ApiResult<std::string> ApiClient::send_csr(const SecretString& enrollment_id, const std::string& csr_pem) {
    WipedRequest req;
    std::string& path = req.request.path;
    path.reserve(64 + enrollment_id.size() * 3);
    path += "/api/v1/enrollments/";
    append_path_segment(path, enrollment_id.view());
    path += "/csr";
    req.request.content_type = "application/pkcs10";
    req.request.accept = "application/pem-certificate-chain, application/problem+json";
    req.request.body = csr_pem;
    ApiResult<HttpResponse> result = transport_.post(req.request);
    if (!result.ok()) return result.failure();
    HttpResponse& response = result.value();
    if (!is_success(response.status)) return failure_from(response, lang_);
    if (response.content_type != "application/pem-certificate-chain")
        return network_failure(FailureKind::response_invalid, lang_,
                               "certificate chain is " + response.content_type);
    return std::move(response.body);
}

}  // namespace kakuin::client
