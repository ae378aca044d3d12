// The embedded store: one SQLite database file (WAL, synchronous=FULL, foreign keys on).
//
// Threading: thread-safe. Each transaction takes a connection of its own from a small pool
// (opened on demand, kept when idle), so threads never share a connection. Writers begin with
// BEGIN IMMEDIATE and therefore queue on SQLite's write lock (busy timeout kBusyTimeoutMs)
// instead of deadlocking on a lock upgrade; readers see a WAL snapshot and do not wait.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/store.h"

namespace kakuin::store::sqlite {

class Connection;

class SqliteStore final : public Store {
public:
    // Opens or creates the database at `path` and applies every pending migration.
    static Result<std::unique_ptr<SqliteStore>> open(const std::string& path);
    ~SqliteStore() override;

    // REQUIRES: the store outlives every transaction it began.
    Result<std::unique_ptr<Transaction>> begin(TxMode mode) override;

    // The highest migration applied.
    Result<int> schema_version();

    // Internal: a finished transaction hands its connection back (or drops a broken one).
    void release(std::unique_ptr<Connection> conn);

private:
    explicit SqliteStore(std::string path);
    Result<std::unique_ptr<Connection>> acquire();
    Status migrate();

    std::string path_;
    std::mutex mu_;
    std::vector<std::unique_ptr<Connection>> idle_;  // guarded by mu_
};

}  // namespace kakuin::store::sqlite
