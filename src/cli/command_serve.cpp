// `kakuin serve --data DIR`: the three listeners of ARCHITECTURE.md and the bank's back-office listener over one router, plus the expiry reminder loop.
#include <pthread.h>
#include <unistd.h>
#include <sys/resource.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "api/api_routes.h"
#include "api/bank_routes.h"
#include "api/json_body.h"
#include "api/listener_scope.h"
#include "api/pki_routes.h"
#include "auth/argon2_gate.h"
#include "auth/argon2_memory.h"
#include "cli/commands.h"
#include "cli/config.h"
#include "cli/files.h"
#include "cli/log_writer.h"
#include "cli/reminder_runner.h"
#include "cli/store_open.h"
#include "cli/web_dir.h"
#include "core/clock.h"
#include "http/log.h"
#include "http/server.h"
#include "pki/ca.h"
#include "pki/ca_files.h"
#include "service/certificate_service.h"
#include "service/context.h"

namespace kakuin::cli {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxPemFileBytes = 64 * 1024;

// Every line of `kakuin serve` goes through one writer, so that they stay in order. Request
// lines are gathered (64 KiB or 1 s, as nginx's `access_log ... buffer=64k`); the writer
// thread is woken at once for any other server line; the main thread's own lines (listening,
// stopping, stopped) are written before log_line returns, for whoever waits on them. The
// static is destroyed after serve() returns and the server threads are joined: it writes
// what is left. There is no fatal-signal handler: a crash loses at most the last second of
// request lines.
LogWriter& serve_log() {
    static LogWriter writer(LogWriter::Options{}, fd_log_sink(STDERR_FILENO));
    return writer;
}

void log_line(const std::string& line) {
    serve_log().append(line);
    serve_log().flush();
}

std::string mask_enrollment_ids(std::string_view line);

// The server's own lines, from its threads: never waits for the disk.
void log_server_line(std::string_view line) {
    std::string masked;
    if (line.find("/api/v1/enrollments/") != std::string_view::npos) {
        masked = mask_enrollment_ids(line);
        line = masked;
    }
    if (line.starts_with("event=request "))
        serve_log().append(line);
    else
        serve_log().append_soon(line);
}

// Open files beyond the connections: the store, logs, the CA files, accept() headroom.
constexpr rlim_t kFdReserve = 256;

// Raises the soft RLIMIT_NOFILE to fit `max_connections` (up to the hard limit, logged); if
// the hard limit is lower, returns the connection count that fits and logs it.
std::size_t fit_fd_limit(std::size_t max_connections) {
    rlimit lim{};
    if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return max_connections;
    const rlim_t want = static_cast<rlim_t>(max_connections) + kFdReserve;
    if (lim.rlim_cur != RLIM_INFINITY && lim.rlim_cur < want) {
        const rlim_t old = lim.rlim_cur;
        lim.rlim_cur = (lim.rlim_max == RLIM_INFINITY || lim.rlim_max >= want) ? want : lim.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &lim) == 0)
            log_line("event=fd_limit soft=" + std::to_string(lim.rlim_cur) + " was=" + std::to_string(old));
        else
            lim.rlim_cur = old;
    }
    if (lim.rlim_cur != RLIM_INFINITY && lim.rlim_cur < want) {
        const std::size_t fit = lim.rlim_cur > 2 * kFdReserve ? static_cast<std::size_t>(lim.rlim_cur - kFdReserve)
                                                              : static_cast<std::size_t>(lim.rlim_cur / 2);
        log_line("event=fd_limit max_connections=" + std::to_string(fit) + " configured=" +
                 std::to_string(max_connections) + " reason=\"RLIMIT_NOFILE hard limit " +
                 std::to_string(lim.rlim_max) + "\"");
        return fit;
    }
    return max_connections;
}

Result<std::string> read_text(const fs::path& path) {
    KAKUIN_TRY(auto bytes, read_file_limited(path.string(), kMaxPemFileBytes));
    return std::string(bytes.begin(), bytes.end());
}

Result<http::TlsMode> tls_mode_of(const std::string& listener) {
    if (listener == api::kHttpsListener) return http::TlsMode::server_only;
    if (listener == api::kMtlsListener) return http::TlsMode::client_cert_required;
    if (listener == api::kHttpListener) return http::TlsMode::none;
    if (listener == api::kBankListener) return http::TlsMode::server_only;
    return make_error(ErrorCode::config_invalid, "unknown listener " + listener);
}

Result<http::TlsMaterial> tls_material(const Config& config, const pki::IssuingCa& ca) {
    const fs::path dir = config.ca.dir;
    http::TlsMaterial tls;
    KAKUIN_TRY(tls.certificate_chain_pem,
               read_text(dir / (std::string(pki::kTlsStem) + ".crt.pem")));
    KAKUIN_TRY(tls.private_key_pem, read_text(dir / (std::string(pki::kTlsStem) + ".key.pem")));
    tls.private_key_passphrase = config.ca.passphrase;
    // The TLS certificate is signed by the root: send the root too so clients that trust only
    // the issuing CA + root bundle (ca-chain.pem) build the path either way.
    tls.certificate_chain_pem += ca.root_pem();
    tls.client_ca_pem = ca.chain_pem();
    // SessionService refuses an expired certificate with certificate_expired and the message
    // R23 asks for; the handshake alone would give the browser a bare TLS error.
    tls.accept_expired_client_leaf = true;
    return tls;
}

// The request log names paths; an enrollment ID in the path is a bearer secret (R20), so it is
// masked before the line is written.
std::string mask_enrollment_ids(std::string_view line) {
    static constexpr std::string_view kPrefix = "/api/v1/enrollments/";
    std::string out;
    std::size_t pos = 0;
    while (true) {
        const std::size_t at = line.find(kPrefix, pos);
        if (at == std::string_view::npos) break;
        const std::size_t start = at + kPrefix.size();
        std::size_t end = start;
        while (end < line.size() && line[end] != '/' && line[end] != ' ' && line[end] != '"') ++end;
        out.append(line.substr(pos, start - pos));
        if (end > start) out.append("***");
        pos = end;
    }
    out.append(line.substr(pos));
    return out;
}

// The system clock plus an offset that integration tests move forward (acquisition deadlines,
// idle sessions) through POST /test/clock; it may start negative (--test-clock-offset).
// Thread-safe.
class TestClock final : public Clock {
public:
    TimePoint now() const override { return system_.now() + Seconds(offset_.load()); }
    void advance(Seconds d) { offset_ += d.count(); }

private:
    SystemClock system_;
    std::atomic<std::int64_t> offset_{0};
};

// Everything the running server owns, in construction order (destroyed in reverse).
struct Runtime {
    Config config;
    TestClock clock;  // offset 0 unless --test-clock moves it
    pki::OsRandom random;
    std::unique_ptr<store::Store> store;
    std::unique_ptr<pki::IssuingCa> ca;
    std::unique_ptr<service::CertificateService> certificates;
    std::unique_ptr<api::CrlCache> crl;
    std::unique_ptr<api::ApiServices> services;
    std::unique_ptr<api::BankApiServices> bank;  // the back office on the bank listener
    http::Router router;
};

bool from_loopback(const http::Request& request) {
    return request.remote_address == "127.0.0.1" || request.remote_address == "::1";
}

boost::json::object clock_now(const Runtime& rt) {
    boost::json::object o;
    o["now"] = format_iso8601(rt.clock.now());
    return o;
}

// POST {"advance_seconds":N} -> {"now"}. /test/clock on the http listener (the first form, kept
// for existing scripts); /api/v1/test/clock on every listener, so that the screens' tests reach
// it on their own origin. Loopback callers only; otherwise the route does not exist.
void add_test_clock_route(Runtime& rt) {
    auto advance = [&rt](const http::Request& request, bool any_listener) {
        if ((!any_listener && request.listener != api::kHttpListener) || !from_loopback(request))
            return http::Response::problem(ErrorCode::not_found, http::preferred_lang(request));
        auto body = api::parse_json_object(request, {"advance_seconds"});
        if (!body) return http::Response::problem(body.error(), request);
        const auto* v = body->if_contains("advance_seconds");
        if (!v || !v->is_int64() || v->get_int64() < 0)
            return http::Response::problem(
                api::field_error("advance_seconds", "a non-negative integer"), request);
        rt.clock.advance(Seconds(v->get_int64()));
        log_line("event=test_clock now=" + format_iso8601(rt.clock.now()));
        return http::Response::json(boost::json::value(clock_now(rt)));
    };
    rt.router.post("/test/clock", [advance](const http::Request& r) { return advance(r, false); });
    rt.router.post("/api/v1/test/clock", [advance](const http::Request& r) { return advance(r, true); });
    rt.router.get("/api/v1/test/clock", [&rt](const http::Request& request) {
        if (!from_loopback(request))
            return http::Response::problem(ErrorCode::not_found, http::preferred_lang(request));
        return http::Response::json(boost::json::value(clock_now(rt)));
    });
}

Result<std::unique_ptr<Runtime>> build_runtime(const std::string& data_dir, bool test_clock,
                                               std::int64_t test_clock_offset_seconds) {
    auto rt = std::make_unique<Runtime>();
    if (test_clock_offset_seconds != 0 && !test_clock)
        return make_error(ErrorCode::invalid_request, "--test-clock-offset needs --test-clock");
    KAKUIN_TRY(rt->config, load_config(data_dir));
    if (test_clock && !rt->config.test_clock_allowed)
        return make_error(ErrorCode::config_invalid,
                          "--test-clock needs server.test_clock_allowed = true in kakuin.toml");
    if (test_clock) {
        rt->clock.advance(Seconds(test_clock_offset_seconds));
        add_test_clock_route(*rt);
    }
    KAKUIN_TRY(rt->store, open_store(rt->config));
    KAKUIN_TRY(rt->ca, pki::IssuingCa::load(rt->config.ca));
    rt->certificates = std::make_unique<service::CertificateService>(
        *rt->store, *rt->ca, rt->clock, rt->random, rt->config.policy);
    const auto next_update = std::chrono::hours(rt->config.ca.crl_next_update_hours);
    // A CRL at most 5 minutes old unless a revocation through the API invalidated it.
    rt->crl = std::make_unique<api::CrlCache>(*rt->certificates, rt->clock, next_update,
                                              std::chrono::minutes(5));
    api::add_pki_routes(rt->router, *rt->crl, *rt->certificates);

    const auto& ph = rt->config.pin_hash;
    if (ph.concurrency > 0) auth::argon2_gate().set_limit(static_cast<std::uint32_t>(ph.concurrency));
    // One kept hash buffer per hash that may run at once.
    auth::argon2_memory_pool().set_max_idle(auth::argon2_gate().limit());
    service::ServiceContext context{*rt->store,  *rt->ca,
                                    rt->clock,   rt->random,
                                    rt->config.policy,
                                    auth::Argon2Params{static_cast<std::uint32_t>(ph.memory_kib),
                                                       static_cast<std::uint32_t>(ph.iterations),
                                                       static_cast<std::uint32_t>(ph.parallelism)}};
    rt->services = std::make_unique<api::ApiServices>(context, *rt->certificates, *rt->crl);
    api::add_api_routes(rt->router, *rt->services);
    api::add_web_routes(rt->router, *rt->services, web_options(rt->config));  // web/dist
    rt->bank = std::make_unique<api::BankApiServices>(context, *rt->certificates);
    api::add_bank_routes(rt->router, *rt->bank, web_options(rt->config).root);  // /bank/
    return rt;
}

Status serve(const ServeOptions& o) {
    if (o.data_dir.empty()) return make_error(ErrorCode::invalid_request, "--data is required");
    const std::string data_dir = fs::absolute(o.data_dir).string();

    // Block the stop signals before any thread starts, so that only sigwait() below sees them.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

    KAKUIN_TRY(auto rt, build_runtime(data_dir, o.test_clock, o.test_clock_offset_seconds));

    http::ServerConfig server_config;
    for (const auto& l : rt->config.listeners) {
        KAKUIN_TRY(auto mode, tls_mode_of(l.name));
        server_config.listeners.push_back(
            {l.name, l.address, static_cast<std::uint16_t>(l.port), mode});
    }
    KAKUIN_TRY(server_config.tls, tls_material(rt->config, *rt->ca));
    server_config.log = log_server_line;
    // One I/O thread per core, plus one: ID/PIN logins hold a thread for tens of ms of
    // Argon2 (at most one hash per core at a time), and the extra thread keeps the others'
    // requests moving then. More threads only time-sliced the cores: bench row 2's p99 was
    // 2.2-4.2 x nginx with 4 threads on 2 cores, 1.0-1.9 x with 2 or 3.
    // [server] io_threads overrides it.
    server_config.threads =
        rt->config.io_threads > 0
            ? rt->config.io_threads
            : static_cast<int>(std::max(2u, std::thread::hardware_concurrency() + 1));
    server_config.limits.max_connections =
        fit_fd_limit(static_cast<std::size_t>(rt->config.max_connections));

    http::Server server(std::move(server_config), rt->router, rt->clock);
    KAKUIN_TRY(auto ports, server.start());
    KAKUIN_TRY_STATUS(http::write_ports_json((fs::path(data_dir) / "ports.json").string(), ports));
    for (const auto& [name, port] : ports)
        log_line("event=listening listener=" + name + " port=" + std::to_string(port));
    if (o.on_listening) o.on_listening(ports);
    // Expiry reminders (issue 5) on the server's clock; stopped (a send in flight recorded) first.
    ReminderRunner reminders(rt->config, *rt->store, rt->clock);
    reminders.start();

    int sig = 0;
    sigwait(&stop_signals, &sig);
    log_line(std::string("event=stopping signal=") + (sig == SIGTERM ? "SIGTERM" : "SIGINT"));
    reminders.stop();
    server.stop();
    log_line("event=stopped");
    return {};
}

}  // namespace

int run_serve(const ServeOptions& o) {
    Status s = serve(o);
    if (!s.ok()) {
        print_error(s.error());
        return 1;
    }
    return 0;
}

}  // namespace kakuin::cli
