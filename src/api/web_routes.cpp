#include "api/web_routes.h"

#include <boost/json/object.hpp>
#include <memory>

#include "api/json_body.h"
#include "api/listener_scope.h"
#include "api/request_context.h"
#include "api/session_gate.h"
#include "http/static_files.h"

namespace kakuin::api {

namespace json = boost::json;
using http::Request;
using http::Response;

namespace {

Response bank(ApiServices& s, const WebOptions& w, const Request&) {
    const BankPolicy& p = s.context.policy;
    json::object pin;
    pin["min_length"] = p.pin.min_length;
    pin["max_length"] = p.pin.max_length;
    pin["require_letters_and_digits"] = p.pin.require_letters_and_digits;
    json::object o;
    o["name"] = p.bank_name;
    o["code"] = p.bank_code;
    o["pin"] = std::move(pin);
    o["idle_timeout_seconds"] = p.session_idle_seconds;
    o["admin_otp_every_login"] = p.admin_otp_every_login;
    o["user_otp_every_login"] = p.user_otp_every_login;
    o["https_port"] = w.https_port;
    o["mtls_port"] = w.mtls_port;
    json::object wording;
    for (const auto& [id, text] : w.wording) wording[id] = text;
    o["wording"] = std::move(wording);
    return json_response(o);
}

Response stop_transactions(ApiServices& s, const Request& request) {
    auto me = authenticate(s, request, Access::write);
    if (!me) return problem(me.error(), request);
    auto body = parse_json_object(request, {"stop", "confirmation_pin"});
    if (!body) return problem(body.error(), request);
    auto stop = optional_bool(*body, "stop");
    if (!stop) return problem(stop.error(), request);
    if (!*stop) return problem(field_error("stop", "required"), request);
    auto confirmation = required_string(*body, "confirmation_pin", 64);
    if (!confirmation) return problem(confirmation.error(), request);
    auto done = s.users.stop_transactions(*me, **stop, *confirmation, source_address(request));
    if (!done) return problem(done.error(), request);
    json::object o;
    o["stopped"] = **stop;
    return json_response(o);
}

}  // namespace

void add_web_routes(http::Router& router, ApiServices& s, const WebOptions& w) {
    const auto api = {kHttpsListener, kMtlsListener};
    router.get("/api/v1/bank", only_on(api, [&s, w](const Request& r) { return bank(s, w, r); }));
    router.post("/api/v1/contract/stop",
                only_on(api, [&s](const Request& r) { return stop_transactions(s, r); }),
                http::RouteOptions{kMaxJsonBodyBytes});
    if (!w.root) return;
    auto files = std::make_shared<http::StaticFiles>(*w.root);
    auto serve = [files](const Request& request) {
        std::string_view rel = request.path_param("path");
        Response r = files->serve(request, rel);
        if (r.content_type.rfind("text/html", 0) == 0) r.headers.set("Cache-Control", "no-store");
        return r;
    };
    router.get("/", only_on(api, serve));
    router.get("/{path...}", only_on(api, serve));
}

}  // namespace kakuin::api
