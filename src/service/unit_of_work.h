// One use case = one store transaction: run the work, commit when it succeeded, roll back
// (by destroying the transaction) when anything failed.
#pragma once

#include <utility>

#include "core/result.h"
#include "store/retry.h"
#include "store/store.h"

namespace kakuin::service {

// `work` is called as work(store::Transaction&) and returns Result<T> (or Status).
//
// A retryable failure (store/retry.h: a PostgreSQL serialization failure or deadlock, never
// reported by SQLite) rolls back and runs `work` again on a fresh transaction, up to
// store::kMaxTransactionAttempts times in all: `work` must not keep state between attempts.
template <typename T, typename Work>
Result<T> in_transaction(store::Store& store, store::TxMode mode, Work&& work) {
    for (int attempt = 1;; ++attempt) {
        const bool last = attempt >= store::kMaxTransactionAttempts;
        if (mode == store::TxMode::write) {
            // run_write may run `work` on another writer's thread (SQLite group commit).
            Result<T> result =
                make_error(ErrorCode::internal_error, "write transaction did not run");
            const Status done = store.run_write([&](store::Transaction& tx) {
                result = work(tx);
                return result.ok();
            });
            if (!done.ok()) {
                if (!last && store::is_retryable(done.error())) continue;
                return done.error();
            }
            if (!result.ok() && !last && store::is_retryable(result.error())) continue;
            return result;
        }
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
