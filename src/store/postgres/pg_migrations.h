// The PostgreSQL dialect of the schema migrations, generated from
// src/store/migrations/postgres/NNNN_name.sql. Same versions and names as migrations().
#pragma once

#include <vector>

#include "store/migrations.h"

namespace kakuin::store::postgres {

// In version order.
const std::vector<Migration>& pg_migrations();

}  // namespace kakuin::store::postgres
