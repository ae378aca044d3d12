// One use case = one store transaction: run the work, commit when it succeeded, roll back
// (by destroying the transaction) when anything failed.
#pragma once

#include <utility>

#include "core/result.h"
#include "store/retry.h"
#include "store/store.h"

namespace kakuin::service {

// in_transaction(write) below, except that `work(tx, keep)` may set `keep` before failing: the
// transaction is then committed (say a refused login's failure counter and history record) and
// the work's error returned. Retryable store failures run it again, as in in_transaction.
template <typename T, typename Work>
Result<T> in_write_keeping_failures(store::Store& store, Work&& work) {
    for (int attempt = 1;; ++attempt) {
        const bool last = attempt >= store::kMaxTransactionAttempts;
        // run_write may run `work` on another writer's thread (SQLite group commit).
        Result<T> result = make_error(ErrorCode::internal_error, "write transaction did not run");
        const Status done = store.run_write([&](store::Transaction& tx) {
            bool keep = false;
            result = work(tx, keep);
            return result.ok() || keep;
        });
        if (!done.ok()) {
            if (!last && store::is_retryable(done.error())) continue;
            return done.error();
        }
        if (!result.ok() && !last && store::is_retryable(result.error())) continue;
        return result;
    }
}

// `work` is called as work(store::Transaction&) and returns Result<T> (or Status).
//
// A retryable failure (store/retry.h: a PostgreSQL serialization failure or deadlock, never
// reported by SQLite) rolls back and runs `work` again on a fresh transaction, up to
// store::kMaxTransactionAttempts times in all: `work` must not keep state between attempts.
template <typename T, typename Work>
Result<T> in_transaction(store::Store& store, store::TxMode mode, Work&& work) {
    if (mode == store::TxMode::write) {  // committed only when `work` succeeds
        return in_write_keeping_failures<T>(
            store, [&](store::Transaction& tx, bool& /*keep*/) { return work(tx); });
    }
    for (int attempt = 1;; ++attempt) {
        const bool last = attempt >= store::kMaxTransactionAttempts;
        auto tx = store.begin(mode);
        if (!tx.ok()) {
            if (!last && store::is_retryable(tx.error())) continue;
            return tx.take_error();
        }
        Result<T> result = work(**tx);
        if (!result.ok()) {
            if (!last && store::is_retryable(result.error())) continue;
            return result;
        }
        if (Status committed = (*tx)->commit(); !committed.ok()) {
            if (!last && store::is_retryable(committed.error())) continue;
            return committed.take_error();
        }
        return result;
    }
}

}  // namespace kakuin::service
