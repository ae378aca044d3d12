// Versioned schema migrations, generated from src/store/migrations/NNNN_name.sql.
#pragma once

#include <string_view>
#include <vector>

namespace kakuin::store {

struct Migration {
    int version;            // NNNN of the file name; strictly increasing
    std::string_view name;  // file name without .sql
    std::string_view sql;   // one or more statements
};

// In version order.
const std::vector<Migration>& migrations();

}  // namespace kakuin::store
