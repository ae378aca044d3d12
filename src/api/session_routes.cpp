#include "api/session_routes.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/json_body.h"
#include "api/json_views.h"
#include "api/listener_scope.h"
#include "api/request_context.h"
#include "api/session_gate.h"
#include "service/contract_service.h"
#include "service/renewal_service.h"

namespace kakuin::api {

namespace json = boost::json;
using http::Request;
using http::Response;

namespace {

// What the screens show after login besides who is logged in: the company of an active session
// (契約法人ステータス) and the renewal reminder of the login certificate (R22, R23):
// {"code":"certificate_renewal_due","days_left","message"}. A session still in the OTP step
// learns nothing about the contract.
json::object session_answer(ApiServices& s, const service::SessionInfo& info) {
    json::object o = session_json(info);
    if (info.active()) {
        // authenticate() and submit_otp() pass the contract they read with the session; the
        // login answer reads it here. A failed read (storage) leaves the company out rather
        // than failing the login.
        std::optional<service::SessionContract> contract = info.contract;
        if (!contract) {
            service::ContractService contracts(s.context.store, s.context.clock, s.context.policy);
            if (auto found = contracts.find_contract(info.person.contract_id))
                contract = service::SessionContract{found->name_kanji, found->name_kana,
                                                    found->transactions_stopped};
        }
        if (contract) {
            json::object c;
            c["name"] = contract->name_kanji;
            c["name_kana"] = contract->name_kana;
            c["transactions_stopped"] = contract->transactions_stopped;
            o["contract"] = std::move(c);
        }
    }
    json::array notices;
    if (info.via_certificate && info.certificate_not_after) {
        const TimePoint now = s.context.clock.now();
        // The login certificate's renewal window (R22): what 電子証明書更新のお知らせ shows.
        const service::RenewalWindow w =
            service::renewal_window(*info.certificate_not_after, s.context.policy.certificate, now);
        if (auto* c = o.if_contains("certificate"); c && c->is_object()) {
            json::object& cert = c->as_object();
            cert["renewal_open"] = w.open;
            cert["renewal_opens_at"] = format_iso8601(w.opens_at);
            cert["days_left"] = w.days_left;
        }
        const auto left = w.days_left;
        if (left >= 0 && left < s.context.policy.certificate.renewal_window_days) {
            json::object n;
            n["code"] = "certificate_renewal_due";
            n["days_left"] = left;
            n["message"] = "電子証明書の有効期限（" + format_jst_ja(*info.certificate_not_after) +
                           "）が近づいています。電子証明書を更新してください。";
            notices.push_back(std::move(n));
        }
    }
    o["notices"] = std::move(notices);
    return o;
}

Result<Role> parse_role(const json::object& o) {
    KAKUIN_TRY(auto name, required_string(o, "role", 16));
    if (name == "admin") return Role::admin;
    if (name == "user") return Role::user;
    return field_error("role", "admin or user");
}

Response login(ApiServices& s, const Request& request) {
    const bool on_mtls = request.listener == kMtlsListener;
    auto body = parse_json_object(request, {"role", "contract_id", "user_id", "pin"});
    if (!body) return problem(body.error(), request);
    auto role = parse_role(*body);
    if (!role) return problem(role.error(), request);
    auto pin = required_string(*body, "pin", 64);
    if (!pin) return problem(pin.error(), request);
    const std::string source = source_address(request).value_or("");

    Result<service::NewSession> session = make_error(ErrorCode::internal_error);
    if (on_mtls) {
        // The identity is the certificate's; naming one in the body is a client error.
        if (body->contains("contract_id") || body->contains("user_id"))
            return problem(
                make_error(ErrorCode::invalid_request, "certificate login takes role and pin only",
                           "電子証明書方式のログインでは契約法人IDと利用者IDは指定できません。"),
                request);
        auto cert = client_certificate(request);
        if (!cert) return problem(make_error(ErrorCode::certificate_required), request);
        session = s.sessions.login_with_certificate(
            service::CertificateLogin{*role, *cert, std::move(*pin), source});
    } else {
        auto contract_id = optional_string(*body, "contract_id", 32);
        if (!contract_id) return problem(contract_id.error(), request);
        if (!*contract_id)
            // {role, pin} is the certificate login's body: it needs the certificate listener.
            return problem(make_error(ErrorCode::certificate_required,
                                      "certificate login is on the certificate listener",
                                      "電子証明書が提示されていません。電子証明書方式のログイン画面"
                                      "からログインしてください。"),
                           request);
        auto user_id = optional_string(*body, "user_id", 32);
        if (!user_id) return problem(user_id.error(), request);
        if (*role == Role::user && !*user_id)
            return problem(make_error(ErrorCode::invalid_request, "user_id is required",
                                      "「user_id」を入力してください。"),
                           request);
        if (*role == Role::admin && *user_id)
            return problem(field_error("user_id", "not for role admin"), request);
        session = s.sessions.login_with_pin(service::PinLogin{
            *role, std::move(**contract_id), user_id->value_or(""), std::move(*pin), source});
    }
    if (!session) return problem(session.error(), request);
    Response r = json_response(session_answer(s, session->info), 201);
    set_session_cookie(r, session->token);
    return r;
}

Response submit_otp(ApiServices& s, const Request& request) {
    auto pending = authenticate(s, request, Access::otp_step);
    if (!pending) return problem(pending.error(), request);
    auto body = parse_json_object(request, {"otp"});
    if (!body) return problem(body.error(), request);
    auto otp = required_string(*body, "otp", 16);
    if (!otp) return problem(otp.error(), request);
    auto session =
        s.sessions.submit_otp(session_token(request), *otp, source_address(request).value_or(""));
    if (!session) return problem(session.error(), request);
    return json_response(session_answer(s, *session));
}

Response current(ApiServices& s, const Request& request) {
    // The screens ask who is logged in also during the OTP step.
    const std::string token = session_token(request);
    if (token.empty()) return problem(make_error(ErrorCode::session_expired), request);
    auto session = s.sessions.authenticate(token, client_certificate(request), true);
    if (!session) return problem(session.error(), request);
    if (session->via_certificate != (request.listener == kMtlsListener))
        return problem(make_error(ErrorCode::session_expired), request);
    return json_response(session_answer(s, *session));
}

Response logoff(ApiServices& s, const Request& request) {
    auto session = authenticate(s, request, Access::any_state_write);
    if (!session) return problem(session.error(), request);
    auto done = s.sessions.logout(session_token(request), source_address(request).value_or(""));
    if (!done) return problem(done.error(), request);
    Response r = Response::no_content();
    clear_session_cookie(r);
    return r;
}

}  // namespace

void add_session_routes(http::Router& router, ApiServices& s) {
    const auto api = {kHttpsListener, kMtlsListener};
    const http::RouteOptions body{kMaxJsonBodyBytes};
    auto bind = [&s](Response (*f)(ApiServices&, const Request&)) {
        return [&s, f](const Request& r) { return f(s, r); };
    };
    router.post("/api/v1/sessions", only_on(api, bind(login)), body);
    router.post("/api/v1/sessions/current/otp", only_on(api, bind(submit_otp)), body);
    router.get("/api/v1/sessions/current", only_on(api, bind(current)));
    router.del("/api/v1/sessions/current", only_on(api, bind(logoff)));
}

}  // namespace kakuin::api
