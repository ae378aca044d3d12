#include "http/static_files.h"

#include <fmt/format.h>

#include <array>
#include <fstream>
#include <system_error>
#include <utility>

namespace kakuin::http {

namespace fs = std::filesystem;

namespace {

bool safe_relative(std::string_view relative) {
    if (relative.find('\\') != std::string_view::npos ||
        relative.find('\0') != std::string_view::npos)
        return false;
    while (!relative.empty()) {
        auto slash = relative.find('/');
        auto segment = relative.substr(0, slash);
        relative =
            slash == std::string_view::npos ? std::string_view{} : relative.substr(slash + 1);
        if (segment.empty()) continue;             // "a//b" or a trailing '/'
        if (segment.front() == '.') return false;  // ".", "..", hidden files
    }
    return true;
}

bool within(const fs::path& root, const fs::path& p) {
    auto r = root.begin();
    auto q = p.begin();
    for (; r != root.end(); ++r, ++q) {
        if (q == p.end() || *r != *q) return false;
    }
    return true;
}

}  // namespace

StaticFiles::StaticFiles(fs::path root, std::size_t max_file_bytes)
    : max_file_bytes_(max_file_bytes) {
    std::error_code ec;
    root_ = fs::canonical(root, ec);
    if (ec) root_ = fs::absolute(root).lexically_normal();
}

std::string_view StaticFiles::content_type_for(std::string_view ext) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 17> kTypes{{
        {".html", "text/html; charset=utf-8"},
        {".htm", "text/html; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".json", "application/json"},
        {".map", "application/json"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".jpg", "image/jpeg"},
        {".jpeg", "image/jpeg"},
        {".gif", "image/gif"},
        {".ico", "image/x-icon"},
        {".webp", "image/webp"},
        {".woff2", "font/woff2"},
        {".txt", "text/plain; charset=utf-8"},
        {".wasm", "application/wasm"},
    }};
    for (const auto& [e, type] : kTypes) {
        if (iequals(e, ext)) return type;
    }
    return "application/octet-stream";
}

Response StaticFiles::serve(const Request& request, std::string_view relative) const {
    const Lang lang = preferred_lang(request);
    const auto not_found = [&] { return Response::problem(ErrorCode::not_found, lang); };
    if (!safe_relative(relative)) return not_found();

    std::error_code ec;
    fs::path path =
        fs::weakly_canonical(root_ / fs::path(std::string(relative)).relative_path(), ec);
    if (ec || !within(root_, path)) return not_found();
    if (fs::is_directory(path, ec)) path /= "index.html";
    path = fs::canonical(path, ec);  // resolves a symlinked index.html too
    if (ec || !within(root_, path) || !fs::is_regular_file(path, ec)) return not_found();

    const auto size = fs::file_size(path, ec);
    if (ec || size > max_file_bytes_) return not_found();
    const auto mtime = fs::last_write_time(path, ec);
    if (ec) return not_found();
    const std::string etag = fmt::format("\"{:x}-{:x}\"", size, mtime.time_since_epoch().count());

    if (auto inm = request.header("If-None-Match"); inm && (*inm == etag || *inm == "*")) {
        Response r{304, {}, {}, {}};
        r.headers.set("ETag", etag);
        r.headers.set("Cache-Control", "no-cache");
        return r;
    }

    std::ifstream in(path, std::ios::binary);
    std::string data(size, '\0');
    if (!in.read(data.data(), static_cast<std::streamsize>(size))) {
        return Response::problem(ErrorCode::internal_error, lang);
    }
    auto r =
        Response::bytes(std::string(content_type_for(path.extension().string())), std::move(data));
    r.headers.set("ETag", etag);
    r.headers.set("Cache-Control", "no-cache");
    return r;
}

Handler StaticFiles::handler(std::string param) const {
    return [this, param = std::move(param)](const Request& request) {
        return serve(request, request.path_param(param));
    };
}

}  // namespace kakuin::http
