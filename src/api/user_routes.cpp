#include "api/user_routes.h"

#include <boost/json/array.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "api/json_body.h"
#include "api/json_views.h"
#include "api/listener_scope.h"
#include "api/request_context.h"
#include "api/session_gate.h"

namespace kakuin::api {

namespace json = boost::json;
using http::Request;
using http::Response;

namespace {

constexpr std::size_t kPinMax = 64;

Result<std::optional<Authority>> optional_authority(const json::object& o) {
    KAKUIN_TRY(auto name, optional_string(o, "authority", 32));
    if (!name) return std::optional<Authority>{};
    Authority a;
    if (!authority_from_name(*name, a)) return field_error("authority", "approver or general");
    return std::optional<Authority>{a};
}

Result<std::optional<Permissions>> optional_permissions(const json::object& o) {
    const json::value* v = o.if_contains("permissions");
    if (!v || v->is_null()) return std::optional<Permissions>{};
    KAKUIN_TRY(auto p, parse_permissions(*v));
    return std::optional<Permissions>{p};
}

// A PIN typed twice: both fields or neither.
Result<std::optional<service::PinReset>> optional_pin_pair(const json::object& o,
                                                           std::string_view field,
                                                           std::string_view again) {
    KAKUIN_TRY(auto pin, optional_string(o, field, kPinMax));
    KAKUIN_TRY(auto pin_again, optional_string(o, again, kPinMax));
    if (!pin && !pin_again) return std::optional<service::PinReset>{};
    if (!pin) return field_error(field, "required with " + std::string(again));
    if (!pin_again) return field_error(again, "required with " + std::string(field));
    return std::optional<service::PinReset>{service::PinReset{*pin, *pin_again}};
}

// The user of the path. "~admin" names the administrator's own account: never a user ID (IDs
// are alphanumeric), it lets the services refuse it with forbidden (the administrator's own
// certificate is reissued by the bank, R24) rather than not_found.
std::string target_user(const Request& request) {
    const std::string_view id = request.path_param("user_id");
    if (id == "~admin") return {};
    return std::string(id);
}

// Runs `body` with the caller's session, or answers the authentication error.
template <typename F>
Response with_session(ApiServices& s, const Request& request, Access access, F&& body) {
    auto session = authenticate(s, request, access);
    if (!session) return problem(session.error(), request);
    return body(*session);
}

Response list_users(ApiServices& s, const Request& request) {
    return with_session(s, request, Access::read, [&](const service::SessionInfo& me) {
        auto users = s.users.list_users(me);
        if (!users) return problem(users.error(), request);
        // The whole document in one arena (about 1.5 KiB of nodes per user), serialized
        // straight from it: no allocation per object or string, no copy of the tree.
        json::monotonic_resource arena(users->size() * 2048 + 1024);
        json::storage_ptr sp(&arena);
        json::array list(sp);
        list.reserve(users->size());
        for (const auto& u : *users) list.push_back(user_summary_json(u, sp));
        json::object o(1, sp);
        o["users"] = std::move(list);
        return Response::json_text(json::serialize(o));
    });
}

Response get_user(ApiServices& s, const Request& request) {
    return with_session(s, request, Access::read, [&](const service::SessionInfo& me) {
        auto user = s.users.get_user(me, target_user(request));
        if (!user) return problem(user.error(), request);
        return json_response(user_detail_json(*user));
    });
}

Result<service::UserInput> parse_user_input(const json::object& o) {
    service::UserInput in;
    KAKUIN_TRY(in.user_id, required_string(o, "user_id", 16));
    KAKUIN_TRY(in.name_kana, required_string(o, "name_kana", 256));
    KAKUIN_TRY(auto kanji, optional_string(o, "name_kanji", 256));
    in.name_kanji = kanji.value_or("");
    KAKUIN_TRY(auto authority, optional_authority(o));
    in.authority = authority.value_or(Authority::general);
    KAKUIN_TRY(in.login_pin, required_string(o, "login_pin", kPinMax));
    KAKUIN_TRY(in.login_pin_again, required_string(o, "login_pin_again", kPinMax));
    KAKUIN_TRY(in.confirmation_pin, required_string(o, "user_confirmation_pin", kPinMax));
    KAKUIN_TRY(in.confirmation_pin_again,
               required_string(o, "user_confirmation_pin_again", kPinMax));
    KAKUIN_TRY(auto permissions, optional_permissions(o));
    if (permissions) in.permissions = *permissions;
    KAKUIN_TRY(in.contact_email, optional_string(o, "contact_email", 254));
    KAKUIN_TRY(auto issue, optional_bool(o, "issue_certificate"));
    in.issue_certificate = issue.value_or(false);
    return in;
}

Response register_user(ApiServices& s, const Request& request) {
    return with_session(s, request, Access::write, [&](const service::SessionInfo& me) {
        auto body = parse_json_object(
            request, {"user_id", "name_kana", "name_kanji", "authority", "login_pin",
                      "login_pin_again", "user_confirmation_pin", "user_confirmation_pin_again",
                      "permissions", "contact_email", "issue_certificate", "confirmation_pin"});
        if (!body) return problem(body.error(), request);
        auto input = parse_user_input(*body);
        if (!input) return problem(input.error(), request);
        auto confirmation = required_string(*body, "confirmation_pin", kPinMax);
        if (!confirmation) return problem(confirmation.error(), request);
        auto user = s.users.register_user(me, *input, *confirmation, source_address(request));
        if (!user) return problem(user.error(), request);
        return json_response(user_detail_json(*user), 201);
    });
}

Result<service::UserChange> parse_user_change(const json::object& o) {
    service::UserChange c;
    KAKUIN_TRY(c.name_kana, optional_string(o, "name_kana", 256));
    if (const json::value* v = o.if_contains("name_kanji");
        v && v->is_string() && v->get_string().empty()) {
        c.name_kanji = std::string();  // clearing the optional kanji name
    } else {
        KAKUIN_TRY(c.name_kanji, optional_string(o, "name_kanji", 256));
    }
    KAKUIN_TRY(c.authority, optional_authority(o));
    KAKUIN_TRY(c.login_pin, optional_pin_pair(o, "login_pin", "login_pin_again"));
    KAKUIN_TRY(c.confirmation_pin,
               optional_pin_pair(o, "user_confirmation_pin", "user_confirmation_pin_again"));
    KAKUIN_TRY(c.accident, optional_bool(o, "accident"));
    KAKUIN_TRY(c.suspended, optional_bool(o, "suspended"));
    KAKUIN_TRY(c.otp_locked, optional_bool(o, "otp_locked"));
    KAKUIN_TRY(c.permissions, optional_permissions(o));
    if (const json::value* v = o.if_contains("contact_email"); v && v->is_null()) {
        c.contact_email = std::optional<std::string>{};  // explicit null clears it
    } else {
        KAKUIN_TRY(auto email, optional_string(o, "contact_email", 254));
        if (email) c.contact_email = std::optional<std::string>{*email};
    }
    return c;
}

bool revokes(service::CertificateHandling h) { return h != service::CertificateHandling::keep; }

Response change_user(ApiServices& s, const Request& request) {
    return with_session(s, request, Access::write, [&](const service::SessionInfo& me) {
        auto body = parse_json_object(
            request,
            {"name_kana", "name_kanji", "authority", "login_pin", "login_pin_again",
             "user_confirmation_pin", "user_confirmation_pin_again", "accident", "suspended",
             "otp_locked", "permissions", "contact_email", "certificate", "confirmation_pin"});
        if (!body) return problem(body.error(), request);
        auto change = parse_user_change(*body);
        if (!change) return problem(change.error(), request);
        auto handling_name = optional_string(*body, "certificate", 16);
        if (!handling_name) return problem(handling_name.error(), request);
        auto handling = service::CertificateHandling::keep;
        if (*handling_name && !service::certificate_handling_from_name(**handling_name, handling))
            return problem(field_error("certificate", "keep, reissue or revoke"), request);
        auto confirmation = required_string(*body, "confirmation_pin", kPinMax);
        if (!confirmation) return problem(confirmation.error(), request);
        auto user = s.users.change_user(me, target_user(request), *change, handling, *confirmation,
                                        source_address(request));
        if (!user) return problem(user.error(), request);
        if (revokes(handling)) s.crl.invalidate();
        return json_response(user_detail_json(*user));
    });
}

Response delete_user(ApiServices& s, const Request& request) {
    return with_session(s, request, Access::write, [&](const service::SessionInfo& me) {
        auto body = parse_json_object(request, {"confirmation_pin"});
        if (!body) return problem(body.error(), request);
        auto confirmation = required_string(*body, "confirmation_pin", kPinMax);
        if (!confirmation) return problem(confirmation.error(), request);
        auto done =
            s.users.delete_user(me, target_user(request), *confirmation, source_address(request));
        if (!done) return problem(done.error(), request);
        s.crl.invalidate();
        return Response::no_content();
    });
}

Response unlock_user(ApiServices& s, const Request& request) {
    return with_session(s, request, Access::write, [&](const service::SessionInfo& me) {
        auto body = parse_json_object(request, {"confirmation_pin"});
        if (!body) return problem(body.error(), request);
        auto confirmation = required_string(*body, "confirmation_pin", kPinMax);
        if (!confirmation) return problem(confirmation.error(), request);
        auto user =
            s.users.unlock_user(me, target_user(request), *confirmation, source_address(request));
        if (!user) return problem(user.error(), request);
        return json_response(user_detail_json(*user));
    });
}

Result<service::TokenRequest> parse_token_request(const json::object& o) {
    service::TokenRequest t;
    KAKUIN_TRY(auto kind, optional_string(o, "kind", 16));
    if (!kind || *kind == "software") {
        t.kind = service::TokenKind::software;
    } else if (*kind == "hardware") {
        t.kind = service::TokenKind::hardware;
        KAKUIN_TRY(t.hardware_secret_base32, required_string(o, "secret_base32", 128));
        KAKUIN_TRY(t.hardware_serial, required_string(o, "serial", 64));
    } else {
        return field_error("kind", "software or hardware");
    }
    return t;
}

Response register_token(ApiServices& s, const Request& request) {
    return with_session(s, request, Access::write, [&](const service::SessionInfo& me) {
        auto body =
            parse_json_object(request, {"kind", "secret_base32", "serial", "confirmation_pin"});
        if (!body) return problem(body.error(), request);
        auto token = parse_token_request(*body);
        if (!token) return problem(token.error(), request);
        auto confirmation = required_string(*body, "confirmation_pin", kPinMax);
        if (!confirmation) return problem(confirmation.error(), request);
        auto reg = s.users.register_token(me, target_user(request), *token, *confirmation,
                                          source_address(request));
        if (!reg) return problem(reg.error(), request);
        json::object o;
        o["kind"] = std::string(service::token_kind_name(reg->kind));
        if (reg->kind == service::TokenKind::software) {
            o["otpauth_uri"] = reg->otpauth_uri;
            o["secret_base32"] = reg->secret_base32;
            o["qr_svg"] = reg->qr_svg;
        }
        return json_response(o);
    });
}

// "<unix seconds>.<id>" as history_page_json writes it.
bool parse_cursor(std::string_view text, store::HistoryQuery::Cursor& out) {
    const auto dot = text.find('.');
    if (dot == std::string_view::npos || dot == 0 || dot + 1 >= text.size() || text.size() > 40)
        return false;
    try {
        std::size_t used = 0;
        const std::string at(text.substr(0, dot)), id(text.substr(dot + 1));
        const long long a = std::stoll(at, &used);
        if (used != at.size()) return false;
        const long long i = std::stoll(id, &used);
        if (used != id.size() || i < 0) return false;
        out.at = from_unix(a);
        out.id = i;
        return true;
    } catch (...) {
        return false;
    }
}

Result<service::HistoryFilter> parse_history_filter(const Request& request) {
    service::HistoryFilter f;
    for (const auto& [k, v] : request.query) {
        if (k == "user_id") {
            f.user_id = v;
        } else if (k == "kind") {
            f.kind = v;
        } else if (k == "from" || k == "until") {
            TimePoint t;
            if (!parse_iso8601(v, t)) return field_error(k, "YYYY-MM-DDTHH:MM:SSZ");
            (k == "from" ? f.from : f.until) = t;
        } else if (k == "after") {
            store::HistoryQuery::Cursor c;
            if (!parse_cursor(v, c)) return field_error("after", "a cursor from \"next\"");
            f.after = c;
        } else if (k == "limit") {
            int n = 0;
            for (char ch : v) {
                if (ch < '0' || ch > '9' || n > 10000) return field_error("limit", "1-500");
                n = n * 10 + (ch - '0');
            }
            if (n < 1 || n > store::kMaxHistoryPage) return field_error("limit", "1-500");
            f.limit = n;
        } else if (k != "lang") {
            return field_error(k, "unknown query parameter");
        }
    }
    return f;
}

Response history(ApiServices& s, const Request& request) {
    return with_session(s, request, Access::read, [&](const service::SessionInfo& me) {
        auto filter = parse_history_filter(request);
        if (!filter) return problem(filter.error(), request);
        auto page = s.users.history(me, *filter);
        if (!page) return problem(page.error(), request);
        return json_response(history_page_json(*page));
    });
}

}  // namespace

void add_user_routes(http::Router& router, ApiServices& s) {
    const auto api = {kHttpsListener, kMtlsListener};
    const http::RouteOptions body{kMaxJsonBodyBytes};
    auto bind = [&s](Response (*f)(ApiServices&, const Request&)) {
        return [&s, f](const Request& r) { return f(s, r); };
    };
    router.get("/api/v1/users", only_on(api, bind(list_users)));
    router.post("/api/v1/users", only_on(api, bind(register_user)), body);
    router.get("/api/v1/users/{user_id}", only_on(api, bind(get_user)));
    router.patch("/api/v1/users/{user_id}", only_on(api, bind(change_user)), body);
    router.del("/api/v1/users/{user_id}", only_on(api, bind(delete_user)), body);
    router.post("/api/v1/users/{user_id}/unlock", only_on(api, bind(unlock_user)), body);
    router.put("/api/v1/users/{user_id}/token", only_on(api, bind(register_token)), body);
    router.get("/api/v1/history", only_on(api, bind(history)));
}

}  // namespace kakuin::api
