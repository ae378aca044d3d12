// Serves the web UI's built files from one directory.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "http/response.h"
#include "http/router.h"

namespace kakuin::http {

class StaticFiles {
  public:
    // `root` must exist; files larger than `max_file_bytes` are not served.
    explicit StaticFiles(std::filesystem::path root, std::size_t max_file_bytes = 16 * 1024 * 1024);

    // `relative` is a decoded path below the root, e.g. a "{path...}" route parameter; empty
    // or a directory means its index.html. Not found (404 problem) for a missing file, any
    // "." or ".." or hidden segment, a backslash, or a symlink leading out of the root.
    // ETag from size and modification time; If-None-Match answers 304. Cache-Control: no-cache.
    Response serve(const Request& request, std::string_view relative) const;

    // A GET handler serving the route parameter `param`. The StaticFiles must outlive it.
    Handler handler(std::string param = "path") const;

    // "text/html; charset=utf-8" for ".html", ...; application/octet-stream when unknown.
    static std::string_view content_type_for(std::string_view extension);

  private:
    std::filesystem::path root_;  // canonical
    std::size_t max_file_bytes_;
};

}  // namespace kakuin::http
