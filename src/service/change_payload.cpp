#include "service/change_payload.h"

#include <array>
#include <charconv>

namespace kakuin::service {

namespace {

constexpr std::array<std::string_view, 7> kKindNames = {
    "contract_create", "contract_change",  "admin_certificate_reissue", "admin_unlock",
    "admin_pin_reset", "contract_suspend", "contract_resume",
};

std::string escape(std::string_view v) {
    std::string out;
    for (char c : v) {
        if (c == '\\') out += "\\\\";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

std::optional<std::string> unescape(std::string_view v) {
    std::string out;
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (v[i] != '\\') {
            out += v[i];
            continue;
        }
        if (++i == v.size()) return std::nullopt;
        if (v[i] == '\\') out += '\\';
        else if (v[i] == 'n') out += '\n';
        else return std::nullopt;
    }
    return out;
}

Error corrupt(std::string_view what) {
    return make_error(ErrorCode::internal_error, "stored change payload: " + std::string(what));
}

bool parse_int(std::string_view s, std::int64_t& out) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && p == s.data() + s.size();
}

// "service:per_transaction/per_day,..." (services with limits only).
std::string encode_limits(const ContractLimits& l) {
    std::string out;
    for (std::size_t i = 0; i < kBusinessServiceCount; ++i) {
        const ContractLimit& v = l.services[i];
        if (v.per_transaction == 0 && v.per_day == 0) continue;
        if (!out.empty()) out += ',';
        out += std::string(business_service_name(static_cast<BusinessService>(i))) + ':' +
               std::to_string(v.per_transaction) + '/' + std::to_string(v.per_day);
    }
    return out;
}

std::optional<ContractLimits> decode_limits(std::string_view s) {
    ContractLimits l;
    while (!s.empty()) {
        const auto comma = s.find(',');
        const std::string_view item = s.substr(0, comma);
        s = comma == std::string_view::npos ? std::string_view() : s.substr(comma + 1);
        const auto colon = item.find(':');
        const auto slash = item.find('/');
        if (colon == std::string_view::npos || slash == std::string_view::npos || slash < colon)
            return std::nullopt;
        auto service = business_service_from_name(item.substr(0, colon));
        std::int64_t tx = 0, day = 0;
        if (!service || !parse_int(item.substr(colon + 1, slash - colon - 1), tx) ||
            !parse_int(item.substr(slash + 1), day))
            return std::nullopt;
        l[*service] = ContractLimit{tx, day};
    }
    return l;
}

}  // namespace

std::string_view change_kind_name(ChangeKind k) { return kKindNames[static_cast<std::size_t>(k)]; }

bool change_kind_from_name(std::string_view s, ChangeKind& out) {
    for (std::size_t i = 0; i < kKindNames.size(); ++i) {
        if (kKindNames[i] == s) {
            out = static_cast<ChangeKind>(i);
            return true;
        }
    }
    return false;
}

std::string encode_change_payload(const ChangePayload& p) {
    std::string out;
    auto line = [&out](std::string_view key, std::string_view value) {
        out += std::string(key) + '=' + escape(value) + '\n';
    };
    if (p.name) line("name", *p.name);
    if (p.name_kana) line("name_kana", *p.name_kana);
    if (p.login_method) line("login_method", login_method_name(*p.login_method));
    if (p.upper_limits) line("upper_limits", encode_limits(*p.upper_limits));
    if (p.admin_contact_email) line("admin_contact_email", *p.admin_contact_email);
    return out;
}

Result<ChangePayload> decode_change_payload(std::string_view text) {
    ChangePayload p;
    while (!text.empty()) {
        const auto nl = text.find('\n');
        if (nl == std::string_view::npos) return corrupt("no final newline");
        const std::string_view l = text.substr(0, nl);
        text = text.substr(nl + 1);
        const auto eq = l.find('=');
        if (eq == std::string_view::npos) return corrupt("no =");
        const std::string_view key = l.substr(0, eq);
        auto value = unescape(l.substr(eq + 1));
        if (!value) return corrupt("bad escape");
        if (key == "name") p.name = *value;
        else if (key == "name_kana") p.name_kana = *value;
        else if (key == "admin_contact_email") p.admin_contact_email = *value;
        else if (key == "login_method") {
            LoginMethod m;
            if (!login_method_from_name(*value, m)) return corrupt("login_method");
            p.login_method = m;
        } else if (key == "upper_limits") {
            p.upper_limits = decode_limits(*value);
            if (!p.upper_limits) return corrupt("upper_limits");
        } else {
            return corrupt("unknown key");
        }
    }
    return p;
}

}  // namespace kakuin::service
