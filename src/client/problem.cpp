#include "client/problem.h"

#include <boost/json.hpp>

#include <array>

namespace kakuin::client {
namespace {

namespace json = boost::json;

const char* pick(Lang lang, const char* ja, const char* en) { return lang == Lang::ja ? ja : en; }

std::string our_text_for(std::string_view code, Lang lang) {
    ErrorCode ec;
    if (error_code_from_name(code, ec))
        return std::string(lang == Lang::ja ? error_message_ja(ec) : error_message_en(ec));
    return {};
}

std::string string_member(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    if (v == nullptr || !v->is_string()) return {};
    return std::string(v->as_string());
}

}  // namespace

Failure parse_problem(std::string_view body, int http_status, Lang lang) {
    Failure f;
    f.kind = FailureKind::server_problem;
    f.http_status = http_status;
    json::error_code ec;
    json::value v = json::parse(json::string_view(body.data(), body.size()), ec);
    if (ec || !v.is_object()) {
        Failure bad = network_failure(FailureKind::response_invalid, lang,
                                      "HTTP " + std::to_string(http_status) + " without problem+json");
        bad.http_status = http_status;
        return bad;
    }
    const json::object& o = v.as_object();
    f.code = string_member(o, "code");
    if (f.code.empty()) {
        Failure bad = network_failure(FailureKind::response_invalid, lang,
                                      "HTTP " + std::to_string(http_status) + " problem without code");
        bad.http_status = http_status;
        return bad;
    }
    f.message = string_member(o, "detail");
    if (f.message.empty()) f.message = our_text_for(f.code, lang);
    if (f.message.empty()) f.message = string_member(o, "title");
    if (f.message.empty())
        f.message = pick(lang, "サーバーでエラーが発生しました。", "The server reported an error.");
    return f;
}

Failure network_failure(FailureKind kind, Lang lang, std::string technical) {
    Failure f;
    f.kind = kind;
    f.technical = std::move(technical);
    switch (kind) {
        case FailureKind::server_unreachable:
            f.code = "server_unreachable";
            f.message = pick(lang,
                             "サーバーに接続できません。--server のURLとネットワークの接続をご確認ください。",
                             "Cannot connect to the server. Check the --server URL and the network.");
            break;
        case FailureKind::server_untrusted:
            f.code = "server_untrusted";
            f.message = pick(lang,
                             "サーバーの証明書を --ca-file のCA証明書で検証できません。接続先が正しいか、CA証明書ファイルが正しいかご確認ください。",
                             "The server's certificate does not verify against --ca-file. Check the server "
                             "address and the CA file.");
            break;
        case FailureKind::tls_failed:
            f.code = "tls_failed";
            f.message = pick(lang,
                             "サーバーとの暗号化通信（TLS）を確立できません。--server のURL（ポート番号）をご確認ください。",
                             "Cannot establish TLS with the server. Check the --server URL and port.");
            break;
        case FailureKind::timeout:
            f.code = "timeout";
            f.message = pick(lang,
                             "サーバーからの応答がありません（タイムアウト）。しばらくしてから再度お試しください。",
                             "The server did not answer in time. Try again later.");
            break;
        case FailureKind::response_invalid:
            f.code = "response_invalid";
            f.message = pick(lang, "サーバーからの応答が正しくありません。",
                             "The server's answer is not valid.");
            break;
        default:
            f.code = "internal_error";
            f.message = pick(lang, "エラーが発生しました。", "An error occurred.");
            break;
    }
    return f;
}

Failure local_failure(const Error& error, Lang lang) {
    Failure f;
    f.kind = FailureKind::local;
    f.code = std::string(error_code_name(error.code));
    if (lang == Lang::ja) {
        f.message = error.detail_ja.empty() ? std::string(error_message_ja(error.code)) : error.detail_ja;
    } else {
        f.message = std::string(error_message_en(error.code));
    }
    f.technical = error.detail;
    return f;
}

Failure usage_failure(std::string message) {
    Failure f;
    f.kind = FailureKind::usage;
    f.code = "usage";
    f.message = std::move(message);
    return f;
}

int exit_code_for_code(std::string_view code) {
    static constexpr std::array<std::string_view, 7> kAuthentication = {
        "pin_incorrect", "otp_incorrect", "otp_reused", "locked",
        "confirmation_pin_incorrect", "certificate_login_only", "contract_suspended"};
    static constexpr std::array<std::string_view, 12> kAcquisition = {
        "acquisition_not_registered", "acquisition_deadline_passed", "acquisition_already_used",
        "certificate_state_invalid", "not_in_renewal_window", "not_found", "session_expired",
        "conflict", "certificate_expired", "certificate_not_current", "certificate_revoked",
        "certificate_wrong_role"};
    static constexpr std::array<std::string_view, 6> kCsr = {
        "csr_invalid", "csr_signature_invalid", "csr_trailing_data", "csr_too_large",
        "key_too_weak", "key_not_allowed"};
    static constexpr std::array<std::string_view, 5> kNetwork = {
        "server_unreachable", "server_untrusted", "tls_failed", "timeout", "response_invalid"};
    for (auto c : kAuthentication)
        if (c == code) return kExitAuthentication;
    for (auto c : kAcquisition)
        if (c == code) return kExitAcquisitionState;
    for (auto c : kCsr)
        if (c == code) return kExitCsrOrKey;
    for (auto c : kNetwork)
        if (c == code) return kExitNetwork;
    if (code == "usage") return kExitUsage;
    return kExitOther;
}

int exit_code_for(const Failure& f) {
    switch (f.kind) {
        case FailureKind::usage: return kExitUsage;
        case FailureKind::server_unreachable:
        case FailureKind::server_untrusted:
        case FailureKind::tls_failed:
        case FailureKind::timeout:
        case FailureKind::response_invalid: return kExitNetwork;
        case FailureKind::server_problem: return exit_code_for_code(f.code);
        case FailureKind::local:
            // Local failures are this PC's problem (files, NSS, OpenSSL), never the
            // server's verdict on the person: only a few have their own class.
            return f.code == "invalid_request" ? kExitOther : exit_code_for_code(f.code);
    }
    return kExitOther;
}

std::string describe(const Failure& f, Lang lang) {
    std::string out = pick(lang, "エラー: ", "Error: ");
    out += f.message;
    out += " (";
    out += f.code;
    out += ")";
    return out;
}

}  // namespace kakuin::client
