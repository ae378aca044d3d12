#include "client/ossl_handles.h"

#include <openssl/err.h>

namespace kakuin::client {

Error client_ossl_error(std::string_view call, ErrorCode code) {
    std::string detail(call);
    detail += " failed";
    unsigned long e;
    char buf[256];
    while ((e = ERR_get_error()) != 0) {
        ERR_error_string_n(e, buf, sizeof buf);
        detail += ": ";
        detail += buf;
    }
    return make_error(code, std::move(detail));
}

void client_ossl_clear_errors() { ERR_clear_error(); }

}  // namespace kakuin::client
