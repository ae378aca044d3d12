#include "cli/web_dir.h"

#include <cstdlib>
#include <system_error>

namespace kakuin::cli {

namespace fs = std::filesystem;

namespace {

bool has_index(const fs::path& dir) {
    std::error_code ec;
    return fs::is_regular_file(dir / "index.html", ec);
}

}  // namespace

std::optional<fs::path> find_web_dir() {
    if (const char* env = std::getenv("KAKUIN_WEB_DIR"); env && *env) {
        if (has_index(env)) return fs::path(env);
        return std::nullopt;
    }
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        // build*/src/cli/kakuin -> the source tree's web/dist
        const fs::path candidate = exe.parent_path() / ".." / ".." / ".." / "web" / "dist";
        if (has_index(candidate)) return fs::weakly_canonical(candidate, ec);
    }
    if (has_index("/usr/share/kakuin/web")) return fs::path("/usr/share/kakuin/web");
    return std::nullopt;
}

api::WebOptions web_options(const Config& config) {
    api::WebOptions w;
    w.root = find_web_dir();
    w.wording = config.wording;
    for (const auto& l : config.listeners) {
        if (l.name == "https") w.https_port = l.port;
        if (l.name == "mtls") w.mtls_port = l.port;
    }
    return w;
}

}  // namespace kakuin::cli
