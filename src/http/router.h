// Maps method + path pattern to a handler. Patterns are literal segments and whole-segment
// parameters: "/api/v1/users/{user_id}"; a last segment "{name...}" takes the rest of the
// path (for static files). Matching decodes each segment's %-escapes first.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "http/request.h"
#include "http/response.h"

namespace kakuin::http {

// Handlers run synchronously on one of the server's threads; they may block (store calls)
// and must be safe to call concurrently.
using Handler = std::function<Response(const Request&)>;

struct RouteOptions {
    std::size_t max_body_bytes = 0;  // 0: the server's default limit
};

struct RouteMatch {
    enum class Kind { found, not_found, method_not_allowed };
    Kind kind = Kind::not_found;
    const Handler* handler = nullptr;  // REQUIRES for use: kind == found
    std::size_t max_body_bytes = 0;
    std::map<std::string, std::string, std::less<>> params;
    std::string allow;  // for method_not_allowed: "GET, POST"
};

class Router {
  public:
    // Throws std::invalid_argument on a malformed pattern (a programming error at startup).
    void add(std::string method, std::string_view pattern, Handler handler,
             RouteOptions options = {});
    void get(std::string_view p, Handler h, RouteOptions o = {}) { add("GET", p, std::move(h), o); }
    void post(std::string_view p, Handler h, RouteOptions o = {}) {
        add("POST", p, std::move(h), o);
    }
    void put(std::string_view p, Handler h, RouteOptions o = {}) { add("PUT", p, std::move(h), o); }
    void patch(std::string_view p, Handler h, RouteOptions o = {}) {
        add("PATCH", p, std::move(h), o);
    }
    void del(std::string_view p, Handler h, RouteOptions o = {}) {
        add("DELETE", p, std::move(h), o);
    }

    // The most specific pattern (literal segments before parameters, left to right) among
    // those that match the path and accept the method wins. HEAD falls back to GET.
    RouteMatch match(std::string_view method, std::string_view path) const;

    // Sets request.path_params and runs the handler; 404/405 as problem+json otherwise. A
    // handler that throws yields 500 internal_error (the exception text is not shown).
    Response dispatch(Request& request, RouteMatch match) const;

  private:
    struct Segment {
        enum class Kind { literal, param, rest } kind;
        std::string text;  // literal text or parameter name
    };
    struct Route {
        std::string method;
        std::vector<Segment> segments;
        Handler handler;
        RouteOptions options;
        // How specific the pattern is, compared lexicographically: 2 per literal segment, 1 per
        // parameter, then 1 without / 0 with a rest parameter. Depends only on the pattern.
        std::vector<int> rank;
    };
    std::vector<Route> routes_;
};

}  // namespace kakuin::http
