#include "http/router.h"

#include <optional>
#include <stdexcept>

namespace kakuin::http {

namespace {

std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> out;
    if (path.empty() || path.front() != '/') return out;
    path.remove_prefix(1);
    while (true) {
        auto slash = path.find('/');
        out.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    return out;
}

}  // namespace

void Router::add(std::string method, std::string_view pattern, Handler handler,
                 RouteOptions options) {
    if (pattern.empty() || pattern.front() != '/')
        throw std::invalid_argument("route must start with /");
    Route route{std::move(method), {}, std::move(handler), options};
    auto parts = split_path(pattern);
    for (std::size_t i = 0; i < parts.size(); ++i) {
        auto part = parts[i];
        if (part.size() >= 2 && part.front() == '{' && part.back() == '}') {
            auto name = part.substr(1, part.size() - 2);
            if (name.size() > 3 && name.substr(name.size() - 3) == "...") {
                if (i + 1 != parts.size()) throw std::invalid_argument("{name...} must be last");
                route.segments.push_back(
                    {Segment::Kind::rest, std::string(name.substr(0, name.size() - 3))});
            } else {
                if (name.empty()) throw std::invalid_argument("empty parameter name");
                route.segments.push_back({Segment::Kind::param, std::string(name)});
            }
        } else {
            if (part.find_first_of("{}") != std::string_view::npos)
                throw std::invalid_argument("bad segment");
            route.segments.push_back({Segment::Kind::literal, std::string(part)});
        }
    }
    routes_.push_back(std::move(route));
}

RouteMatch Router::match(std::string_view method, std::string_view path) const {
    RouteMatch result;
    auto raw = split_path(path);
    std::vector<std::string> decoded(raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (!percent_decode(raw[i], decoded[i], false)) return result;  // not_found
    }

    const Route* best = nullptr;
    std::vector<int> best_rank;
    std::string allow;
    for (const auto& route : routes_) {
        const auto& segs = route.segments;
        const bool has_rest = !segs.empty() && segs.back().kind == Segment::Kind::rest;
        const std::size_t fixed = has_rest ? segs.size() - 1 : segs.size();
        if (has_rest ? decoded.size() < fixed : decoded.size() != fixed) continue;
        std::vector<int> rank;
        bool ok = true;
        for (std::size_t i = 0; i < fixed && ok; ++i) {
            if (segs[i].kind == Segment::Kind::literal) {
                ok = segs[i].text == decoded[i];
                rank.push_back(2);
            } else {
                ok = !decoded[i].empty();
                rank.push_back(1);
            }
        }
        if (!ok) continue;
        rank.push_back(has_rest ? 0 : 1);

        const bool method_ok =
            route.method == method || (method == "HEAD" && route.method == "GET");
        if (!method_ok) {
            if (allow.find(route.method) == std::string::npos) {
                if (!allow.empty()) allow += ", ";
                allow += route.method;
            }
            continue;
        }
        // An exact HEAD route beats the GET fallback at the same rank.
        if (best == nullptr || rank > best_rank ||
            (rank == best_rank && route.method == method && best->method != method)) {
            best = &route;
            best_rank = std::move(rank);
        }
    }
    if (best == nullptr) {
        if (!allow.empty()) {
            result.kind = RouteMatch::Kind::method_not_allowed;
            result.allow = std::move(allow);
        }
        return result;
    }
    result.kind = RouteMatch::Kind::found;
    result.handler = &best->handler;
    result.max_body_bytes = best->options.max_body_bytes;
    const auto& segs = best->segments;
    for (std::size_t i = 0; i < segs.size(); ++i) {
        if (segs[i].kind == Segment::Kind::param) {
            result.params.emplace(segs[i].text, decoded[i]);
        } else if (segs[i].kind == Segment::Kind::rest) {
            std::string rest;
            for (std::size_t j = i; j < decoded.size(); ++j) {
                if (j > i) rest += '/';
                rest += decoded[j];
            }
            result.params.emplace(segs[i].text, std::move(rest));
        }
    }
    return result;
}

Response Router::dispatch(Request& request, RouteMatch match) const {
    const Lang lang = preferred_lang(request);
    switch (match.kind) {
        case RouteMatch::Kind::not_found:
            return Response::problem(ErrorCode::not_found, lang);
        case RouteMatch::Kind::method_not_allowed: {
            auto r = Response::problem(ErrorCode::method_not_allowed, lang);
            r.headers.set("Allow", match.allow);
            return r;
        }
        case RouteMatch::Kind::found:
            break;
    }
    request.path_params = std::move(match.params);
    try {
        return (*match.handler)(request);
    } catch (const std::exception&) {
        return Response::problem(ErrorCode::internal_error, lang);
    }
}

}  // namespace kakuin::http
