// Opens the store the configuration names.
#pragma once

#include <memory>

#include "cli/config.h"
#include "store/store.h"

namespace kakuin::cli {

// sqlite:<path> opens (and migrates) the embedded database; postgresql://... opens a pool of
// store_pool_size connections (and migrates). Errors: config_invalid for another scheme,
// storage_failure when the database cannot be opened.
Result<std::unique_ptr<store::Store>> open_store(const Config& config);

}  // namespace kakuin::cli
