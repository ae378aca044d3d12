// A prepared statement borrowed from a connection's cache, with typed bind and column access.
// Internal to the SQLite store.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"

namespace kakuin::store::sqlite {

// Maps a SQLite result code to kakuin's errors: constraint violations become conflict
// (foreign keys: not_found), everything else storage_failure with SQLite's message.
Error sqlite_error(sqlite3* db, int rc, std::string_view what);

// Resets the statement and clears its bindings when destroyed, so the cached statement is
// ready for the next use. Parameters are 1-based, columns 0-based, as in SQLite.
class Stmt {
public:
    Stmt(sqlite3* db, sqlite3_stmt* stmt, std::string_view name) : db_(db), s_(stmt), name_(name) {}
    Stmt(Stmt&& o) noexcept : db_(o.db_), s_(o.s_), name_(o.name_), bind_rc_(o.bind_rc_) { o.s_ = nullptr; }
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;
    Stmt& operator=(Stmt&&) = delete;
    ~Stmt();

    Stmt& bind(int i, std::string_view v);
    Stmt& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
    Stmt& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
    Stmt& bind(int i, std::int64_t v);
    Stmt& bind(int i, int v) { return bind(i, static_cast<std::int64_t>(v)); }
    Stmt& bind(int i, bool v) { return bind(i, static_cast<std::int64_t>(v ? 1 : 0)); }
    Stmt& bind(int i, TimePoint t) { return bind(i, to_unix(t)); }
    Stmt& bind(int i, std::span<const std::uint8_t> blob);
    Stmt& bind_null(int i);
    Stmt& bind(int i, const std::optional<std::string>& v);
    Stmt& bind(int i, const std::optional<TimePoint>& v);
    Stmt& bind(int i, const std::optional<int>& v);

    // true: a row is ready; false: done.
    Result<bool> step();
    // Runs a statement that returns no rows.
    Status run();

    bool is_null(int col) const;
    std::int64_t int64(int col) const;
    int int32(int col) const { return static_cast<int>(int64(col)); }
    bool boolean(int col) const { return int64(col) != 0; }
    TimePoint time(int col) const { return from_unix(int64(col)); }
    std::string text(int col) const;
    std::vector<std::uint8_t> blob(int col) const;
    std::optional<std::string> opt_text(int col) const;
    std::optional<TimePoint> opt_time(int col) const;

private:
    void note_bind(int rc);

    sqlite3* db_;
    sqlite3_stmt* s_;
    std::string_view name_;
    int bind_rc_ = SQLITE_OK;
};

}  // namespace kakuin::store::sqlite
