// A Store decorator that makes the Nth call on its transactions (commit included) fail with
// storage_failure, like Beast's fail_counter: a test loops N = 1, 2, ... until the use case
// succeeds and checks that every failed attempt left the store exactly as it was.
#pragma once

#include <atomic>

#include "store/store.h"

namespace kakuin::service::testing {

class FailingStore final : public store::Store {
public:
    explicit FailingStore(store::Store& inner) : inner_(inner) {}

    // Fail the Nth transaction call from now on (counting from 1); 0 never fails.
    void fail_at(int n) {
        calls_ = 0;
        fail_at_ = n;
    }
    int calls() const { return calls_; }
    bool failed() const { return fail_at_ > 0 && calls_ >= fail_at_; }

    Result<std::unique_ptr<store::Transaction>> begin(store::TxMode mode) override;

private:
    store::Store& inner_;
    std::atomic<int> calls_{0};
    std::atomic<int> fail_at_{0};
};

}  // namespace kakuin::service::testing
