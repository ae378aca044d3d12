// The store conformance suite runs every test on each backend: SQLite (a file in a temporary
// directory) and PostgreSQL (a fresh database per test in a throwaway cluster).
//
// The PostgreSQL cluster comes from KAKUIN_PG_URL (postgresql://superuser@host:port/db), or,
// when that is unset, is started for this process with scripts/pg-test-cluster (found through
// KAKUIN_SOURCE_DIR, which ctest sets) and stopped at exit. Without either, the PostgreSQL
// tests FAIL: they never skip silently.
#pragma once

#include <memory>
#include <string>

#include "store/store.h"

namespace kakuin::store::conformance {

enum class Backend { sqlite, postgres };

struct OpenedStore {
    std::unique_ptr<Store> store;
    std::string error;  // set when opening failed
    // Opens the same database again (a second node, or a restart). Empty store on failure.
    std::function<std::unique_ptr<Store>()> reopen;
    std::string sqlite_path;  // SQLite only
    std::string pg_url;       // PostgreSQL only
};

// A fresh, empty, migrated store of `backend`; its files/database are removed by the next
// call or at exit.
OpenedStore open_fresh(Backend backend);

// The base URL of the test cluster, or "" with `error` set.
std::string pg_base_url(std::string& error);

// A new empty database in the test cluster; returns its URL ("" and `error` on failure).
std::string pg_create_database(std::string& error);

}  // namespace kakuin::store::conformance
