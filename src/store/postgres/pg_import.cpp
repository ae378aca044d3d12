#include "store/postgres/pg_import.h"

#include <sqlite3.h>

#include <array>
#include <memory>
#include <set>

#include "store/postgres/pg_connection.h"
#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"

namespace kakuin::store::postgres {

namespace {

// Every table of the schema, parents before children (foreign keys). schema_version is not
// copied: both sides are migrated to the same version first.
constexpr std::array<std::string_view, 17> kTables = {
    "contracts",     "persons",      "certificate_slots", "certificates",       "counters",
    "meta",          "usage_history", "sessions",         "otp_tokens",         "otp_used_steps",
    "enrollments",   "person_permissions", "contract_limits", "reminders",
    "staff",         "staff_sessions", "change_requests",
};

struct SqliteClose {
    void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct StmtFinalize {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using SqliteDb = std::unique_ptr<sqlite3, SqliteClose>;
using SqliteStmt = std::unique_ptr<sqlite3_stmt, StmtFinalize>;

Error lite_error(sqlite3* db, std::string_view what) {
    return make_error(ErrorCode::storage_failure,
                      "SQLite " + std::string(what) + ": " + sqlite3_errmsg(db));
}

Result<SqliteStmt> prepare(sqlite3* db, const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
        return lite_error(db, "prepare");
    }
    return SqliteStmt(s);
}

Result<std::vector<std::string>> columns_of(sqlite3* db, std::string_view table) {
    KAKUIN_TRY(SqliteStmt s, prepare(db, "SELECT name FROM pragma_table_info(?1) ORDER BY cid"));
    sqlite3_bind_text(s.get(), 1, table.data(), static_cast<int>(table.size()), SQLITE_TRANSIENT);
    std::vector<std::string> cols;
    int rc;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
        cols.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 0)));
    }
    if (rc != SQLITE_DONE) return lite_error(db, "table_info");
    return cols;
}

// Names come from the schema itself (never from input); quoted all the same.
std::string quoted(const std::string& name) { return "\"" + name + "\""; }

}  // namespace

Result<std::vector<std::pair<std::string, std::int64_t>>> copy_sqlite_to_postgres(
    const std::string& sqlite_path, const std::string& pg_url) {
    {  // Both at the latest schema version.
        KAKUIN_TRY(auto lite, sqlite::SqliteStore::open(sqlite_path));
        KAKUIN_TRY(auto pg, PostgresStore::open(pg_url, 1));
    }
    sqlite3* raw = nullptr;
    const int orc = sqlite3_open_v2(sqlite_path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
    SqliteDb db(raw);
    if (orc != SQLITE_OK) return lite_error(raw, "open " + sqlite_path);

    // Refuse a table this build would not copy: the copy must be lossless.
    {
        KAKUIN_TRY(SqliteStmt s, prepare(db.get(), "SELECT name FROM sqlite_master WHERE type ="
                                                   " 'table' AND name NOT LIKE 'sqlite_%'"));
        const std::set<std::string_view> known(kTables.begin(), kTables.end());
        while (sqlite3_step(s.get()) == SQLITE_ROW) {
            std::string name = reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 0));
            if (name != "schema_version" && !known.contains(name)) {
                return make_error(ErrorCode::storage_failure,
                                  "SQLite table " + name + " is unknown to this kakuin");
            }
        }
    }

    KAKUIN_TRY(auto pg, PgConnection::open(pg_url));
    if (sqlite3_exec(db.get(), "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK) {
        return lite_error(db.get(), "begin");
    }
    KAKUIN_TRY_STATUS(pg->exec("begin", "BEGIN ISOLATION LEVEL SERIALIZABLE"));
    std::vector<std::pair<std::string, std::int64_t>> copied;
    auto run = [&]() -> Status {
        for (std::string_view table_view : kTables) {
            const std::string table(table_view);
            KAKUIN_TRY(Rows existing, pg->query("count_" + table,
                                                "SELECT count(*) FROM " + quoted(table), Params()));
            if (existing.int64(0, 0) != 0) {
                return make_error(ErrorCode::conflict,
                                  "the PostgreSQL database is not empty (table " + table + ")");
            }
            KAKUIN_TRY(auto cols, columns_of(db.get(), table));
            std::string list, placeholders;
            for (std::size_t i = 0; i < cols.size(); ++i) {
                list += (i ? ", " : "") + quoted(cols[i]);
                placeholders += (i ? ", $" : "$") + std::to_string(i + 1);
            }
            const std::string insert =
                "INSERT INTO " + quoted(table) + " (" + list + ") VALUES (" + placeholders + ")";
            KAKUIN_TRY(SqliteStmt s, prepare(db.get(), "SELECT " + list + " FROM " + quoted(table)));
            std::int64_t n = 0;
            int rc;
            while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
                Params p;
                for (int c = 0; c < static_cast<int>(cols.size()); ++c) {
                    switch (sqlite3_column_type(s.get(), c)) {
                        case SQLITE_NULL: p.add_null(); break;
                        case SQLITE_INTEGER:
                            p.add(static_cast<std::int64_t>(sqlite3_column_int64(s.get(), c)));
                            break;
                        case SQLITE_BLOB: {
                            const auto* b =
                                static_cast<const std::uint8_t*>(sqlite3_column_blob(s.get(), c));
                            p.add(std::span<const std::uint8_t>(
                                b, static_cast<std::size_t>(sqlite3_column_bytes(s.get(), c))));
                            break;
                        }
                        default:  // TEXT (STRICT tables hold no REAL)
                            p.add(std::string_view(
                                reinterpret_cast<const char*>(sqlite3_column_text(s.get(), c)),
                                static_cast<std::size_t>(sqlite3_column_bytes(s.get(), c))));
                    }
                }
                KAKUIN_TRY(Rows r, pg->query("insert_" + table, insert, p));
                (void)r;
                ++n;
            }
            if (rc != SQLITE_DONE) return lite_error(db.get(), "read " + table);
            copied.emplace_back(table, n);
        }
        // New history ids continue after the copied ones.
        KAKUIN_TRY(Rows seq, pg->query("history_sequence",
                                       "SELECT setval(pg_get_serial_sequence('usage_history',"
                                       " 'id'), coalesce(max(id), 1), max(id) IS NOT NULL)"
                                       " FROM usage_history",
                                       Params()));
        (void)seq;
        KAKUIN_TRY(Rows req_seq, pg->query("change_request_sequence",
                                           "SELECT setval(pg_get_serial_sequence('change_requests',"
                                           " 'id'), coalesce(max(id), 1), max(id) IS NOT NULL)"
                                           " FROM change_requests",
                                           Params()));
        (void)req_seq;
        return pg->exec("commit", "COMMIT");
    };
    Status st = run();
    (void)sqlite3_exec(db.get(), "COMMIT", nullptr, nullptr, nullptr);
    if (!st.ok()) {
        (void)pg->exec("rollback", "ROLLBACK");
        return st.take_error();
    }
    return copied;
}

}  // namespace kakuin::store::postgres
