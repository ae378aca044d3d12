#include "api/bank_routes.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <memory>

#include "api/json_body.h"
#include "api/json_views.h"
#include "api/listener_scope.h"
#include "api/request_context.h"
#include "api/session_cookie.h"
#include "auth/session_token.h"
#include "http/cookies.h"
#include "http/static_files.h"
#include "service/admin_support.h"

namespace kakuin::api {

namespace json = boost::json;
using http::Request;
using http::Response;
using service::BankService;
using service::ChangeKind;
using service::ChangePayload;
using service::ChangeRequest;
using service::StaffSessionInfo;

namespace {

constexpr std::size_t kMaxTokenBytes = 256;
constexpr int kDefaultSearchLimit = 50;

// problem+json with the back office's extra members: message_ja, message_en and, for
// invalid_request, the offending field (from field_error's detail, else `field_hint`).
Response bank_problem(const Error& e, const Request& request, std::string_view field_hint = {}) {
    Response r = problem(e, request);
    boost::system::error_code ec;
    json::value v = json::parse(r.body, ec);
    if (ec || !v.is_object()) return r;
    json::object& o = v.as_object();
    o["message_ja"] = e.detail_ja.empty() ? std::string(error_message_ja(e.code)) : e.detail_ja;
    o["message_en"] = std::string(error_message_en(e.code));
    if (e.code == ErrorCode::invalid_request) {
        std::string field(field_hint);
        const auto q = e.detail.find("field \"");
        if (q != std::string::npos) {
            const auto start = q + 7;
            const auto end = e.detail.find('"', start);
            if (end != std::string::npos) field = e.detail.substr(start, end - start);
        }
        if (!field.empty()) o["field"] = field;
    }
    r.body = json::serialize(o);
    return r;
}

std::string bank_token(const Request& request) {
    auto token = http::cookie(request, kBankSessionCookie);
    if (!token || token->size() > kMaxTokenBytes) return {};
    return *token;
}

void set_bank_cookie(Response& r, std::string_view token) {
    http::CookieOptions o;
    o.path = "/bank";
    const std::string v = http::set_cookie_value(kBankSessionCookie, token, o);
    if (!v.empty()) r.headers.add("Set-Cookie", v);
}

void clear_bank_cookie(Response& r) {
    http::CookieOptions o;
    o.path = "/bank";
    o.max_age = std::chrono::seconds(0);
    r.headers.add("Set-Cookie", http::set_cookie_value(kBankSessionCookie, "", o));
}

enum class StaffAccess { read, write, otp_step, any_state_write };

// The caller's staff session; writes also need the X-CSRF-Token of the session.
Result<StaffSessionInfo> staff_session(BankApiServices& s, const Request& request, StaffAccess a) {
    const std::string token = bank_token(request);
    if (token.empty()) return make_error(ErrorCode::session_expired);
    const bool otp_ok = a == StaffAccess::otp_step || a == StaffAccess::any_state_write;
    KAKUIN_TRY(StaffSessionInfo info, s.staff.authenticate(token, otp_ok));
    if (a != StaffAccess::read) {
        KAKUIN_TRY_STATUS(
            auth::check_csrf_token(info.csrf_token, request.header(kCsrfHeader).value_or("")));
    }
    if (a == StaffAccess::otp_step && info.active())
        return make_error(ErrorCode::forbidden, "the session is already active");
    return info;
}

json::object staff_json(const service::StaffIdentity& s) {
    json::object o;
    o["staff_id"] = s.staff_id;
    o["name"] = s.name;
    o["role"] = store::staff_role_name(s.role);
    return o;
}

json::object session_answer(const StaffSessionInfo& info) {
    json::object o;
    o["staff"] = staff_json(info.staff);
    o["phase"] = info.active() ? "active" : "otp_required";
    o["csrf_token"] = info.csrf_token;
    return o;
}

json::object limits_json(const ContractLimits& l) {
    json::object o;
    for (std::size_t i = 0; i < kBusinessServiceCount; ++i) {
        const ContractLimit& v = l.services[i];
        if (v.per_transaction == 0 && v.per_day == 0) continue;
        json::object e;
        e["per_transaction"] = v.per_transaction;
        e["per_day"] = v.per_day;
        o[business_service_name(static_cast<BusinessService>(i))] = std::move(e);
    }
    return o;
}

json::object contract_json(const Contract& c) {
    json::object o;
    o["contract_id"] = c.contract_id;
    o["name"] = c.name_kanji;
    o["name_kana"] = c.name_kana;
    o["login_method"] = login_method_name(c.login_method);
    o["suspended"] = c.suspended;
    o["transactions_stopped"] = c.transactions_stopped;
    o["created_at"] = format_iso8601(c.created_at);
    return o;
}

json::object payload_json(const ChangePayload& p) {
    json::object o;
    if (p.name) o["name"] = *p.name;
    if (p.name_kana) o["name_kana"] = *p.name_kana;
    if (p.login_method) o["login_method"] = login_method_name(*p.login_method);
    if (p.upper_limits) o["upper_limits"] = limits_json(*p.upper_limits);
    if (p.admin_contact_email) o["admin_contact_email"] = *p.admin_contact_email;
    return o;
}

json::object request_json(const ChangeRequest& r) {
    const store::ChangeRequestRecord& c = r.record;
    json::object o;
    o["id"] = c.id;
    o["kind"] = c.kind;
    o["contract_id"] = c.contract_id;
    o["request_number"] = c.request_number.empty() ? json::value(nullptr) : json::value(c.request_number);
    o["payload"] = payload_json(r.payload);
    o["state"] = store::change_request_state_name(c.state);
    o["requested_by"] = c.requested_by;
    o["requested_at"] = format_iso8601(c.requested_at);
    o["decided_by"] = c.decided_by ? json::value(*c.decided_by) : json::value(nullptr);
    o["decided_at"] = time_or_null(c.decided_at);
    o["reason"] = c.reason.empty() ? json::value(nullptr) : json::value(c.reason);
    return o;
}

json::object slot_json(const CertificateSlot& slot) {
    json::object o;
    o["issue_number"] = format_issue_number(slot.issue_number);
    o["acquisition_deadline"] = time_or_null(slot.acquisition_deadline);
    return o;
}

json::object result_json(const service::ApprovalResult& a) {
    json::object o;
    if (a.created) {
        const service::ContractCreated& c = *a.created;
        o["contract_id"] = c.contract.contract_id;
        o["login_method"] = login_method_name(c.contract.login_method);
        o["admin_login_pin"] = c.admin_login_pin;
        o["admin_confirmation_pin"] = c.admin_confirmation_pin;
        o["admin_totp_secret_base32"] = c.admin_totp_secret_base32;
        o["admin_otpauth_uri"] = c.admin_otpauth_uri;
        if (c.admin_certificate) o["admin_certificate"] = slot_json(*c.admin_certificate);
    }
    if (a.pins) {
        o["admin_login_pin"] = a.pins->login_pin;
        o["admin_confirmation_pin"] = a.pins->confirmation_pin;
    }
    if (a.admin_certificate) o["admin_certificate"] = slot_json(*a.admin_certificate);
    return o;
}

// ---- Parsing request bodies. ----

Result<std::int64_t> yen(const json::value& v, std::string_view field) {
    if (!v.is_int64() || v.get_int64() < 0) return field_error(field, "a non-negative integer");
    return v.get_int64();
}

Result<ContractLimits> parse_limits(const json::value& v) {
    if (!v.is_object()) return field_error("payload.upper_limits", "an object");
    ContractLimits l;
    for (const auto& [key, value] : v.as_object()) {
        const std::string field = "payload.upper_limits." + std::string(key);
        auto service = business_service_from_name(key);
        if (!service || !value.is_object()) return field_error(field, "a known service with limits");
        const json::object& e = value.as_object();
        for (const auto& [k, unused] : e) {
            (void)unused;
            if (k != "per_transaction" && k != "per_day") return field_error(field, "unknown member");
        }
        const json::value* tx = e.if_contains("per_transaction");
        const json::value* day = e.if_contains("per_day");
        if (!tx || !day) return field_error(field, "per_transaction and per_day");
        KAKUIN_TRY(std::int64_t t, yen(*tx, field + ".per_transaction"));
        KAKUIN_TRY(std::int64_t d, yen(*day, field + ".per_day"));
        l[*service] = ContractLimit{t, d};
    }
    if (Status ok = check_contract_limits(l); !ok.ok()) {
        Error e = ok.error();
        e.detail = "field \"payload.upper_limits\": " + e.detail;
        return e;
    }
    return l;
}

// Field-wise checks so that an error names its field.
Status check_payload_fields(const ChangePayload& p) {
    auto named = [](Status s, std::string_view field) -> Status {
        if (s.ok()) return s;
        Error e = s.error();
        e.detail = "field \"" + std::string(field) + "\": " + e.detail;
        return e;
    };
    if (p.name) KAKUIN_TRY_STATUS(named(service::check_name_text(*p.name, "契約法人名", true), "payload.name"));
    if (p.name_kana)
        KAKUIN_TRY_STATUS(named(service::check_name_kana(*p.name_kana, "契約法人名（カナ）"),
                                "payload.name_kana"));
    if (p.admin_contact_email && !p.admin_contact_email->empty())
        KAKUIN_TRY_STATUS(named(service::check_email(*p.admin_contact_email),
                                "payload.admin_contact_email"));
    return {};
}

Result<ChangePayload> parse_payload(const json::value* v, ChangeKind kind,
                                    const std::string& contract_id) {
    ChangePayload p;
    if (!v) return p;
    if (!v->is_object()) return field_error("payload", "an object");
    const json::object& o = v->as_object();
    if (kind != ChangeKind::contract_create && kind != ChangeKind::contract_change && !o.empty())
        return field_error("payload", "this kind takes no payload");
    for (const auto& [key, value] : o) {
        const std::string field = "payload." + std::string(key);
        if (key == "contract_id" && kind == ChangeKind::contract_create) {
            if (!value.is_string() || value.as_string() != contract_id)
                return field_error(field, "must equal contract_id");
        } else if (key == "name" || key == "name_kana" || key == "admin_contact_email") {
            if (!value.is_string() || value.as_string().size() > 256)
                return field_error(field, "a string");
            std::string s(value.as_string());
            if (key == "name") p.name = s;
            else if (key == "name_kana") p.name_kana = s;
            else p.admin_contact_email = s;
        } else if (key == "login_method") {
            LoginMethod m;
            if (!value.is_string() || !login_method_from_name(value.as_string(), m))
                return field_error(field, "id_pin or certificate");
            p.login_method = m;
        } else if (key == "upper_limits") {
            KAKUIN_TRY(p.upper_limits, parse_limits(value));
        } else {
            return field_error(field, "unknown member");
        }
    }
    if (kind == ChangeKind::contract_create) {
        if (!p.name) return field_error("payload.name", "required");
        if (!p.name_kana) return field_error("payload.name_kana", "required");
    }
    if (kind == ChangeKind::contract_change && p.empty())
        return field_error("payload", "nothing to change");
    KAKUIN_TRY_STATUS(check_payload_fields(p));
    return p;
}

Result<std::int64_t> request_id(const Request& request) {
    const std::string_view s = request.path_param("id");
    std::int64_t id = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
    if (ec != std::errc() || p != s.data() + s.size() || id <= 0 || s.size() > 18)
        return make_error(ErrorCode::not_found);
    return id;
}

// ---- Handlers. ----

Response login(BankApiServices& s, const Request& request) {
    auto body = parse_json_object(request, {"staff_id", "pin"});
    if (!body) return bank_problem(body.error(), request);
    auto staff_id = required_string(*body, "staff_id", 16);
    if (!staff_id) return bank_problem(staff_id.error(), request);
    if (Status ok = service::check_staff_id(*staff_id); !ok.ok())
        return bank_problem(ok.error(), request, "staff_id");
    auto pin = required_string(*body, "pin", 64);
    if (!pin) return bank_problem(pin.error(), request);
    auto session = s.staff.login(*staff_id, *pin, source_address(request).value_or(""));
    if (!session) return bank_problem(session.error(), request, "pin");
    Response r = json_response(session_answer(session->info), 201);
    set_bank_cookie(r, session->token);
    return r;
}

Response submit_otp(BankApiServices& s, const Request& request) {
    auto pending = staff_session(s, request, StaffAccess::otp_step);
    if (!pending) return bank_problem(pending.error(), request);
    auto body = parse_json_object(request, {"otp"});
    if (!body) return bank_problem(body.error(), request);
    auto otp = required_string(*body, "otp", 16);
    if (!otp) return bank_problem(otp.error(), request);
    auto info = s.staff.submit_otp(bank_token(request), *otp, source_address(request).value_or(""));
    if (!info) return bank_problem(info.error(), request, "otp");
    return json_response(session_answer(*info));
}

Response current(BankApiServices& s, const Request& request) {
    auto info = staff_session(s, request, StaffAccess::read);
    if (!info && info.error().code == ErrorCode::forbidden) {
        // The screens ask who is logged in during the OTP step too.
        info = s.staff.authenticate(bank_token(request), true);
    }
    if (!info) return bank_problem(info.error(), request);
    return json_response(session_answer(*info));
}

Response logoff(BankApiServices& s, const Request& request) {
    auto info = staff_session(s, request, StaffAccess::any_state_write);
    if (!info) return bank_problem(info.error(), request);
    auto done = s.staff.logout(bank_token(request), source_address(request).value_or(""));
    if (!done) return bank_problem(done.error(), request);
    Response r = Response::no_content();
    clear_bank_cookie(r);
    return r;
}

Response search(BankApiServices& s, const Request& request) {
    auto info = staff_session(s, request, StaffAccess::read);
    if (!info) return bank_problem(info.error(), request);
    const std::string q(request.query_param("q").value_or(""));
    int limit = kDefaultSearchLimit;
    if (auto l = request.query_param("limit")) {
        auto [p, ec] = std::from_chars(l->data(), l->data() + l->size(), limit);
        if (ec != std::errc() || p != l->data() + l->size() || limit < 1 || limit > 500)
            return bank_problem(field_error("limit", "1-500"), request);
    }
    auto found = s.bank.search_contracts(q, limit);
    if (!found) return bank_problem(found.error(), request, "q");
    json::array a;
    for (const Contract& c : *found) a.push_back(contract_json(c));
    json::object o;
    o["contracts"] = std::move(a);
    return json_response(o);
}

Response view(BankApiServices& s, const Request& request) {
    auto info = staff_session(s, request, StaffAccess::read);
    if (!info) return bank_problem(info.error(), request);
    const std::string id(request.path_param("contract_id"));
    auto v = s.bank.view_contract(id);
    if (!v) {
        if (v.error().code == ErrorCode::invalid_request)
            return bank_problem(make_error(ErrorCode::not_found), request);
        return bank_problem(v.error(), request);
    }
    store::ChangeRequestQuery q;
    q.state = store::ChangeRequestState::pending;
    q.contract_id = id;
    auto pending = s.requests.list(q);
    if (!pending) return bank_problem(pending.error(), request);
    json::object contract = contract_json(v->contract);
    contract["upper_limits"] = limits_json(v->upper_limits);
    json::object admin;
    admin["locked"] = v->admin_locked;
    admin["failure_count"] = v->admin_failure_count;
    admin["contact_email"] = v->admin_contact_email ? json::value(*v->admin_contact_email)
                                                    : json::value(nullptr);
    admin["last_login_at"] = time_or_null(v->admin_last_login_at);
    admin["certificate"] = certificate_json(v->admin_certificate);
    json::array reqs;
    for (const ChangeRequest& r : *pending) reqs.push_back(request_json(r));
    json::object o;
    o["contract"] = std::move(contract);
    o["admin"] = std::move(admin);
    o["users"] = v->users;
    o["pending_requests"] = std::move(reqs);
    return json_response(o);
}

Response create_request(BankApiServices& s, const Request& request) {
    auto info = staff_session(s, request, StaffAccess::write);
    if (!info) return bank_problem(info.error(), request);
    auto body = parse_json_object(request, {"kind", "contract_id", "request_number", "payload"});
    if (!body) return bank_problem(body.error(), request);
    auto kind_name = required_string(*body, "kind", 40);
    if (!kind_name) return bank_problem(kind_name.error(), request);
    service::ChangeRequestInput in;
    if (!service::change_kind_from_name(*kind_name, in.kind))
        return bank_problem(field_error("kind", "unknown kind"), request);
    auto contract_id = required_string(*body, "contract_id", 32);
    if (!contract_id) return bank_problem(contract_id.error(), request);
    if (Status ok = service::check_contract_id_format(*contract_id); !ok.ok())
        return bank_problem(ok.error(), request, "contract_id");
    in.contract_id = *contract_id;
    auto number = optional_string(*body, "request_number", 64);
    if (!number) return bank_problem(number.error(), request);
    in.request_number = number->value_or("");
    if (in.kind == ChangeKind::admin_certificate_reissue || !in.request_number.empty()) {
        if (Status ok = service::check_request_number(in.request_number); !ok.ok())
            return bank_problem(ok.error(), request, "request_number");
    }
    auto payload = parse_payload(body->if_contains("payload"), in.kind, in.contract_id);
    if (!payload) return bank_problem(payload.error(), request, "payload");
    in.payload = std::move(*payload);
    auto created = s.requests.request(info->staff, in, source_address(request).value_or(""));
    if (!created) return bank_problem(created.error(), request, "payload");
    return json_response(request_json(*created), 201);
}

Response list_requests(BankApiServices& s, const Request& request) {
    auto info = staff_session(s, request, StaffAccess::read);
    if (!info) return bank_problem(info.error(), request);
    store::ChangeRequestQuery q;
    if (auto state = request.query_param("state"); state && !state->empty()) {
        store::ChangeRequestState st;
        if (!store::change_request_state_from_name(*state, st))
            return bank_problem(field_error("state", "pending, applied, rejected or failed"), request);
        q.state = st;
    }
    if (auto c = request.query_param("contract_id"); c && !c->empty()) {
        if (!is_valid_contract_id(std::string(*c)))
            return bank_problem(field_error("contract_id", "11 digits"), request);
        q.contract_id = std::string(*c);
    }
    auto list = s.requests.list(q);
    if (!list) return bank_problem(list.error(), request);
    json::array a;
    for (const ChangeRequest& r : *list) a.push_back(request_json(r));
    json::object o;
    o["requests"] = std::move(a);
    return json_response(o);
}

Response get_request(BankApiServices& s, const Request& request) {
    auto info = staff_session(s, request, StaffAccess::read);
    if (!info) return bank_problem(info.error(), request);
    auto id = request_id(request);
    if (!id) return bank_problem(id.error(), request);
    auto r = s.requests.get(*id);
    if (!r) return bank_problem(r.error(), request);
    return json_response(request_json(*r));
}

Response approve(BankApiServices& s, const Request& request) {
    auto info = staff_session(s, request, StaffAccess::write);
    if (!info) return bank_problem(info.error(), request);
    auto id = request_id(request);
    if (!id) return bank_problem(id.error(), request);
    if (!request.body.empty()) {
        auto body = parse_json_object(request, {});
        if (!body) return bank_problem(body.error(), request);
    }
    auto done = s.requests.approve(info->staff, *id, source_address(request).value_or(""));
    if (!done) return bank_problem(done.error(), request);
    json::object o;
    o["request"] = request_json(done->request);
    o["result"] = result_json(*done);
    return json_response(o);
}

Response reject(BankApiServices& s, const Request& request) {
    auto info = staff_session(s, request, StaffAccess::write);
    if (!info) return bank_problem(info.error(), request);
    auto id = request_id(request);
    if (!id) return bank_problem(id.error(), request);
    std::string reason;
    if (!request.body.empty()) {
        auto body = parse_json_object(request, {"reason"});
        if (!body) return bank_problem(body.error(), request);
        auto r = optional_string(*body, "reason", 200);
        if (!r) return bank_problem(r.error(), request);
        reason = r->value_or("");
    }
    auto done = s.requests.reject(info->staff, *id, reason, source_address(request).value_or(""));
    if (!done) return bank_problem(done.error(), request, "reason");
    return json_response(request_json(*done));
}

}  // namespace

void add_bank_routes(http::Router& router, BankApiServices& s,
                     const std::optional<std::filesystem::path>& web_root) {
    const auto bank = {kBankListener};
    const http::RouteOptions body{kMaxJsonBodyBytes};
    auto on = [&](auto fn) {
        return only_on(bank, [&s, fn](const Request& r) { return fn(s, r); });
    };
    router.post("/bank/api/v1/sessions", on(login), body);
    router.post("/bank/api/v1/sessions/current/otp", on(submit_otp), body);
    router.get("/bank/api/v1/sessions/current", on(current));
    router.del("/bank/api/v1/sessions/current", on(logoff));
    router.get("/bank/api/v1/contracts", on(search));
    router.get("/bank/api/v1/contracts/{contract_id}", on(view));
    router.post("/bank/api/v1/requests", on(create_request), body);
    router.get("/bank/api/v1/requests", on(list_requests));
    router.get("/bank/api/v1/requests/{id}", on(get_request));
    router.post("/bank/api/v1/requests/{id}/approve", on(approve), body);
    router.post("/bank/api/v1/requests/{id}/reject", on(reject), body);

    if (!web_root) return;
    auto files = std::make_shared<http::StaticFiles>(*web_root);
    auto serve = [files](const Request& request, std::string_view rel) {
        Response r = files->serve(request, rel);
        if (r.content_type.rfind("text/html", 0) == 0) r.headers.set("Cache-Control", "no-store");
        return r;
    };
    auto entry = [serve](const Request& r) { return serve(r, "bank.html"); };
    router.get("/bank", only_on(bank, entry));
    router.get("/bank/", only_on(bank, entry));
    router.get("/bank/{path...}", only_on(bank, [serve](const Request& r) {
        const std::string_view rel = r.path_param("path");
        return serve(r, rel.empty() ? std::string_view("bank.html") : rel);
    }));
}

}  // namespace kakuin::api
