// The deployment's configuration: DIR/kakuin.toml, read once at start-up.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/policy.h"
#include "core/result.h"
#include "pki/ca.h"

namespace kakuin::cli {

struct ListenerConfig {
    std::string name;     // "https", "mtls", "http"
    std::string address;  // "127.0.0.1"
    int port = 0;         // 0: any free port (tests)
};

struct PinHashConfig {
    int memory_kib = 19456;
    int iterations = 2;
    int parallelism = 1;
    int concurrency = 0;  // Argon2 hashes at once (auth/argon2_gate.h); 0: one per core
};

// [reminders]: expiry reminder e-mails (issue 5). The days before expiry are
// policy.certificate.reminder_days (reminders.days_before).
struct ReminderConfig {
    int check_interval_seconds = 60;  // real time between scans of `kakuin serve`
};

// [smtp]: where reminders are sent. An empty url queues them in the store without sending.
struct SmtpConfig {
    std::string url;           // "", "smtp://host:port" or "smtps://host:port"
    std::string from;          // plain address (envelope and From header)
    std::string username;      // empty: no SMTP authentication
    std::string password_env;  // name of the environment variable holding the password
    std::string password;      // filled by load_config from password_env; never in the file
    int timeout_seconds = 30;  // connect and whole-transfer limit of one message
};

struct Config {
    std::string data_dir;       // absolute
    BankPolicy policy;
    PinHashConfig pin_hash;
    pki::CaSettings ca;         // ca.passphrase filled by load_config from file or env
    std::string passphrase_file;  // as configured (relative paths resolved), or empty
    std::string passphrase_env;   // as configured, or empty
    pki::CaHierarchySpec ca_spec;
    std::string store_url;      // "sqlite:/abs/path/kakuin.db"
    int store_pool_size = 8;    // PostgreSQL: connections per node (store.pool_size)
    std::vector<ListenerConfig> listeners;
    bool test_clock_allowed = false;
    // [server] max_connections: open connections over all listeners; more are closed at once.
    int max_connections = 10000;
    // [server] io_threads: threads serving the TLS listeners; 0 = one per CPU core plus one.
    int io_threads = 0;
    // [wording]: the bank's own Japanese wording of screen texts, by the screens' text id
    // (web/src/i18n.ts), e.g. contractId = "ご契約先ID". Served by GET /api/v1/bank.
    std::map<std::string, std::string> wording;
    ReminderConfig reminders;
    SmtpConfig smtp;
};

// The file that `kakuin init` writes, with every setting documented in place.
// `passphrase_line` is the [ca] line that says where the CA passphrase comes from.
std::string default_config_toml(const std::string& passphrase_line);

// Parses TOML text. `data_dir` resolves relative paths. Does not read the passphrase.
// Errors: config_invalid with the offending key in the detail.
Result<Config> parse_config(const std::string& toml_text, const std::string& data_dir);

// Reads DIR/kakuin.toml and the CA passphrase (from the file or environment variable the
// config names). Errors: config_invalid.
Result<Config> load_config(const std::string& data_dir);

std::string config_path(const std::string& data_dir);

}  // namespace kakuin::cli
