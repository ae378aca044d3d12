// One use case = one store transaction: run the work, commit when it succeeded, roll back
// (by destroying the transaction) when anything failed.
#pragma once

#include <utility>

#include "core/result.h"
#include "store/store.h"

namespace kakuin::service {

// `work` is called as work(store::Transaction&) and returns Result<T> (or Status).
template <typename T, typename Work>
Result<T> in_transaction(store::Store& store, store::TxMode mode, Work&& work) {
    auto tx = store.begin(mode);
    if (!tx.ok()) return tx.take_error();
    Result<T> result = std::forward<Work>(work)(**tx);
    if (!result.ok()) return result;
    if (Status committed = (*tx)->commit(); !committed.ok()) return committed.take_error();
    return result;
}

}  // namespace kakuin::service
