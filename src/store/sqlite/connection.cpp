#include "store/sqlite/connection.h"

namespace kakuin::store::sqlite {

Result<std::unique_ptr<Connection>> Connection::open(const std::string& path) {
    sqlite3* raw = nullptr;
    // NOMUTEX: a connection is used by one thread at a time (see the store's pool).
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    std::unique_ptr<Connection> conn(new Connection(raw));  // closes `raw` even on failure
    if (rc != SQLITE_OK) return sqlite_error(raw, rc, "open " + path);
    sqlite3_extended_result_codes(raw, 1);
    if (int brc = sqlite3_busy_timeout(raw, kBusyTimeoutMs); brc != SQLITE_OK) {
        return sqlite_error(raw, brc, "busy_timeout");
    }
    KAKUIN_TRY_STATUS(conn->exec("pragmas",
                                 "PRAGMA journal_mode=WAL;"
                                 "PRAGMA synchronous=FULL;"
                                 "PRAGMA foreign_keys=ON;"
                                 "PRAGMA trusted_schema=OFF;"));
    return conn;
}

Connection::~Connection() {
    cache_.clear();  // finalize before close
    sqlite3_close(db_);
}

Result<Stmt> Connection::prepare(std::string_view name, std::string_view sql) {
    auto it = cache_.find(sql.data());
    if (it == cache_.end()) {
        sqlite3_stmt* s = nullptr;
        const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                          SQLITE_PREPARE_PERSISTENT, &s, nullptr);
        if (rc != SQLITE_OK) {
            sqlite3_finalize(s);
            return sqlite_error(db_, rc, std::string("prepare ") + std::string(name));
        }
        it = cache_.emplace(sql.data(), std::unique_ptr<sqlite3_stmt, StmtDeleter>(s)).first;
    }
    return Stmt(db_, it->second.get(), name);
}

Status Connection::exec(std::string_view what, const std::string& sql) {
    char* msg = nullptr;
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &msg);
    sqlite3_free(msg);  // sqlite_error reads the same text from the connection
    if (rc != SQLITE_OK) return sqlite_error(db_, rc, what);
    return {};
}

}  // namespace kakuin::store::sqlite
