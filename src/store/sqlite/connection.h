// One SQLite connection with its cache of prepared statements. Internal to the SQLite store.
// Not thread-safe: the store hands each connection to one transaction (one thread) at a time.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/result.h"
#include "store/sqlite/statement.h"

namespace kakuin::store::sqlite {

class Connection {
public:
    // Opens (creating if absent) with WAL, synchronous=FULL, foreign_keys=ON, busy_timeout.
    static Result<std::unique_ptr<Connection>> open(const std::string& path);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // `sql` must have static storage duration: it is the cache key.
    Result<Stmt> prepare(std::string_view name, std::string_view sql);
    // Runs one or more statements without parameters (BEGIN, COMMIT, migrations).
    Status exec(std::string_view what, const std::string& sql);
    int changes() const { return sqlite3_changes(db_); }
    sqlite3* db() const { return db_; }

private:
    explicit Connection(sqlite3* db) : db_(db) {}

    struct StmtDeleter {
        void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
    };
    sqlite3* db_;
    std::unordered_map<const char*, std::unique_ptr<sqlite3_stmt, StmtDeleter>> cache_;
};

// How long a connection waits for another writer before giving up with storage_failure.
inline constexpr int kBusyTimeoutMs = 30'000;

}  // namespace kakuin::store::sqlite
