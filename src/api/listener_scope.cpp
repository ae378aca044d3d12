#include "api/listener_scope.h"

#include <utility>

namespace kakuin::api {

http::Handler only_on(std::initializer_list<std::string_view> listeners, http::Handler handler) {
    std::vector<std::string> names(listeners.begin(), listeners.end());
    return [names = std::move(names), handler = std::move(handler)](const http::Request& request) {
        for (const auto& n : names)
            if (n == request.listener) return handler(request);
        return http::Response::problem(ErrorCode::not_found, http::preferred_lang(request));
    };
}

}  // namespace kakuin::api
