// Copies a bank's SQLite database into an empty PostgreSQL database (kakuin migrate): every
// table, every row, every column as stored, in one PostgreSQL transaction.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"

namespace kakuin::store::postgres {

// Both databases are first brought to the same (latest) schema version. The SQLite file is
// read in one read transaction (stop the nodes first so nothing is missed).
// Errors: conflict when the PostgreSQL database already holds rows; storage_failure when
// either side fails or the SQLite database has a table this build does not know.
// Returns each table with its number of copied rows, in copy order.
Result<std::vector<std::pair<std::string, std::int64_t>>> copy_sqlite_to_postgres(
    const std::string& sqlite_path, const std::string& pg_url);

}  // namespace kakuin::store::postgres
