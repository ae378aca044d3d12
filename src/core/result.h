// Result<T>: a value or an Error. Expected failures are values, never exceptions.
#pragma once

#include <cassert>
#include <utility>
#include <variant>

#include "core/error.h"

namespace kakuin {

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }

    // REQUIRES: ok().
    T& value() & { assert(ok()); return std::get<0>(v_); }
    const T& value() const& { assert(ok()); return std::get<0>(v_); }
    T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    // REQUIRES: !ok().
    const Error& error() const { assert(!ok()); return std::get<1>(v_); }
    Error&& take_error() { assert(!ok()); return std::get<1>(std::move(v_)); }

private:
    std::variant<T, Error> v_;
};

// Result of an operation with no value.
template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : error_(std::move(error)), ok_(false) {}

    bool ok() const { return ok_; }
    explicit operator bool() const { return ok_; }
    const Error& error() const { assert(!ok_); return error_; }
    Error&& take_error() { assert(!ok_); return std::move(error_); }

private:
    Error error_;
    bool ok_ = true;
};

using Status = Result<void>;

// Propagate an error: KAKUIN_TRY(auto x, f());  /  KAKUIN_TRY_STATUS(g());
#define KAKUIN_CONCAT_INNER(a, b) a##b
#define KAKUIN_CONCAT(a, b) KAKUIN_CONCAT_INNER(a, b)
#define KAKUIN_TRY_IMPL(tmp, decl, expr) \
    auto tmp = (expr);                   \
    if (!tmp.ok()) return tmp.take_error(); \
    decl = std::move(tmp).value()
#define KAKUIN_TRY(decl, expr) KAKUIN_TRY_IMPL(KAKUIN_CONCAT(kakuin_try_, __LINE__), decl, expr)
#define KAKUIN_TRY_STATUS(expr)                          \
    do {                                                 \
        auto kakuin_status_ = (expr);                    \
        if (!kakuin_status_.ok()) return kakuin_status_.take_error(); \
    } while (0)

}  // namespace kakuin
