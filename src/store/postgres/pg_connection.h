// One libpq connection with its prepared statements, typed parameters and result access.
// Internal to the PostgreSQL store. Not thread-safe: the store hands each connection to one
// transaction (one thread) at a time.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/clock.h"
#include "core/result.h"

namespace kakuin::store::postgres {

// Bound parameters, $1 first. Text format, except byte strings (binary).
class Params {
public:
    Params& add(std::string_view v);
    Params& add(const std::string& v) { return add(std::string_view(v)); }
    Params& add(const char* v) { return add(std::string_view(v)); }
    Params& add(std::int64_t v) { return add(std::to_string(v)); }
    Params& add(int v) { return add(static_cast<std::int64_t>(v)); }
    Params& add(bool v) { return add(std::string_view(v ? "1" : "0")); }
    Params& add(TimePoint t) { return add(to_unix(t)); }
    Params& add(std::span<const std::uint8_t> bytes);
    Params& add_null();
    Params& add(const std::optional<std::string>& v) { return v ? add(*v) : add_null(); }
    Params& add(const std::optional<TimePoint>& v) { return v ? add(*v) : add_null(); }
    Params& add(const std::optional<int>& v) { return v ? add(*v) : add_null(); }

    int size() const { return static_cast<int>(values_.size()); }
    std::vector<const char*> pointers() const;
    const std::vector<int>& lengths() const { return lengths_; }
    const std::vector<int>& formats() const { return formats_; }

private:
    std::vector<std::optional<std::string>> values_;
    std::vector<int> lengths_;
    std::vector<int> formats_;
};

// A query result (RAII for PGresult). Rows and columns 0-based.
class Rows {
public:
    explicit Rows(PGresult* r) : r_(r) {}
    int size() const { return PQntuples(r_.get()); }
    std::int64_t affected() const;
    bool is_null(int row, int col) const { return PQgetisnull(r_.get(), row, col) != 0; }
    std::string text(int row, int col) const;
    std::int64_t int64(int row, int col) const;
    int int32(int row, int col) const { return static_cast<int>(int64(row, col)); }
    // 0/1 integers and PostgreSQL booleans ('t'/'f').
    bool boolean(int row, int col) const;
    TimePoint time(int row, int col) const { return from_unix(int64(row, col)); }
    std::vector<std::uint8_t> bytes(int row, int col) const;  // a BYTEA column
    std::optional<std::string> opt_text(int row, int col) const;
    std::optional<TimePoint> opt_time(int row, int col) const;

private:
    struct Clear {
        void operator()(PGresult* r) const { PQclear(r); }
    };
    std::unique_ptr<PGresult, Clear> r_;
};

class PgConnection {
public:
    // Connects to `url` (postgresql://...), sets lock and statement limits.
    static Result<std::unique_ptr<PgConnection>> open(const std::string& url);
    ~PgConnection();
    PgConnection(const PgConnection&) = delete;
    PgConnection& operator=(const PgConnection&) = delete;

    // Runs a prepared statement, preparing it under `name` on first use. `name` must name one
    // SQL text for the life of the connection.
    Result<Rows> query(std::string_view name, std::string_view sql, const Params& params);
    // Runs SQL without parameters (BEGIN, COMMIT, migrations: several statements allowed).
    Status exec(std::string_view what, const std::string& sql);
    // Whether the connection is usable and outside any transaction.
    bool idle() const;
    PGconn* raw() const { return c_; }

private:
    explicit PgConnection(PGconn* c) : c_(c) {}
    PGconn* c_;
    std::unordered_set<std::string> prepared_;
};

// Maps a failed result to kakuin's errors: unique and check violations -> conflict, foreign
// keys -> not_found, serialization failure and deadlock -> conflict with kRetryablePrefix
// (store/retry.h), everything else storage_failure. Takes ownership of `r` (may be null).
Error pg_error(PGconn* c, PGresult* r, std::string_view what);

// How long a statement waits for a row lock held by another transaction.
inline constexpr int kLockTimeoutMs = 30'000;

}  // namespace kakuin::store::postgres
