#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "http/server.h"

namespace kakuin::http {

Status write_ports_json(const std::string& path, const BoundPorts& ports) {
    boost::json::object o;
    for (const auto& [name, port] : ports) o[name] = port;
    std::string text = boost::json::serialize(o) + "\n";

    // Readers (scripts waiting for the server) must never see a half-written file.
    const std::string tmp = path + ".tmp";
    std::FILE* f = std::fopen(tmp.c_str(), "wb");
    if (f == nullptr) {
        return make_error(ErrorCode::internal_error,
                          "cannot create " + tmp + ": " + std::strerror(errno));
    }
    const bool written = std::fwrite(text.data(), 1, text.size(), f) == text.size();
    const bool closed = std::fclose(f) == 0;
    if (!written || !closed) {
        std::remove(tmp.c_str());
        return make_error(ErrorCode::internal_error, "cannot write " + tmp);
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        std::remove(tmp.c_str());
        return make_error(ErrorCode::internal_error,
                          "cannot rename to " + path + ": " + std::strerror(errno));
    }
    return {};
}

}  // namespace kakuin::http
