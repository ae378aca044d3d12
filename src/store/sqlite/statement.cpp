#include "store/sqlite/statement.h"

namespace kakuin::store::sqlite {

Error sqlite_error(sqlite3* db, int rc, std::string_view what) {
    const int extended = db ? sqlite3_extended_errcode(db) : rc;
    std::string detail = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)) +
                         " (" + std::to_string(extended) + ")";
    if ((rc & 0xff) == SQLITE_CONSTRAINT) {
        if (extended == SQLITE_CONSTRAINT_FOREIGNKEY) return make_error(ErrorCode::not_found, detail);
        return make_error(ErrorCode::conflict, detail);
    }
    return make_error(ErrorCode::storage_failure, detail);
}

Stmt::~Stmt() {
    if (!s_) return;
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
}

void Stmt::note_bind(int rc) {
    if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

Stmt& Stmt::bind(int i, std::string_view v) {
    note_bind(sqlite3_bind_text64(s_, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
    return *this;
}

Stmt& Stmt::bind(int i, std::int64_t v) {
    note_bind(sqlite3_bind_int64(s_, i, v));
    return *this;
}

Stmt& Stmt::bind(int i, std::span<const std::uint8_t> blob) {
    note_bind(sqlite3_bind_blob64(s_, i, blob.data(), blob.size(), SQLITE_TRANSIENT));
    return *this;
}

Stmt& Stmt::bind_null(int i) {
    note_bind(sqlite3_bind_null(s_, i));
    return *this;
}

Stmt& Stmt::bind(int i, const std::optional<std::string>& v) {
    return v ? bind(i, std::string_view(*v)) : bind_null(i);
}

Stmt& Stmt::bind(int i, const std::optional<TimePoint>& v) { return v ? bind(i, *v) : bind_null(i); }

Stmt& Stmt::bind(int i, const std::optional<int>& v) { return v ? bind(i, *v) : bind_null(i); }

Result<bool> Stmt::step() {
    if (bind_rc_ != SQLITE_OK) return sqlite_error(db_, bind_rc_, std::string(name_) + ": bind");
    const int rc = sqlite3_step(s_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return sqlite_error(db_, rc, name_);
}

Status Stmt::run() {
    KAKUIN_TRY(bool row, step());
    (void)row;  // statements with RETURNING are read through step()
    return {};
}

bool Stmt::is_null(int col) const { return sqlite3_column_type(s_, col) == SQLITE_NULL; }

std::int64_t Stmt::int64(int col) const { return sqlite3_column_int64(s_, col); }

std::string Stmt::text(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, col));
    const int n = sqlite3_column_bytes(s_, col);
    return p ? std::string(p, static_cast<std::size_t>(n)) : std::string();
}

std::vector<std::uint8_t> Stmt::blob(int col) const {
    const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(s_, col));
    const int n = sqlite3_column_bytes(s_, col);
    return p ? std::vector<std::uint8_t>(p, p + n) : std::vector<std::uint8_t>();
}

std::optional<std::string> Stmt::opt_text(int col) const {
    if (is_null(col)) return std::nullopt;
    return text(col);
}

std::optional<TimePoint> Stmt::opt_time(int col) const {
    if (is_null(col)) return std::nullopt;
    return time(col);
}

}  // namespace kakuin::store::sqlite
