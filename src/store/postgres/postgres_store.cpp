#include "store/postgres/postgres_store.h"

#include <algorithm>
#include <chrono>

#include "store/postgres/pg_connection.h"
#include "store/postgres/pg_migrations.h"
#include "store/postgres/postgres_transaction.h"

namespace kakuin::store::postgres {

namespace {
// How long begin() waits for a pooled connection when all are in use.
constexpr auto kPoolWait = std::chrono::seconds(30);
// pg_advisory_xact_lock key of the migration: "kakuin" in ASCII.
constexpr std::string_view kMigrationLock = "SELECT pg_advisory_xact_lock(117586238335342)";
constexpr std::string_view kCreateSchemaVersion =
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL)";
constexpr std::string_view kSelectSchemaVersion =
    "SELECT coalesce(max(version), 0) FROM schema_version";
constexpr std::string_view kInsertSchemaVersion =
    "INSERT INTO schema_version (version, name) VALUES ($1, $2)";
}  // namespace

Result<std::unique_ptr<PostgresStore>> PostgresStore::open(const std::string& url, int pool_size) {
    std::unique_ptr<PostgresStore> store(new PostgresStore(url, std::max(1, pool_size)));
    KAKUIN_TRY_STATUS(store->migrate());
    return store;
}

PostgresStore::PostgresStore(std::string url, int pool_size)
    : url_(std::move(url)), pool_size_(pool_size) {}

PostgresStore::~PostgresStore() = default;

Result<std::unique_ptr<PgConnection>> PostgresStore::acquire() {
    {
        std::unique_lock lock(mu_);
        if (!freed_.wait_for(lock, kPoolWait,
                             [&] { return !idle_.empty() || open_ < pool_size_; })) {
            return make_error(ErrorCode::storage_failure,
                              "PostgreSQL: every pooled connection stayed busy");
        }
        if (!idle_.empty()) {
            auto conn = std::move(idle_.back());
            idle_.pop_back();
            return conn;
        }
        ++open_;
    }
    auto conn = PgConnection::open(url_);
    if (!conn.ok()) {
        std::lock_guard lock(mu_);
        --open_;
        freed_.notify_one();
    }
    return conn;
}

void PostgresStore::release(std::unique_ptr<PgConnection> conn) {
    std::lock_guard lock(mu_);
    if (conn && conn->idle()) {
        idle_.push_back(std::move(conn));
    } else {
        --open_;  // broken or still inside a transaction: closed by the unique_ptr
        conn.reset();
    }
    freed_.notify_one();
}

Result<std::unique_ptr<Transaction>> PostgresStore::begin(TxMode mode) {
    KAKUIN_TRY(auto conn, acquire());
    Status begun = conn->exec("begin", mode == TxMode::write
                                           ? "BEGIN ISOLATION LEVEL READ COMMITTED"
                                           : "BEGIN ISOLATION LEVEL REPEATABLE READ");
    if (!begun.ok()) {
        release(std::move(conn));
        return begun.take_error();
    }
    return std::unique_ptr<Transaction>(new PostgresTransaction(*this, std::move(conn), mode));
}

// All pending migrations run in one transaction (PostgreSQL's DDL is transactional) under an
// advisory lock, so nodes starting together apply each migration once.
Status PostgresStore::migrate() {
    KAKUIN_TRY(auto conn, acquire());
    auto run = [&]() -> Status {
        KAKUIN_TRY_STATUS(conn->exec("begin migration", "BEGIN"));
        KAKUIN_TRY_STATUS(conn->exec("migration lock", std::string(kMigrationLock)));
        KAKUIN_TRY_STATUS(conn->exec("schema_version", std::string(kCreateSchemaVersion)));
        KAKUIN_TRY(Rows v, conn->query("select_schema_version", kSelectSchemaVersion, Params()));
        const int current = v.size() ? v.int32(0, 0) : 0;
        for (const Migration& m : pg_migrations()) {
            if (m.version <= current) continue;
            KAKUIN_TRY_STATUS(conn->exec("migration " + std::string(m.name), std::string(m.sql)));
            KAKUIN_TRY(Rows ins, conn->query("insert_schema_version", kInsertSchemaVersion,
                                             Params().add(m.version).add(m.name)));
            (void)ins;
        }
        return conn->exec("commit migration", "COMMIT");
    };
    Status st = run();
    if (!st.ok()) (void)conn->exec("rollback migration", "ROLLBACK");
    release(std::move(conn));
    return st;
}

Result<int> PostgresStore::schema_version() {
    KAKUIN_TRY(auto conn, acquire());
    auto v = conn->query("select_schema_version", kSelectSchemaVersion, Params());
    release(std::move(conn));
    if (!v.ok()) return v.take_error();
    return v->size() ? v->int32(0, 0) : 0;
}

}  // namespace kakuin::store::postgres
