// Where `kakuin serve` finds the built web screens.
#pragma once

#include <filesystem>
#include <optional>

#include "api/web_routes.h"
#include "cli/config.h"

namespace kakuin::cli {

// $KAKUIN_WEB_DIR when set (must hold index.html); else web/dist of the source tree when the
// binary runs from a build directory below it (build*/src/cli/kakuin); else
// /usr/share/kakuin/web. nullopt when none holds index.html (the API is served without screens).
std::optional<std::filesystem::path> find_web_dir();

// find_web_dir() and the configured https / mtls ports.
api::WebOptions web_options(const Config& config);

}  // namespace kakuin::cli
