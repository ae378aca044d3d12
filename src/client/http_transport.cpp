#include "client/http_transport.h"

namespace kakuin::client {

Failure failure_from(const HttpResponse& response, Lang lang) {
    if (response.status >= 400 &&
        (response.content_type == "application/problem+json" || response.content_type == "application/json"))
        return parse_problem(response.body, static_cast<int>(response.status), lang);
    Failure f = network_failure(FailureKind::response_invalid, lang,
                                "unexpected HTTP " + std::to_string(response.status) + " " +
                                    response.content_type);
    f.http_status = static_cast<int>(response.status);
    return f;
}

}  // namespace kakuin::client
