// bench_driver: the load driver of bench/run, used identically against kakuin and its peers.
//
//   bench_driver http  --port P [--host 127.0.0.1] [--tls --cert C.pem --key K.pem]
//                      [--new-conn] [--conns N] [--threads T] [--count M] [--seconds S]
//                      [--method GET] [--path /] [--cookie "a=b"] [--header "Name: v"]
//                      [--body-file F --content-type T] [--expect 200]
//       N connections (spread over T threads, each its own io_context) send requests until M
//       requests were sent or S seconds passed. --new-conn opens a fresh connection (TCP + full
//       TLS handshake: no session cache, no tickets) for every request and the latency includes
//       it; otherwise connections are kept alive. Prints one line:
//       ok=.. err=.. secs=.. rps=.. p50_ms=.. p99_ms=..
//   bench_driver idle  --port P [--tls --cert --key] [--path /] [--cookie ..] --conns N
//                      [--hold S]
//       Opens N connections, one keep-alive request on each, then leaves them idle; prints
//       "ready ok=.. err=.." when all are open, then holds them until S seconds or stdin EOF.
//   bench_driver argon2 [--threads T] [--m KiB] [--t N] [--p 1] [--count M] [--seconds S]
//       Argon2id hashes (libargon2, 32-byte output, 16-byte salt) in a tight loop on T threads.
//   bench_driver commit --db FILE [--count M] [--seconds S]
//       Durable transactions/s in SQLite (WAL, synchronous=FULL), each inserting one 1 KiB row,
//       the size of a certificate: the bound the store's commits put on durable issuance.
//
// Every loop is bounded by count and time. Exit status 0 when at least one operation succeeded
// and none failed (http: wrong status or I/O error), 1 otherwise, 64 on bad usage.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <argon2.h>
#include <openssl/ssl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

namespace {

struct Options {
    std::map<std::string, std::string> values;
    std::vector<std::string> headers;
    bool has(const std::string& k) const { return values.count(k) != 0; }
    std::string get(const std::string& k, const std::string& def = "") const {
        auto it = values.find(k);
        return it == values.end() ? def : it->second;
    }
    long num(const std::string& k, long def) const {
        auto it = values.find(k);
        return it == values.end() ? def : std::stol(it->second);
    }
    double real(const std::string& k, double def) const {
        auto it = values.find(k);
        return it == values.end() ? def : std::stod(it->second);
    }
};

const char* const kFlags[] = {"--tls", "--new-conn"};

Options parse(int argc, char** argv, int first) {
    Options o;
    for (int i = first; i < argc; ++i) {
        std::string a = argv[i];
        if (std::find(std::begin(kFlags), std::end(kFlags), a) != std::end(kFlags)) {
            o.values[a.substr(2)] = "1";
        } else if (a.rfind("--", 0) == 0 && i + 1 < argc) {
            if (a == "--header")
                o.headers.push_back(argv[++i]);
            else
                o.values[a.substr(2)] = argv[++i];
        } else {
            throw std::invalid_argument("bad argument: " + a);
        }
    }
    return o;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

double percentile(std::vector<double>& sorted, double p) {
    if (sorted.empty()) return 0;
    std::size_t i = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
    return sorted[std::min(i, sorted.size() - 1)];
}

// ---- http / idle ----

struct Target {
    std::string host = "127.0.0.1";
    std::string port;
    bool tls = false;
    bool new_conn = false;
    std::shared_ptr<asio::ssl::context> ctx;  // shared by all threads: SSL_CTX is thread-safe
    bhttp::request<bhttp::string_body> request;
    unsigned expect = 200;
};

std::shared_ptr<asio::ssl::context> client_context(const Options& o) {
    auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
    SSL_CTX* c = ctx->native_handle();
    if (SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION) != 1)
        throw std::runtime_error("min proto");
    // Every new connection is a full handshake: no client session cache, no tickets.
    SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_options(c, SSL_OP_NO_TICKET);
    // The server's chain is not verified: the driver measures the server, not itself.
    ctx->set_verify_mode(asio::ssl::verify_none);
    if (o.has("cert")) {
        ctx->use_certificate_chain_file(o.get("cert"));
        ctx->use_private_key_file(o.get("key", o.get("cert")), asio::ssl::context::pem);
    }
    return ctx;
}

Target make_target(const Options& o) {
    Target t;
    t.host = o.get("host", "127.0.0.1");
    t.port = o.get("port");
    if (t.port.empty()) throw std::invalid_argument("--port is required");
    t.tls = o.has("tls");
    t.new_conn = o.has("new-conn");
    if (t.tls) t.ctx = client_context(o);
    t.expect = static_cast<unsigned>(o.num("expect", 200));
    auto& r = t.request;
    r.method_string(o.get("method", "GET"));
    r.target(o.get("path", "/"));
    r.version(11);
    r.set(bhttp::field::host, t.host);
    r.set(bhttp::field::user_agent, "kakuin-bench");
    if (o.has("cookie")) r.set(bhttp::field::cookie, o.get("cookie"));
    for (const auto& h : o.headers) {
        auto colon = h.find(':');
        if (colon == std::string::npos) throw std::invalid_argument("bad --header " + h);
        std::string value = h.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.erase(0, 1);
        r.set(h.substr(0, colon), value);
    }
    if (o.has("body-file")) {
        r.body() = read_file(o.get("body-file"));
        r.set(bhttp::field::content_type, o.get("content-type", "application/octet-stream"));
    }
    r.keep_alive(!t.new_conn);
    r.prepare_payload();
    return t;
}

auto with(error_code& ec) { return asio::redirect_error(asio::use_awaitable, ec); }

// One connection, plain or TLS.
struct Conn {
    std::optional<beast::tcp_stream> plain;
    std::optional<beast::ssl_stream<beast::tcp_stream>> tls;
    beast::flat_buffer buffer;
    beast::tcp_stream& lowest() { return tls ? tls->next_layer() : *plain; }
};

asio::awaitable<bool> open(Conn& c, const Target& t, const tcp::resolver::results_type& eps) {
    auto ex = co_await asio::this_coro::executor;
    c.buffer.clear();
    error_code ec;
    if (t.tls) {
        c.plain.reset();
        c.tls.emplace(ex, *t.ctx);
    } else {
        c.tls.reset();
        c.plain.emplace(ex);
    }
    c.lowest().expires_after(std::chrono::seconds(30));
    co_await c.lowest().async_connect(eps, with(ec));
    if (ec) co_return false;
    c.lowest().socket().set_option(tcp::no_delay(true), ec);
    if (t.tls) {
        co_await c.tls->async_handshake(asio::ssl::stream_base::client, with(ec));
        if (ec) co_return false;
    }
    co_return true;
}

// Sends the request and reads the answer; false on I/O error or another status.
template <class Stream>
asio::awaitable<bool> exchange(Stream& s, Conn& c, const Target& t, bool& keep_alive) {
    error_code ec;
    c.lowest().expires_after(std::chrono::seconds(30));
    co_await bhttp::async_write(s, t.request, with(ec));
    if (ec) co_return false;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    co_await bhttp::async_read(s, c.buffer, parser, with(ec));
    if (ec) co_return false;
    keep_alive = parser.get().keep_alive();
    co_return parser.get().result_int() == t.expect;
}

asio::awaitable<bool> request(Conn& c, const Target& t, bool& keep_alive) {
    if (c.tls) co_return co_await exchange(*c.tls, c, t, keep_alive);
    co_return co_await exchange(*c.plain, c, t, keep_alive);
}

void close(Conn& c) {
    error_code ec;
    if (c.tls || c.plain) c.lowest().socket().close(ec);
    c.tls.reset();
    c.plain.reset();
}

struct Shared {
    std::atomic<long> started{0};
    long count = 0;
    Clock::time_point deadline;
    bool take() {
        if (Clock::now() >= deadline) return false;
        return started.fetch_add(1) < count;
    }
};

struct ThreadResult {
    std::vector<double> latencies_ms;
    long errors = 0;
    std::string first_error;
};

asio::awaitable<void> load_worker(const Target& t, tcp::resolver::results_type eps, Shared& sh,
                                  ThreadResult& out) {
    Conn c;
    bool open_now = false;
    while (sh.take()) {
        const auto t0 = Clock::now();
        bool ok = true;
        if (!open_now) {
            ok = co_await open(c, t, eps);
            if (!ok && out.first_error.empty()) out.first_error = "connect/handshake failed";
            open_now = ok;
        }
        bool keep_alive = false;
        if (ok) {
            ok = co_await request(c, t, keep_alive);
            if (!ok && out.first_error.empty()) out.first_error = "request failed or wrong status";
        }
        const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        if (ok)
            out.latencies_ms.push_back(ms);
        else
            ++out.errors;
        if (!ok || t.new_conn || !keep_alive) {
            close(c);
            open_now = false;
        }
    }
    close(c);
}

int cmd_http(const Options& o) {
    const Target t = make_target(o);
    const int conns = static_cast<int>(o.num("conns", 1));
    const int threads = std::max(1, std::min(conns, static_cast<int>(o.num("threads", 1))));
    Shared sh;
    sh.count = o.num("count", 1000);
    const auto start = Clock::now();
    sh.deadline = start + std::chrono::milliseconds(static_cast<long>(o.real("seconds", 10) * 1000));
    std::vector<ThreadResult> results(threads);
    std::vector<std::thread> pool;
    for (int i = 0; i < threads; ++i) {
        pool.emplace_back([&, i] {
            asio::io_context ioc(1);
            tcp::resolver resolver(ioc);
            auto eps = resolver.resolve(t.host, t.port);
            for (int k = i; k < conns; k += threads)
                asio::co_spawn(ioc, load_worker(t, eps, sh, results[i]), asio::detached);
            ioc.run();
        });
    }
    for (auto& th : pool) th.join();
    const double secs = std::chrono::duration<double>(Clock::now() - start).count();
    std::vector<double> all;
    long errors = 0;
    std::string first_error;
    for (auto& r : results) {
        all.insert(all.end(), r.latencies_ms.begin(), r.latencies_ms.end());
        errors += r.errors;
        if (first_error.empty()) first_error = r.first_error;
    }
    std::sort(all.begin(), all.end());
    std::printf("ok=%zu err=%ld secs=%.3f rps=%.1f p50_ms=%.3f p99_ms=%.3f\n", all.size(), errors,
                secs, static_cast<double>(all.size()) / secs, percentile(all, 0.50),
                percentile(all, 0.99));
    if (errors) std::fprintf(stderr, "bench_driver: %ld errors, first: %s\n", errors, first_error.c_str());
    return all.empty() || errors ? 1 : 0;
}

// Opens a connection, one keep-alive request, then waits (reads) until the server or we close.
asio::awaitable<void> idle_worker(const Target& t, tcp::resolver::results_type eps,
                                  std::atomic<int>& ok, std::atomic<int>& err,
                                  std::shared_ptr<Conn> c) {
    bool keep_alive = false;
    bool good = co_await open(*c, t, eps);
    if (good) good = co_await request(*c, t, keep_alive);
    (good ? ok : err).fetch_add(1);
    if (!good) co_return;
    c->lowest().expires_never();
    char byte;
    error_code ec;
    if (c->tls)
        co_await c->tls->async_read_some(asio::buffer(&byte, 1), with(ec));
    else
        co_await c->plain->async_read_some(asio::buffer(&byte, 1), with(ec));
}

int cmd_idle(const Options& o) {
    Target t = make_target(o);
    t.new_conn = false;
    t.request.keep_alive(true);
    const int conns = static_cast<int>(o.num("conns", 100));
    const double hold = o.real("hold", 60);
    asio::io_context ioc(1);
    tcp::resolver resolver(ioc);
    auto eps = resolver.resolve(t.host, t.port);
    std::atomic<int> ok{0}, err{0};
    std::vector<std::shared_ptr<Conn>> all;
    // Opened in waves of 64, so the listen backlog never overflows.
    const int wave = 64;
    int opened = 0;
    asio::steady_timer tick(ioc);
    std::function<void()> next = [&] {
        if (opened < conns) {
            if (opened - ok - err < wave) {
                const int n = std::min(wave, conns - opened);
                for (int i = 0; i < n; ++i) {
                    all.push_back(std::make_shared<Conn>());
                    asio::co_spawn(ioc, idle_worker(t, eps, ok, err, all.back()), asio::detached);
                }
                opened += n;
            }
        } else if (ok + err == conns) {
            std::printf("ready ok=%d err=%d\n", ok.load(), err.load());
            std::fflush(stdout);
            // Hold until --hold seconds or stdin closes, then close everything.
            std::thread([&] {
                const auto end = Clock::now() + std::chrono::milliseconds(static_cast<long>(hold * 1000));
                while (Clock::now() < end) {
                    fd_set fds;
                    FD_ZERO(&fds);
                    FD_SET(0, &fds);
                    timeval tv{0, 200000};
                    if (select(1, &fds, nullptr, nullptr, &tv) > 0) {
                        char b[64];
                        if (::read(0, b, sizeof b) <= 0) break;
                    }
                }
                asio::post(ioc, [&] {
                    for (auto& c : all) close(*c);
                    ioc.stop();
                });
            }).detach();
            return;
        }
        tick.expires_after(std::chrono::milliseconds(5));
        tick.async_wait([&](error_code) { next(); });
    };
    next();
    ioc.run();
    return err == 0 && ok > 0 ? 0 : 1;
}

// ---- argon2 ----

int cmd_argon2(const Options& o) {
    const int threads = static_cast<int>(o.num("threads", std::thread::hardware_concurrency()));
    const auto m = static_cast<uint32_t>(o.num("m", 19456));
    const auto tc = static_cast<uint32_t>(o.num("t", 2));
    const auto p = static_cast<uint32_t>(o.num("p", 1));
    Shared sh;
    sh.count = o.num("count", 100);
    const auto start = Clock::now();
    sh.deadline = start + std::chrono::milliseconds(static_cast<long>(o.real("seconds", 10) * 1000));
    std::atomic<long> done{0}, failed{0};
    std::vector<std::thread> pool;
    for (int i = 0; i < threads; ++i) {
        pool.emplace_back([&, i] {
            const std::string pin = "12345678";
            uint8_t salt[16];
            for (int k = 0; k < 16; ++k) salt[k] = static_cast<uint8_t>(i * 31 + k);
            uint8_t out[32];
            while (sh.take()) {
                int rc = argon2id_hash_raw(tc, m, p, pin.data(), pin.size(), salt, sizeof salt,
                                           out, sizeof out);
                (rc == ARGON2_OK ? done : failed).fetch_add(1);
            }
        });
    }
    for (auto& th : pool) th.join();
    const double secs = std::chrono::duration<double>(Clock::now() - start).count();
    std::printf("ok=%ld err=%ld secs=%.3f rps=%.2f m_kib=%u t=%u p=%u threads=%d\n", done.load(),
                failed.load(), secs, static_cast<double>(done) / secs, m, tc, p, threads);
    return done > 0 && failed == 0 ? 0 : 1;
}

// ---- commit ----

struct Db {
    sqlite3* db = nullptr;
    ~Db() { sqlite3_close(db); }
};

bool exec(sqlite3* db, const char* sql) {
    char* msg = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &msg) != SQLITE_OK) {
        std::fprintf(stderr, "bench_driver: sqlite: %s: %s\n", sql, msg ? msg : "?");
        sqlite3_free(msg);
        return false;
    }
    return true;
}

int cmd_commit(const Options& o) {
    const std::string path = o.get("db");
    if (path.empty()) throw std::invalid_argument("--db is required");
    Db d;
    if (sqlite3_open(path.c_str(), &d.db) != SQLITE_OK) {
        std::fprintf(stderr, "bench_driver: cannot open %s\n", path.c_str());
        return 1;
    }
    if (!exec(d.db, "PRAGMA journal_mode=WAL") || !exec(d.db, "PRAGMA synchronous=FULL") ||
        !exec(d.db, "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, der BLOB NOT NULL)"))
        return 1;
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(d.db, "INSERT INTO t (der) VALUES (?)", -1, &st, nullptr) != SQLITE_OK)
        return 1;
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> guard(st, sqlite3_finalize);
    const std::string blob(1024, 'x');
    Shared sh;
    sh.count = o.num("count", 1000);
    const auto start = Clock::now();
    sh.deadline = start + std::chrono::milliseconds(static_cast<long>(o.real("seconds", 10) * 1000));
    long done = 0;
    while (sh.take()) {
        if (!exec(d.db, "BEGIN IMMEDIATE")) return 1;
        sqlite3_bind_blob(st, 1, blob.data(), static_cast<int>(blob.size()), SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE) return 1;
        sqlite3_reset(st);
        if (!exec(d.db, "COMMIT")) return 1;
        ++done;
    }
    const double secs = std::chrono::duration<double>(Clock::now() - start).count();
    std::printf("ok=%ld err=0 secs=%.3f rps=%.1f\n", done, secs, static_cast<double>(done) / secs);
    return done > 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_driver http|idle|argon2|commit [options] (see source)\n");
        return 64;
    }
    try {
        const std::string cmd = argv[1];
        const Options o = parse(argc, argv, 2);
        if (cmd == "http") return cmd_http(o);
        if (cmd == "idle") return cmd_idle(o);
        if (cmd == "argon2") return cmd_argon2(o);
        if (cmd == "commit") return cmd_commit(o);
        std::fprintf(stderr, "bench_driver: unknown command %s\n", cmd.c_str());
        return 64;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_driver: %s\n", e.what());
        return 64;
    }
}
