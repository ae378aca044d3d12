#include "store/sqlite/sqlite_store.h"

#include "store/migrations.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/group_commit.h"
#include "store/sqlite/sqlite_transaction.h"

namespace kakuin::store::sqlite {

namespace {
// Connections kept open while idle; more are opened on demand and closed when released.
// With 8, 16 threads reading at once (bench row 3) opened a connection (files, schema) for about
// one read in ten.
constexpr std::size_t kMaxIdleConnections = 16;

constexpr std::string_view kCreateSchemaVersion =
    "CREATE TABLE IF NOT EXISTS schema_version ("
    " version INTEGER PRIMARY KEY, name TEXT NOT NULL) STRICT";
constexpr std::string_view kSelectSchemaVersion =
    "SELECT coalesce(max(version), 0) FROM schema_version";
constexpr std::string_view kInsertSchemaVersion =
    "INSERT INTO schema_version (version, name) VALUES (?1, ?2)";
}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path) {
    // SQLite counts every allocation under one process-wide mutex unless told not to; kakuin
    // never reads those counters. Possible only before SQLite initializes: later (another user
    // of SQLite in the process came first) it is refused with SQLITE_MISUSE and nothing changes.
    static std::once_flag configured;
    std::call_once(configured, [] { (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
    std::unique_ptr<SqliteStore> store(new SqliteStore(path));
    KAKUIN_TRY_STATUS(store->migrate());
    return store;
}

SqliteStore::SqliteStore(std::string path)
    : path_(std::move(path)), writer_(std::make_unique<GroupCommit>(path_)) {}

SqliteStore::~SqliteStore() = default;

Result<std::unique_ptr<Connection>> SqliteStore::acquire() {
    {
        std::lock_guard lock(mu_);
        if (!idle_.empty()) {
            auto conn = std::move(idle_.back());
            idle_.pop_back();
            return conn;
        }
    }
    return Connection::open(path_);
}

void SqliteStore::release(std::unique_ptr<Connection> conn) {
    if (!conn || !sqlite3_get_autocommit(conn->db())) return;  // still inside a transaction: drop it
    std::lock_guard lock(mu_);
    if (idle_.size() < kMaxIdleConnections) idle_.push_back(std::move(conn));
}

Result<std::unique_ptr<Transaction>> SqliteStore::begin(TxMode mode) {
    if (mode == TxMode::write) {
        KAKUIN_TRY(Connection * conn, writer_->enter());
        return std::unique_ptr<Transaction>(new SqliteTransaction(*writer_, *conn));
    }
    KAKUIN_TRY(auto conn, acquire());
    KAKUIN_TRY_STATUS(conn->exec("begin", "BEGIN"));
    return std::unique_ptr<Transaction>(new SqliteTransaction(*this, std::move(conn)));
}

Status SqliteStore::run_write(const std::function<bool(Transaction&)>& work) {
    return writer_->run([&](Connection& conn) {
        SqliteTransaction tx(conn);
        return work(tx);
    });
}

int SqliteStore::writers_queued() const { return writer_->queued(); }

std::uint64_t SqliteStore::durable_commits() const { return writer_->durable_commits(); }

WriterStats SqliteStore::writer_stats() const { return writer_->stats(); }

CheckpointStats SqliteStore::checkpoint_stats() const { return writer_->checkpoint_stats(); }

void SqliteStore::set_commit_veto_for_testing(std::function<bool()> veto) {
    writer_->set_commit_veto_for_testing(std::move(veto));
}

// Each pending migration runs in its own write transaction with its schema_version row, so a
// crash leaves the database at a version boundary; opening twice applies nothing the second time.
Status SqliteStore::migrate() {
    KAKUIN_TRY(auto conn, acquire());
    KAKUIN_TRY_STATUS(conn->exec("schema_version", std::string(kCreateSchemaVersion)));
    for (const Migration& m : migrations()) {
        KAKUIN_TRY_STATUS(conn->exec("begin migration", "BEGIN IMMEDIATE"));
        auto applied = [&]() -> Result<bool> {
            int current = 0;
            {
                KAKUIN_TRY(Stmt q, conn->prepare("select_schema_version", kSelectSchemaVersion));
                KAKUIN_TRY(bool row, q.step());
                if (row) current = q.int32(0);
            }
            if (m.version <= current) return false;
            KAKUIN_TRY_STATUS(conn->exec("migration " + std::string(m.name), std::string(m.sql)));
            KAKUIN_TRY(Stmt ins, conn->prepare("insert_schema_version", kInsertSchemaVersion));
            KAKUIN_TRY_STATUS(ins.bind(1, m.version).bind(2, m.name).run());
            return true;
        }();
        if (!applied.ok()) {
            (void)conn->exec("rollback migration", "ROLLBACK");
            return applied.take_error();
        }
        KAKUIN_TRY_STATUS(conn->exec("commit migration", "COMMIT"));
    }
    release(std::move(conn));
    return {};
}

Result<int> SqliteStore::schema_version() {
    KAKUIN_TRY(auto conn, acquire());
    int version = 0;
    {
        KAKUIN_TRY(Stmt q, conn->prepare("select_schema_version", kSelectSchemaVersion));
        KAKUIN_TRY(bool row, q.step());
        if (row) version = q.int32(0);
    }
    release(std::move(conn));
    return version;
}

}  // namespace kakuin::store::sqlite
