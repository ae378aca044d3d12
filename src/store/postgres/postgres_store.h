// The PostgreSQL store: several kakuin nodes share one database (ARCHITECTURE.md, scale path).
//
// Threading: thread-safe. A pool of at most `pool_size` libpq connections; a transaction holds
// one for its lifetime, and begin() waits (bounded) when all are in use.
//
// Isolation: write transactions run at READ COMMITTED and lock the rows a rule depends on:
// load_slot_for_update, and in write transactions find_person, find_session and
// find_enrollment read with SELECT ... FOR UPDATE, so two nodes changing the same person's
// certificate, failure counter, used OTP steps or sessions queue on that row instead of both
// acting on a stale read. Unique keys (sessions, used OTP steps, certificates) are the last
// line. Read transactions see one REPEATABLE READ snapshot. Deadlocks and serialization
// failures come back as retryable conflicts (store/retry.h) that service::in_transaction
// runs again.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/store.h"

namespace kakuin::store::postgres {

class PgConnection;

inline constexpr int kDefaultPoolSize = 8;

class PostgresStore final : public Store {
public:
    // Connects to `url` (postgresql://user@host:port/db?...) and applies every pending
    // migration (one node at a time: an advisory lock). Errors: storage_failure.
    static Result<std::unique_ptr<PostgresStore>> open(const std::string& url,
                                                       int pool_size = kDefaultPoolSize);
    ~PostgresStore() override;

    // REQUIRES: the store outlives every transaction it began.
    Result<std::unique_ptr<Transaction>> begin(TxMode mode) override;

    // The highest migration applied.
    Result<int> schema_version();

    // Internal: a finished transaction hands its connection back (dropped when broken).
    void release(std::unique_ptr<PgConnection> conn);

private:
    PostgresStore(std::string url, int pool_size);
    Result<std::unique_ptr<PgConnection>> acquire();
    Status migrate();

    std::string url_;
    int pool_size_;
    std::mutex mu_;
    std::condition_variable freed_;
    std::vector<std::unique_ptr<PgConnection>> idle_;  // guarded by mu_
    int open_ = 0;                                     // guarded by mu_: idle + in use
};

}  // namespace kakuin::store::postgres
