// Errors after which running the whole unit of work again is safe and likely to succeed:
// a PostgreSQL serialization failure or deadlock (SQLSTATE 40001, 40P01). The transaction was
// rolled back, nothing of it is visible. SQLite never reports them (writers queue instead).
#pragma once

#include <string_view>

#include "core/error.h"

namespace kakuin::store {

// The detail every retryable error starts with (code conflict).
inline constexpr std::string_view kRetryablePrefix = "retryable: ";

inline bool is_retryable(const Error& e) {
    return e.code == ErrorCode::conflict && e.detail.rfind(kRetryablePrefix, 0) == 0;
}

// How many times service::in_transaction runs a unit of work in all.
inline constexpr int kMaxTransactionAttempts = 5;

}  // namespace kakuin::store
