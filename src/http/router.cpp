#include "http/router.h"

#include <boost/container/small_vector.hpp>

#include <algorithm>
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
    Route route{std::move(method), {}, std::move(handler), options, {}};
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
    for (const auto& segment : route.segments) {
        if (segment.kind != Segment::Kind::rest)
            route.rank.push_back(segment.kind == Segment::Kind::literal ? 2 : 1);
    }
    const bool has_rest =
        !route.segments.empty() && route.segments.back().kind == Segment::Kind::rest;
    route.rank.push_back(has_rest ? 0 : 1);
    routes_.push_back(std::move(route));
}

RouteMatch Router::match(std::string_view method, std::string_view path) const {
    RouteMatch result;
    if (path.empty() || path.front() != '/') return result;  // not_found
    // The path's segments as views; only a segment with a %-escape is decoded into its own
    // string (rare), so a request costs no allocation here for the usual path.
    boost::container::small_vector<std::string_view, 8> segments;
    boost::container::small_vector<std::string, 2> decoded;
    const bool escaped = path.find('%') != std::string_view::npos;
    if (escaped) decoded.reserve(static_cast<std::size_t>(std::count(path.begin(), path.end(), '/')));
    for (std::string_view rest = path.substr(1);;) {
        const auto slash = rest.find('/');
        const std::string_view raw = rest.substr(0, slash);
        if (escaped && raw.find('%') != std::string_view::npos) {
            decoded.emplace_back();  // capacity reserved above: earlier views stay valid
            if (!percent_decode(raw, decoded.back(), false)) return result;  // not_found
            segments.push_back(decoded.back());
        } else {
            segments.push_back(raw);
        }
        if (slash == std::string_view::npos) break;
        rest.remove_prefix(slash + 1);
    }

    const Route* best = nullptr;
    std::string allow;
    for (const auto& route : routes_) {
        const auto& segs = route.segments;
        const bool has_rest = !segs.empty() && segs.back().kind == Segment::Kind::rest;
        const std::size_t fixed = has_rest ? segs.size() - 1 : segs.size();
        if (has_rest ? segments.size() < fixed : segments.size() != fixed) continue;
        bool ok = true;
        for (std::size_t i = 0; i < fixed && ok; ++i) {
            ok = segs[i].kind == Segment::Kind::literal ? segs[i].text == segments[i]
                                                         : !segments[i].empty();
        }
        if (!ok) continue;

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
        if (best == nullptr || route.rank > best->rank ||
            (route.rank == best->rank && route.method == method && best->method != method)) {
            best = &route;
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
            result.params.emplace(segs[i].text, segments[i]);
        } else if (segs[i].kind == Segment::Kind::rest) {
            std::string rest;
            for (std::size_t j = i; j < segments.size(); ++j) {
                if (j > i) rest += '/';
                rest += segments[j];
            }
            result.params.emplace(segs[i].text, std::move(rest));
        }
    }
    return result;
}

Response Router::dispatch(Request& request, RouteMatch match) const {
    // The language only matters for an error: not looked up for every request.
    switch (match.kind) {
        case RouteMatch::Kind::not_found:
            return Response::problem(ErrorCode::not_found, preferred_lang(request));
        case RouteMatch::Kind::method_not_allowed: {
            auto r = Response::problem(ErrorCode::method_not_allowed, preferred_lang(request));
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
        return Response::problem(ErrorCode::internal_error, preferred_lang(request));
    }
}

}  // namespace kakuin::http
