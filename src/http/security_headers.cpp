#include "http/security_headers.h"

namespace kakuin::http {

namespace {
void add_if_absent(Headers& h, const char* name, const char* value) {
    if (!h.contains(name)) h.add(name, value);
}
}  // namespace

void add_default_headers(Response& response, bool tls) {
    Headers& h = response.headers;
    if (tls) add_if_absent(h, "Strict-Transport-Security", "max-age=63072000");
    add_if_absent(h, "X-Content-Type-Options", "nosniff");
    add_if_absent(h, "Referrer-Policy", "no-referrer");
    add_if_absent(h, "Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'");
    add_if_absent(h, "Cache-Control", "no-store");
}

}  // namespace kakuin::http
