#include "conformance_backends.h"

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>

#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"

namespace kakuin::store::conformance {

namespace {

// The cluster this process started (stopped at exit), or the one KAKUIN_PG_URL names.
class Cluster {
public:
    static Cluster& get() {
        static Cluster c;
        return c;
    }
    const std::string& url() const { return url_; }
    const std::string& error() const { return error_; }
    ~Cluster() {
        if (dir_.empty()) return;
        const std::string cmd = script_ + " stop '" + dir_ + "' >/dev/null 2>&1";
        (void)std::system(cmd.c_str());
    }

private:
    Cluster() {
        if (const char* u = std::getenv("KAKUIN_PG_URL"); u && *u) {
            url_ = u;
            return;
        }
        const char* src = std::getenv("KAKUIN_SOURCE_DIR");
        if (!src || !*src) {
            error_ = "neither KAKUIN_PG_URL nor KAKUIN_SOURCE_DIR is set: no PostgreSQL to test";
            return;
        }
        script_ = std::string(src) + "/scripts/pg-test-cluster";
        const std::string cmd = script_ + " start --owner-pid " + std::to_string(getpid());
        FILE* p = popen(cmd.c_str(), "r");
        if (!p) {
            error_ = "cannot run " + script_;
            return;
        }
        char line[4096];
        while (fgets(line, sizeof line, p)) {
            std::string s(line);
            while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
            if (s.rfind("KAKUIN_PG_URL=", 0) == 0) url_ = s.substr(14);
            if (s.rfind("KAKUIN_PG_DIR=", 0) == 0) dir_ = s.substr(14);
        }
        const int rc = pclose(p);
        if (rc != 0 || url_.empty()) error_ = script_ + " start failed (see its stderr)";
    }

    std::string url_, dir_, script_, error_;
};

std::string with_database(const std::string& url, const std::string& db) {
    const auto slash = url.rfind('/');
    const auto query = url.find('?', slash);
    return url.substr(0, slash + 1) + db + (query == std::string::npos ? "" : url.substr(query));
}

}  // namespace

std::string pg_base_url(std::string& error) {
    error = Cluster::get().error();
    return Cluster::get().url();
}

std::string pg_create_database(std::string& error) {
    const std::string base = pg_base_url(error);
    if (base.empty()) return "";
    static std::atomic<int> counter{0};
    const std::string db =
        "kakuin_t" + std::to_string(getpid()) + "_" + std::to_string(counter.fetch_add(1));
    PGconn* c = PQconnectdb(base.c_str());
    if (PQstatus(c) != CONNECTION_OK) {
        error = std::string("connect: ") + PQerrorMessage(c);
        PQfinish(c);
        return "";
    }
    // The name is built from digits above, never from input.
    PGresult* r = PQexec(c, ("CREATE DATABASE " + db).c_str());
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok) error = std::string("CREATE DATABASE: ") + PQerrorMessage(c);
    PQclear(r);
    PQfinish(c);
    return ok ? with_database(base, db) : "";
}

OpenedStore open_fresh(Backend backend) {
    OpenedStore out;
    if (backend == Backend::sqlite) {
        static std::mutex mu;
        static std::filesystem::path dir;
        static std::atomic<int> counter{0};
        {
            std::lock_guard lock(mu);
            if (dir.empty()) {
                std::string tmpl =
                    (std::filesystem::temp_directory_path() / "kakuin-conf-XXXXXX").string();
                if (!mkdtemp(tmpl.data())) std::abort();
                dir = tmpl;
                static struct Cleanup {
                    ~Cleanup() {
                        std::error_code ec;
                        std::filesystem::remove_all(dir, ec);
                    }
                } cleanup;
            }
        }
        out.sqlite_path = (dir / ("s" + std::to_string(counter.fetch_add(1)) + ".db")).string();
        const std::string path = out.sqlite_path;
        out.reopen = [path]() -> std::unique_ptr<Store> {
            auto s = sqlite::SqliteStore::open(path);
            if (!s.ok()) return nullptr;
            return std::move(s).value();
        };
    } else {
        std::string error;
        out.pg_url = pg_create_database(error);
        if (out.pg_url.empty()) {
            out.error = "PostgreSQL: " + error;
            return out;
        }
        const std::string url = out.pg_url;
        out.reopen = [url]() -> std::unique_ptr<Store> {
            auto s = postgres::PostgresStore::open(url, 16);
            if (!s.ok()) return nullptr;
            return std::move(s).value();
        };
    }
    out.store = out.reopen();
    if (!out.store) out.error = "cannot open the store";
    return out;
}

}  // namespace kakuin::store::conformance
