#include "api/json_views.h"

#include <boost/json/array.hpp>

#include "api/json_body.h"

namespace kakuin::api {

namespace json = boost::json;

json::value time_or_null(const std::optional<TimePoint>& t) {
    if (!t) return nullptr;
    return json::value(format_iso8601(*t));
}

json::object session_json(const service::SessionInfo& s) {
    json::object o(7);  // capacity reserved: no rehash while filling
    o["state"] = s.active() ? "active" : "otp_required";
    o["csrf_token"] = s.csrf_token;
    json::object person(3);
    person["contract_id"] = s.person.contract_id;
    if (s.person.user_id.empty())
        person["user_id"] = nullptr;
    else
        person["user_id"] = s.person.user_id;
    person["role"] = std::string(role_name(s.role()));
    o["person"] = std::move(person);
    o["previous_login_at"] = time_or_null(s.previous_login_at);
    if (s.via_certificate) {
        json::object c;
        c["serial"] = s.certificate_serial;
        c["not_after"] = time_or_null(s.certificate_not_after);
        o["certificate"] = std::move(c);
    }
    return o;
}

namespace {
// As time_or_null, allocated in the object's own storage.
void set_time_or_null(json::object& o, std::string_view key, const std::optional<TimePoint>& t) {
    if (t)
        o[key] = format_iso8601(*t);
    else
        o[key] = nullptr;
}
}  // namespace

json::object certificate_json(const service::CertificateSummary& c, json::storage_ptr sp) {
    json::object o(7, std::move(sp));  // capacity reserved: no rehash while filling
    if (c.issue_number_text.empty())
        o["issue_number"] = nullptr;
    else
        o["issue_number"] = c.issue_number_text;
    o["status"] = c.status_name.empty() ? std::string(slot_status_name(c.status)) : c.status_name;
    o["marked"] = c.marked;
    set_time_or_null(o, "registered_at", c.registered_at);
    if (c.serial_hex.empty())
        o["serial"] = nullptr;
    else
        o["serial"] = c.serial_hex;
    set_time_or_null(o, "not_after", c.not_after);
    set_time_or_null(o, "acquisition_deadline", c.acquisition_deadline);
    return o;
}

json::object permissions_json(const Permissions& p, json::storage_ptr sp) {
    json::object o(kBusinessServiceCount, sp);  // capacity reserved: no rehash while filling
    for (std::size_t i = 0; i < kBusinessServiceCount; ++i) {
        const auto s = static_cast<BusinessService>(i);
        json::object e(3, sp);
        e["allowed"] = p[s].allowed;
        e["per_transaction"] = p[s].per_transaction;
        e["per_day"] = p[s].per_day;
        o[business_service_name(s)] = std::move(e);
    }
    return o;
}

namespace {

// The wire names of service::TokenKind (kept here so that the views need no service code).
const char* token_name(service::TokenKind k) {
    switch (k) {
        case service::TokenKind::software:
            return "software";
        case service::TokenKind::hardware:
            return "hardware";
        case service::TokenKind::none:
            break;
    }
    return "none";
}

json::object states_json(const service::PersonStates& s, json::storage_ptr sp = {}) {
    json::object o(4, std::move(sp));  // capacity reserved: no rehash while filling
    o["accident"] = s.accident;
    o["suspended"] = s.suspended;
    o["otp_locked"] = s.otp_locked;
    o["locked"] = s.locked;
    return o;
}

}  // namespace

json::object user_summary_json(const service::UserSummary& u, json::storage_ptr sp) {
    json::object o(8, sp);  // capacity reserved: no rehash while filling
    o["user_id"] = u.user_id;
    o["name_kana"] = u.name_kana;
    o["name_kanji"] = u.name_kanji;
    o["authority"] = authority_name(u.authority);
    // Same storage: the nested objects are moved in, not copied.
    o["states"] = states_json(u.states, sp);
    o["permissions"] = permissions_json(u.permissions, sp);
    o["permissions_summary"] = u.permissions_summary;
    o["certificate"] = certificate_json(u.certificate, sp);
    return o;
}

json::object user_detail_json(const service::UserDetail& u) {
    json::object o(13);  // capacity reserved: no rehash while filling
    o["user_id"] = u.user_id;
    o["name_kana"] = u.name_kana;
    o["name_kanji"] = u.name_kanji;
    o["authority"] = std::string(authority_name(u.authority));
    o["states"] = states_json(u.states);
    o["failure_count"] = u.failure_count;
    if (u.contact_email)
        o["contact_email"] = *u.contact_email;
    else
        o["contact_email"] = nullptr;
    o["last_login_at"] = time_or_null(u.last_login_at);
    o["created_at"] = format_iso8601(u.created_at);
    o["permissions"] = permissions_json(u.permissions);
    o["certificate"] = certificate_json(u.certificate);
    o["token"] = token_name(u.token);
    return o;
}

json::object history_page_json(const store::HistoryPage& page) {
    json::array records;
    for (const auto& r : page.records) {
        json::object o;
        o["id"] = r.id;
        o["at"] = format_iso8601(r.at);
        o["contract_id"] = r.contract_id;
        o["actor"] = r.actor;
        if (r.target_user_id)
            o["target_user_id"] = *r.target_user_id;
        else
            o["target_user_id"] = nullptr;
        o["kind"] = r.kind;
        if (r.source_address)
            o["source_address"] = *r.source_address;
        else
            o["source_address"] = nullptr;
        o["result"] = r.result;
        o["detail"] = r.detail;
        records.push_back(std::move(o));
    }
    json::object out;
    out["records"] = std::move(records);
    if (page.next)
        out["next"] = std::to_string(to_unix(page.next->at)) + "." + std::to_string(page.next->id);
    else
        out["next"] = nullptr;
    return out;
}

namespace {

Result<std::int64_t> amount(const json::object& o, std::string_view service,
                            std::string_view field) {
    const json::value* v = o.if_contains(field);
    if (!v) return std::int64_t{0};
    const std::string name = "permissions." + std::string(service) + "." + std::string(field);
    if (v->is_int64() && v->get_int64() >= 0) return v->get_int64();
    if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(kMaxLimitYen))
        return static_cast<std::int64_t>(v->get_uint64());
    return field_error(name, "must be a non-negative integer");
}

}  // namespace

Result<Permissions> parse_permissions(const json::value& v) {
    if (!v.is_object()) return field_error("permissions", "must be an object");
    Permissions p;
    for (const auto& kv : v.get_object()) {
        const auto service = business_service_from_name(kv.key());
        if (!service) return field_error("permissions", "unknown service");
        const std::string base = "permissions." + std::string(kv.key());
        if (!kv.value().is_object()) return field_error(base, "must be an object");
        const auto& e = kv.value().get_object();
        for (const auto& f : e)
            if (f.key() != "allowed" && f.key() != "per_transaction" && f.key() != "per_day")
                return field_error(base, "unknown field");
        ServicePermission sp;
        if (const auto* a = e.if_contains("allowed")) {
            if (!a->is_bool()) return field_error(base + ".allowed", "must be true or false");
            sp.allowed = a->get_bool();
        }
        KAKUIN_TRY(sp.per_transaction, amount(e, kv.key(), "per_transaction"));
        KAKUIN_TRY(sp.per_day, amount(e, kv.key(), "per_day"));
        p[*service] = sp;
    }
    return p;
}

}  // namespace kakuin::api
