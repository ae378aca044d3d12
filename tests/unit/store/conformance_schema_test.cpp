// The two dialects of the migrations (src/store/migrations/ and migrations/postgres/) describe
// one schema: same versions, tables, columns in the same order, NOT NULL, primary keys and
// named indexes. kakuin migrate copies rows column by column relying on it.
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "conformance_backends.h"
#include "store/migrations.h"
#include "store/postgres/pg_migrations.h"

namespace kakuin::store::conformance {
namespace {

struct Column {
    std::string name;
    bool not_null = false;
    bool primary_key = false;
    friend bool operator==(const Column&, const Column&) = default;
};
using Schema = std::map<std::string, std::vector<Column>>;

std::ostream& operator<<(std::ostream& o, const Column& c) {
    return o << c.name << (c.not_null ? " NOT NULL" : "") << (c.primary_key ? " PK" : "");
}

// SQLite reports INTEGER PRIMARY KEY (the rowid) and PRIMARY KEY columns as nullable unless
// declared NOT NULL; PostgreSQL makes every primary-key column NOT NULL. Compare as PostgreSQL.
void normalise(Schema& s) {
    for (auto& [table, cols] : s) {
        for (auto& c : cols) c.not_null = c.not_null || c.primary_key;
    }
}

Schema sqlite_schema(const std::string& path, std::set<std::string>& indexes) {
    Schema s;
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    std::vector<std::string> tables;
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db,
                       "SELECT name, type FROM sqlite_master WHERE type IN ('table', 'index')"
                       " AND name NOT LIKE 'sqlite_%' ORDER BY name",
                       -1, &st, nullptr);
    while (sqlite3_step(st) == SQLITE_ROW) {
        std::string name = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
        std::string type = reinterpret_cast<const char*>(sqlite3_column_text(st, 1));
        (type == "table" ? tables.push_back(name) : (void)indexes.insert(name));
    }
    sqlite3_finalize(st);
    for (const auto& t : tables) {
        sqlite3_prepare_v2(db, "SELECT name, \"notnull\", pk FROM pragma_table_info(?1) ORDER BY cid",
                           -1, &st, nullptr);
        sqlite3_bind_text(st, 1, t.c_str(), -1, SQLITE_TRANSIENT);
        while (sqlite3_step(st) == SQLITE_ROW) {
            s[t].push_back(Column{reinterpret_cast<const char*>(sqlite3_column_text(st, 0)),
                                  sqlite3_column_int(st, 1) != 0, sqlite3_column_int(st, 2) != 0});
        }
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return s;
}

Schema pg_schema(const std::string& url, std::set<std::string>& indexes) {
    Schema s;
    PGconn* c = PQconnectdb(url.c_str());
    EXPECT_EQ(PQstatus(c), CONNECTION_OK) << PQerrorMessage(c);
    PGresult* r = PQexec(
        c,
        "SELECT c.table_name, c.column_name, c.is_nullable = 'NO',"
        " EXISTS (SELECT 1 FROM information_schema.key_column_usage k"
        "   JOIN information_schema.table_constraints tc ON tc.constraint_name = k.constraint_name"
        "   AND tc.table_name = k.table_name AND tc.constraint_type = 'PRIMARY KEY'"
        "   WHERE k.table_name = c.table_name AND k.column_name = c.column_name)"
        " FROM information_schema.columns c WHERE c.table_schema = 'public'"
        " ORDER BY c.table_name, c.ordinal_position");
    EXPECT_EQ(PQresultStatus(r), PGRES_TUPLES_OK) << PQerrorMessage(c);
    for (int i = 0; i < PQntuples(r); ++i) {
        s[PQgetvalue(r, i, 0)].push_back(
            Column{PQgetvalue(r, i, 1), PQgetvalue(r, i, 2)[0] == 't', PQgetvalue(r, i, 3)[0] == 't'});
    }
    PQclear(r);
    // Named indexes only: PostgreSQL names the ones behind keys *_pkey / *_key.
    r = PQexec(c, "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'"
                  " AND indexname NOT LIKE '%\\_pkey' AND indexname NOT LIKE '%\\_key'");
    for (int i = 0; i < PQntuples(r); ++i) indexes.insert(PQgetvalue(r, i, 0));
    PQclear(r);
    PQfinish(c);
    return s;
}

TEST(StoreSchemaEquivalence, MigrationVersionsAndNamesMatch) {
    const auto& a = migrations();
    const auto& b = postgres::pg_migrations();
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(a[i].version, b[i].version);
        EXPECT_EQ(a[i].name, b[i].name);
    }
}

TEST(StoreSchemaEquivalence, TablesColumnsKeysAndIndexesMatch) {
    OpenedStore lite = open_fresh(Backend::sqlite);
    ASSERT_TRUE(lite.store) << lite.error;
    OpenedStore pg = open_fresh(Backend::postgres);
    ASSERT_TRUE(pg.store) << pg.error;
    std::set<std::string> lite_indexes, pg_indexes;
    Schema a = sqlite_schema(lite.sqlite_path, lite_indexes);
    Schema b = pg_schema(pg.pg_url, pg_indexes);
    normalise(a);
    ASSERT_GE(a.size(), 14u);
    EXPECT_EQ(a.size(), b.size());
    for (const auto& [table, cols] : a) {
        ASSERT_TRUE(b.contains(table)) << table;
        EXPECT_EQ(cols, b[table]) << table;
    }
    EXPECT_EQ(lite_indexes, pg_indexes);
}

}  // namespace
}  // namespace kakuin::store::conformance
