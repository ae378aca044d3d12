#include "http/transport_response.h"

#include <boost/beast/http/status.hpp>

namespace kakuin::http::detail {

namespace {

bool safe_field(std::string_view name, std::string_view value) {
    if (name.empty()) return false;
    for (unsigned char c : name) {
        if (c <= ' ' || c >= 0x7f || c == ':') return false;
    }
    return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

void append_field(std::string& out, std::string_view name, std::string_view value) {
    out.append(name);
    out.append(": ");
    out.append(value);
    out.append("\r\n");
}

}  // namespace

std::string serialize_response(const Response& response, bool head, bool keep_alive) {
    const int s = response.status;
    const bool bodiless = s < 200 || s == 204 || s == 304;
    const bool content_type =
        !response.content_type.empty() && safe_field("Content-Type", response.content_type);
    const bool with_body = !bodiless && !head;

    std::size_t size = 64 + response.content_type.size() + (with_body ? response.body.size() : 0);
    for (const auto& [name, value] : response.headers.fields())
        size += name.size() + value.size() + 4;
    std::string out;
    out.reserve(size);

    out.append("HTTP/1.1 ");
    out.append(std::to_string(s));
    out.push_back(' ');
    const auto reason =
        boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(s));
    out.append(reason.data(), reason.size());
    out.append("\r\n");
    for (const auto& [name, value] : response.headers.fields()) {
        if (!safe_field(name, value)) continue;
        if (iequals(name, "Content-Length") || iequals(name, "Transfer-Encoding") ||
            iequals(name, "Connection") || (content_type && iequals(name, "Content-Type")))
            continue;
        append_field(out, name, value);
    }
    if (content_type) append_field(out, "Content-Type", response.content_type);
    if (!keep_alive) append_field(out, "Connection", "close");
    if (!bodiless) append_field(out, "Content-Length", std::to_string(response.body.size()));
    out.append("\r\n");
    if (with_body) out.append(response.body);
    return out;
}

}  // namespace kakuin::http::detail
