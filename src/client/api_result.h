// ApiResult<T>: a value or the Failure to show the person (see problem.h). The API client
// needs more than core's Error can say: the server's own code and localised detail, and
// network failures that no server ever reports.
#pragma once

#include <cassert>
#include <utility>
#include <variant>

#include "client/problem.h"

namespace kakuin::client {

template <typename T>
class [[nodiscard]] ApiResult {
public:
    ApiResult(T value) : v_(std::in_place_index<0>, std::move(value)) {}
    ApiResult(Failure failure) : v_(std::in_place_index<1>, std::move(failure)) {}

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }
    // REQUIRES: ok().
    T& value() & { assert(ok()); return std::get<0>(v_); }
    T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
    T* operator->() { return &value(); }
    T& operator*() & { return value(); }
    // REQUIRES: !ok().
    const Failure& failure() const { assert(!ok()); return std::get<1>(v_); }

private:
    std::variant<T, Failure> v_;
};

}  // namespace kakuin::client
