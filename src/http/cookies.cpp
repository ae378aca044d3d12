#include "http/cookies.h"

#include <algorithm>

namespace kakuin::http {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

bool token_char(unsigned char c) {
    if (c <= 0x20 || c >= 0x7f) return false;
    return std::string_view("()<>@,;:\\\"/[]?={}").find(static_cast<char>(c)) ==
           std::string_view::npos;
}

// RFC 6265 cookie-octet: no CTLs, whitespace, DQUOTE, comma, semicolon or backslash.
bool cookie_octet(unsigned char c) {
    return c == 0x21 || (c >= 0x23 && c <= 0x2b) || (c >= 0x2d && c <= 0x3a) ||
           (c >= 0x3c && c <= 0x5b) || (c >= 0x5d && c <= 0x7e);
}

bool attribute_safe(std::string_view s) {
    for (unsigned char c : s) {
        if (c < 0x20 || c == 0x7f || c == ';') return false;
    }
    return true;
}

}  // namespace

std::optional<std::string> cookie(const Request& request, std::string_view name) {
    for (const auto& [field, value] : request.headers.fields()) {
        if (!iequals(field, "Cookie")) continue;
        std::string_view rest = value;
        while (!rest.empty()) {
            auto semi = rest.find(';');
            auto pair = trim(rest.substr(0, semi));
            rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
            auto eq = pair.find('=');
            if (eq == std::string_view::npos) continue;
            if (trim(pair.substr(0, eq)) != name) continue;
            auto v = trim(pair.substr(eq + 1));
            if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
            return std::string(v);
        }
    }
    return std::nullopt;
}

std::string set_cookie_value(std::string_view name, std::string_view value,
                             const CookieOptions& o) {
    if (name.empty()) return {};
    for (unsigned char c : name) {
        if (!token_char(c)) return {};
    }
    for (unsigned char c : value) {
        if (!cookie_octet(c)) return {};
    }
    if (!attribute_safe(o.path) || !attribute_safe(o.same_site)) return {};
    std::string out;
    out.append(name).append("=").append(value);
    if (!o.path.empty()) out.append("; Path=").append(o.path);
    if (o.max_age)
        out.append("; Max-Age=").append(std::to_string(std::max<long long>(0, o.max_age->count())));
    if (o.secure) out.append("; Secure");
    if (o.http_only) out.append("; HttpOnly");
    if (!o.same_site.empty()) out.append("; SameSite=").append(o.same_site);
    return out;
}

}  // namespace kakuin::http
