#include "store/postgres/pg_connection.h"

#include <charconv>
#include <cstring>

#include "store/retry.h"

namespace kakuin::store::postgres {

Params& Params::add(std::string_view v) {
    values_.emplace_back(std::string(v));
    lengths_.push_back(static_cast<int>(v.size()));
    formats_.push_back(0);
    return *this;
}

Params& Params::add(std::span<const std::uint8_t> bytes) {
    values_.emplace_back(std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
    lengths_.push_back(static_cast<int>(bytes.size()));
    formats_.push_back(1);
    return *this;
}

Params& Params::add_null() {
    values_.emplace_back(std::nullopt);
    lengths_.push_back(0);
    formats_.push_back(0);
    return *this;
}

std::vector<const char*> Params::pointers() const {
    std::vector<const char*> p;
    p.reserve(values_.size());
    for (const auto& v : values_) p.push_back(v ? v->data() : nullptr);
    return p;
}

std::int64_t Rows::affected() const {
    const char* n = PQcmdTuples(r_.get());
    std::int64_t v = 0;
    if (n && *n) std::from_chars(n, n + std::strlen(n), v);
    return v;
}

std::string Rows::text(int row, int col) const {
    return std::string(PQgetvalue(r_.get(), row, col),
                       static_cast<std::size_t>(PQgetlength(r_.get(), row, col)));
}

std::int64_t Rows::int64(int row, int col) const {
    const char* s = PQgetvalue(r_.get(), row, col);
    std::int64_t v = 0;
    std::from_chars(s, s + PQgetlength(r_.get(), row, col), v);
    return v;
}

bool Rows::boolean(int row, int col) const {
    const char* s = PQgetvalue(r_.get(), row, col);
    return s[0] == 't' || (s[0] >= '1' && s[0] <= '9');
}

std::vector<std::uint8_t> Rows::bytes(int row, int col) const {
    std::size_t len = 0;
    unsigned char* raw = PQunescapeBytea(
        reinterpret_cast<const unsigned char*>(PQgetvalue(r_.get(), row, col)), &len);
    if (!raw) return {};
    std::vector<std::uint8_t> out(raw, raw + len);
    PQfreemem(raw);
    return out;
}

std::optional<std::string> Rows::opt_text(int row, int col) const {
    if (is_null(row, col)) return std::nullopt;
    return text(row, col);
}

std::optional<TimePoint> Rows::opt_time(int row, int col) const {
    if (is_null(row, col)) return std::nullopt;
    return time(row, col);
}

Error pg_error(PGconn* c, PGresult* r, std::string_view what) {
    std::string state;
    std::string message;
    if (r) {
        if (const char* s = PQresultErrorField(r, PG_DIAG_SQLSTATE)) state = s;
        if (const char* m = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY)) message = m;
        PQclear(r);
    }
    if (message.empty() && c) message = PQerrorMessage(c);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    const std::string text = std::string(what) + ": " + message;
    if (state == "40001" || state == "40P01") {
        return make_error(ErrorCode::conflict, std::string(kRetryablePrefix) + text);
    }
    if (state == "23505" || state == "23514" || state == "23P01") {
        return make_error(ErrorCode::conflict, text);
    }
    if (state == "23503") return make_error(ErrorCode::not_found, text);
    return make_error(ErrorCode::storage_failure, text);
}

Result<std::unique_ptr<PgConnection>> PgConnection::open(const std::string& url) {
    PGconn* c = PQconnectdb(url.c_str());
    if (!c) return make_error(ErrorCode::storage_failure, "PostgreSQL: out of memory");
    std::unique_ptr<PgConnection> conn(new PgConnection(c));
    if (PQstatus(c) != CONNECTION_OK) {
        std::string m = PQerrorMessage(c);
        while (!m.empty() && m.back() == '\n') m.pop_back();
        return make_error(ErrorCode::storage_failure, "PostgreSQL connect: " + m);
    }
    // Times are Unix seconds in BIGINT columns: the session time zone never matters.
    KAKUIN_TRY_STATUS(conn->exec("session settings",
                                 "SET lock_timeout = " + std::to_string(kLockTimeoutMs) +
                                     "; SET client_encoding = 'UTF8'; SET client_min_messages = warning"));
    return conn;
}

PgConnection::~PgConnection() { PQfinish(c_); }

Result<Rows> PgConnection::query(std::string_view name, std::string_view sql,
                                 const Params& params) {
    std::string key(name);
    if (!prepared_.contains(key)) {
        PGresult* r = PQprepare(c_, key.c_str(), std::string(sql).c_str(), params.size(), nullptr);
        if (!r || PQresultStatus(r) != PGRES_COMMAND_OK) return pg_error(c_, r, "prepare " + key);
        PQclear(r);
        prepared_.insert(key);
    }
    const auto values = params.pointers();
    PGresult* r = PQexecPrepared(c_, key.c_str(), params.size(), values.data(),
                                 params.lengths().data(), params.formats().data(), 0);
    const ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return pg_error(c_, r, key);
    return Rows(r);
}

Status PgConnection::exec(std::string_view what, const std::string& sql) {
    PGresult* r = PQexec(c_, sql.c_str());
    const ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return pg_error(c_, r, what);
    PQclear(r);
    return {};
}

bool PgConnection::idle() const {
    return PQstatus(c_) == CONNECTION_OK && PQtransactionStatus(c_) == PQTRANS_IDLE;
}

}  // namespace kakuin::store::postgres
