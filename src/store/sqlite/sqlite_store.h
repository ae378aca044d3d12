// The embedded store: one SQLite database file (WAL, synchronous=FULL, foreign keys on).
//
// Threading: thread-safe. Each read transaction takes a connection of its own from a small pool
// (opened on demand, kept when idle) and sees a WAL snapshot without waiting. Write
// transactions take turns on one writer connection and share durable COMMITs (group_commit.h):
// they queue in this process (at most kBusyTimeoutMs) and, against other processes, on SQLite's
// write lock (BEGIN IMMEDIATE, busy timeout kBusyTimeoutMs) instead of deadlocking on a lock
// upgrade.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/store.h"

namespace kakuin::store::sqlite {

class Connection;
class GroupCommit;
struct WriterStats;
struct CheckpointStats;

class SqliteStore final : public Store {
public:
    // Opens or creates the database at `path` and applies every pending migration.
    static Result<std::unique_ptr<SqliteStore>> open(const std::string& path);
    ~SqliteStore() override;

    // REQUIRES: the store outlives every transaction it began.
    Result<std::unique_ptr<Transaction>> begin(TxMode mode) override;
    // Through GroupCommit::run: `work` may run on another writer's thread.
    Status run_write(const std::function<bool(Transaction&)>& work) override;

    // Tests only: see GroupCommit::set_commit_veto_for_testing.
    void set_commit_veto_for_testing(std::function<bool()> veto);
    // Writers of this store waiting for the writer connection now (tests).
    int writers_queued() const;
    // Durable COMMITs of this store's write transactions so far; several transactions share one
    // under concurrency (group commit).
    std::uint64_t durable_commits() const;
    // Where the writer connection's time went (group_commit.h).
    WriterStats writer_stats() const;
    // The writer's WAL checkpoints (checkpointer.h).
    CheckpointStats checkpoint_stats() const;

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
    std::unique_ptr<GroupCommit> writer_;
};

}  // namespace kakuin::store::sqlite
