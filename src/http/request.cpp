#include "http/request.h"

#include <algorithm>

namespace kakuin::http {

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// q-value of one Accept-Language element ("en-US;q=0.8"): 0..1000, or -1 when malformed.
int quality(std::string_view params) {
    // params is what follows the first ';'
    while (!params.empty()) {
        auto semi = params.find(';');
        auto p = trim(params.substr(0, semi));
        params = semi == std::string_view::npos ? std::string_view{} : params.substr(semi + 1);
        if (p.size() >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
            auto v = p.substr(2);
            if (v.empty() || v.size() > 5) return -1;
            if (v[0] == '1') return 1000;
            if (v[0] != '0') return -1;
            int q = 0, digits = 0;
            for (std::size_t i = 2; i < v.size(); ++i, ++digits) {
                if (v[i] < '0' || v[i] > '9') return -1;
                q = q * 10 + (v[i] - '0');
            }
            while (digits++ < 3) q *= 10;
            return q;
        }
    }
    return 1000;
}

}  // namespace

bool percent_decode(std::string_view in, std::string& out, bool plus_is_space) {
    out.clear();
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        char c = in[i];
        if (c == '%') {
            if (i + 2 >= in.size()) return false;
            int hi = hex_value(in[i + 1]);
            int lo = hex_value(in[i + 2]);
            if (hi < 0 || lo < 0) return false;
            c = static_cast<char>(hi * 16 + lo);
            if (c == '\0') return false;
            i += 2;
        } else if (c == '+' && plus_is_space) {
            c = ' ';
        }
        out.push_back(c);
    }
    return true;
}

bool parse_target(std::string_view target, Request& out) {
    if (target.empty() || target.front() != '/') return false;
    auto q = target.find('?');
    out.path = std::string(target.substr(0, q));
    out.query.clear();
    if (q == std::string_view::npos) return true;
    std::string_view rest = target.substr(q + 1);
    while (!rest.empty()) {
        auto amp = rest.find('&');
        auto item = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
        if (item.empty()) continue;
        auto eq = item.find('=');
        std::string key, value;
        if (!percent_decode(item.substr(0, eq), key, true)) return false;
        if (eq != std::string_view::npos && !percent_decode(item.substr(eq + 1), value, true))
            return false;
        out.query.emplace_back(std::move(key), std::move(value));
    }
    return true;
}

std::optional<std::string_view> Request::query_param(std::string_view name) const {
    for (const auto& [k, v] : query) {
        if (k == name) return std::string_view(v);
    }
    return std::nullopt;
}

std::string_view Request::path_param(std::string_view name) const {
    auto it = path_params.find(name);
    return it == path_params.end() ? std::string_view{} : std::string_view(it->second);
}

Lang preferred_lang(const Request& request) {
    if (auto l = request.query_param("lang")) {
        if (*l == "en") return Lang::en;
        if (*l == "ja") return Lang::ja;
    }
    auto header = request.header("Accept-Language");
    if (!header) return Lang::ja;
    int best_ja = 0, best_en = 0;
    std::string_view rest = *header;
    while (!rest.empty()) {
        auto comma = rest.find(',');
        auto item = trim(rest.substr(0, comma));
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        auto semi = item.find(';');
        auto tag = trim(item.substr(0, semi));
        int q = semi == std::string_view::npos ? 1000 : quality(item.substr(semi + 1));
        auto primary = tag.substr(0, tag.find('-'));
        if (iequals(primary, "ja")) best_ja = std::max(best_ja, q);
        if (iequals(primary, "en")) best_en = std::max(best_en, q);
    }
    return best_en > best_ja ? Lang::en : Lang::ja;
}

}  // namespace kakuin::http
