// An HTTP request as handlers see it: no Beast/Asio type appears here.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "http/headers.h"

namespace kakuin::http {

// The client certificate of a TLS connection, verified by OpenSSL against the configured CA
// chain at the handshake (with the server's injected clock). Revocation is NOT checked
// here: the application looks the serial up in the store.
struct ClientCertificate {
    std::vector<std::uint8_t> der;
    std::string sha256_hex;  // fingerprint of `der`, lowercase hex, no separators
    std::string serial_hex;  // uppercase hex, no leading zeros ("0" for zero)
    std::string subject_cn;  // UTF-8; empty when the subject has no CN
    TimePoint not_after;
};

enum class Lang { ja, en };

struct Request {
    std::string method;  // as sent, e.g. "GET"
    std::string target;  // as sent, with the query string
    std::string path;    // target without the query string, still percent-encoded
    std::vector<std::pair<std::string, std::string>> query;       // decoded, in order
    std::map<std::string, std::string, std::less<>> path_params;  // decoded; set by Router
    Headers headers;
    std::string body;  // never larger than the route's limit
    std::string remote_address;
    std::string listener;  // the name of the listener that accepted the connection
    bool tls = false;
    std::optional<ClientCertificate> client_certificate;

    std::optional<std::string_view> header(std::string_view name) const {
        return headers.get(name);
    }
    // The first value of a query parameter.
    std::optional<std::string_view> query_param(std::string_view name) const;
    // A parameter of the matched route pattern; empty when absent.
    std::string_view path_param(std::string_view name) const;
};

// Splits an origin-form target ("/a/b?x=1") into path and decoded query parameters.
// False when the target is not origin-form or its query has a malformed %-escape.
bool parse_target(std::string_view target, Request& out);

// Decodes %XX escapes (and '+' as space when `plus_is_space`). False on a malformed escape
// or a decoded NUL byte.
bool percent_decode(std::string_view in, std::string& out, bool plus_is_space);

// The language for messages: `?lang=en|ja` wins, then Accept-Language when it ranks English
// above Japanese; Japanese otherwise.
Lang preferred_lang(const Request& request);

}  // namespace kakuin::http
