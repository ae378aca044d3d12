#include "cli/config.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>

#include "service/reminder_mail.h"

namespace kakuin::cli {

namespace fs = std::filesystem;

namespace {

constexpr const char* kConfigTemplate = R"TOML(# kakuin — the bank's deployment configuration.
# Every setting that differs between banks lives here, documented in place. Times are in
# seconds unless the key says otherwise. Relative paths are relative to this directory.

[bank]
# Shown on screens and in e-mails.
name = "かくいん銀行"
# The bank's 4-digit code (統一金融機関コード).
code = "9999"
# Maximum number of users (利用者) per contract, besides the administrator (R2).
max_users_per_contract = 99

[pin]
# Rules for login and confirmation PINs (R7): half-width alphanumerics, length range,
# and whether letters and digits must both appear (many banks: 6-12, mixed).
min_length = 4
max_length = 12
require_letters_and_digits = false
# Argon2id cost for stored PIN hashes. Raising it slows every ID/PIN login.
hash_memory_kib = 19456
hash_iterations = 2
hash_parallelism = 1
# PIN hashes computed at once; 0 = one per CPU core. More only slows each of them down.
hash_concurrency = 0

[lockout]
# Consecutive failures of a PIN or one-time password that lock the ID (R8).
threshold = 6

[otp]
# TOTP time step: 30 or 60 (R9).
step_seconds = 30
# Ask for the one-time password at every login (seed 000 asks administrators always).
admin_every_login = true
user_every_login = true

[session]
# Idle time after which a session ends and the screen returns to the logon page (R11).
idle_timeout_seconds = 600

[certificate]
# Validity of person certificates (R21): 365 (1 year) or 730 (2 years).
validity_days = 365
# Renewal is possible this many days before expiry (R22): 28, 30 or 40.
renewal_window_days = 30
# A registered issuance must be acquired within this many days (取得期限, R18).
acquisition_deadline_days = 80
# Key types accepted in CSRs: rsa2048, rsa3072, rsa4096, p256, p384 (R25).
allowed_key_types = ["rsa2048", "rsa3072", "rsa4096", "p256", "p384"]
# Key type the acquisition app makes unless told otherwise.
default_client_key_type = "rsa2048"
# Digits of the random suffix of the certificate CN "<contract ID> <user ID> <suffix>" (R17).
cn_suffix_digits = 4
# O= of issued certificates.
organization = "Kakuin Demo Bank"

[ca]
# Folder of the CA certificates and encrypted private keys.
dir = "ca"
# Key type of the CA, issuing CA and OCSP signer: p256 (fast, recommended) or p384.
key_type = "p256"
# Where the passphrase that decrypts the CA keys comes from: a file (keep it out of backups
# of this directory; in production a tmpfs or secret store) or an environment variable.
%PASSPHRASE_LINE%
# Put into every issued certificate: where relying parties fetch the CRL and ask OCSP.
crl_url = "http://localhost:8080/crl"
ocsp_url = "http://localhost:8080/ocsp"
crl_next_update_hours = 24
ocsp_validity_minutes = 60
# Names the TLS server certificate made by `kakuin init` is valid for.
tls_hosts = ["localhost", "127.0.0.1", "::1"]

[store]
# sqlite:<path> (embedded, default) or postgresql://user@host/db (several nodes).
url = "sqlite:kakuin.db"
# PostgreSQL only: the most connections this node opens (docs/operations.md).
pool_size = 8

[reminders]
# Reminder e-mails to each person with a contact address, this many days before their
# certificate expires (R22); each reminder is sent once (docs/operations.md).
days_before = [30, 10]
# How often `kakuin serve` looks for due reminders and sends them (real seconds).
check_interval_seconds = 60

[smtp]
# Mail server for the reminders: "smtp://host:25" (STARTTLS when offered) or
# "smtps://host:465". Empty: reminders are queued in the store and nothing is sent.
url = ""
# Sender address (envelope and From).
from = "noreply@bank.example.jp"
# SMTP authentication: user name, and the NAME of an environment variable holding the
# password (never the password itself here). Empty: no authentication.
username = ""
password_env = ""
# Limit for connecting and sending one message.
timeout_seconds = 30

[server]
# Listeners: https (screens, ID/PIN login, acquisition), mtls (certificate login; the
# browser is asked for a client certificate), http (CRL and OCSP only). Port 0: any free port.
https = "127.0.0.1:8443"
mtls = "127.0.0.1:8444"
http = "127.0.0.1:8080"
# The bank's back office (staff screens under /bank/ and their API): keep it on loopback or
# an internal network only.
bank = "127.0.0.1:8446"
# Allow `kakuin serve --test-clock` (never in production).
test_clock_allowed = false
# Open connections over all listeners (idle keep-alive included); more are closed at once.
# `kakuin serve` raises its open-file limit to fit (soft up to the hard limit) and logs it.
max_connections = 10000
# Threads serving the TLS listeners; 0 = one per CPU core plus one (an ID/PIN login holds its
# thread for the Argon2 hash; the extra one keeps other requests moving meanwhile).
io_threads = 0

[wording]
# The bank's own wording on the screens (Japanese), by the screens' text id (web/src/i18n.ts).
# Texts not named here keep the standard wording. For a bank that says ご契約先 and
# マスターユーザ where the standard screens say 契約法人 and 管理者, for example:
# contractId = "ご契約先ID"
# adminTop = "ご契約先ステータス"
# confirmPin = "ご契約先確認暗証番号"
)TOML";

Error invalid(const std::string& key, const std::string& why) {
    return make_error(ErrorCode::config_invalid, "kakuin.toml: " + key + ": " + why,
                      "設定ファイルの " + key + " に誤りがあります。");
}

// Reads an integer at `path` into `out` if present; checks [lo, hi].
Status read_int(const toml::table& t, const char* path, int& out, long lo, long hi) {
    auto node = t.at_path(path);
    if (!node) return {};
    auto v = node.value<std::int64_t>();
    if (!v || !node.is_integer()) return invalid(path, "must be an integer");
    if (*v < lo || *v > hi)
        return invalid(path, "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
    out = static_cast<int>(*v);
    return {};
}

Status read_bool(const toml::table& t, const char* path, bool& out) {
    auto node = t.at_path(path);
    if (!node) return {};
    if (!node.is_boolean()) return invalid(path, "must be true or false");
    out = *node.value<bool>();
    return {};
}

Status read_string(const toml::table& t, const char* path, std::string& out, bool non_empty = true) {
    auto node = t.at_path(path);
    if (!node) return {};
    if (!node.is_string()) return invalid(path, "must be a string");
    std::string s = *node.value<std::string>();
    if (non_empty && s.empty()) return invalid(path, "must not be empty");
    out = std::move(s);
    return {};
}

Status read_string_list(const toml::table& t, const char* path, std::vector<std::string>& out) {
    auto node = t.at_path(path);
    if (!node) return {};
    const toml::array* arr = node.as_array();
    if (!arr) return invalid(path, "must be a list of strings");
    std::vector<std::string> v;
    for (const auto& e : *arr) {
        if (!e.is_string()) return invalid(path, "must be a list of strings");
        v.push_back(*e.value<std::string>());
    }
    out = std::move(v);
    return {};
}

Status read_listener(const toml::table& t, const char* key, std::vector<ListenerConfig>& out) {
    std::string value;
    const std::string path = std::string("server.") + key;
    KAKUIN_TRY_STATUS(read_string(t, path.c_str(), value));
    if (value.empty()) return invalid(path, "is required (address:port)");
    const auto colon = value.rfind(':');
    if (colon == std::string::npos || colon == 0) return invalid(path, "must be address:port");
    std::string addr = value.substr(0, colon);
    if (addr.size() > 2 && addr.front() == '[' && addr.back() == ']') addr = addr.substr(1, addr.size() - 2);
    const std::string port_text = value.substr(colon + 1);
    if (port_text.empty() || port_text.size() > 5 ||
        port_text.find_first_not_of("0123456789") != std::string::npos)
        return invalid(path, "port must be a number");
    const int port = std::stoi(port_text);
    if (port > 65535) return invalid(path, "port must be 0-65535");
    out.push_back({key, addr, port});
    return {};
}

// [wording]: text id -> Japanese text. Ids are the screens' keys (ASCII letters, digits, '_',
// '.'); texts are short single lines, so a typo cannot turn into markup or a page of text.
Status read_wording(const toml::table& t, std::map<std::string, std::string>& out) {
    auto node = t.at_path("wording");
    if (!node) return {};
    const toml::table* table = node.as_table();
    if (!table) return invalid("wording", "must be a table of text id = \"wording\"");
    if (table->size() > 500) return invalid("wording", "has more than 500 entries");
    for (const auto& [key, value] : *table) {
        const std::string id(key.str());
        const std::string path = "wording." + id;
        if (id.empty() || id.size() > 64 ||
            id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.") !=
                std::string::npos)
            return invalid(path, "text ids are 1-64 ASCII letters, digits, '_' or '.'");
        if (!value.is_string()) return invalid(path, "must be a string");
        std::string text = *value.value<std::string>();
        if (text.empty() || text.size() > 400) return invalid(path, "must be 1-400 bytes");
        if (text.find_first_of("<>\r\n") != std::string::npos)
            return invalid(path, "must be one line without < or >");
        out[id] = std::move(text);
    }
    return {};
}

// A list of days before expiry, each in [1, validity_days], at most 10.
Status read_days_list(const toml::table& t, const char* path, int validity_days, std::vector<int>& out) {
    auto node = t.at_path(path);
    if (!node) return {};
    const toml::array* arr = node.as_array();
    if (!arr) return invalid(path, "must be a list of integers");
    if (arr->size() > 10) return invalid(path, "has more than 10 entries");
    std::vector<int> days;
    for (const auto& e : *arr) {
        auto v = e.value<std::int64_t>();
        if (!e.is_integer() || !v || *v < 1 || *v > validity_days)
            return invalid(path, "must be days between 1 and validity_days");
        days.push_back(static_cast<int>(*v));
    }
    out = std::move(days);
    return {};
}

bool is_env_name(const std::string& s) {
    if (s.empty() || s.size() > 128 || (s[0] >= '0' && s[0] <= '9')) return false;
    return s.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") ==
           std::string::npos;
}

// [reminders] and [smtp] (issue 5). certificate.reminder_days is the older name of
// reminders.days_before and still read; setting both is refused as ambiguous.
Status read_reminders(const toml::table& t, Config& c) {
    CertificatePolicy& cp = c.policy.certificate;
    if (t.at_path("certificate.reminder_days") && t.at_path("reminders.days_before"))
        return invalid("reminders.days_before", "also set as certificate.reminder_days; keep one");
    KAKUIN_TRY_STATUS(read_days_list(t, "certificate.reminder_days", cp.validity_days, cp.reminder_days));
    KAKUIN_TRY_STATUS(read_days_list(t, "reminders.days_before", cp.validity_days, cp.reminder_days));
    KAKUIN_TRY_STATUS(read_int(t, "reminders.check_interval_seconds",
                               c.reminders.check_interval_seconds, 1, 24 * 3600));

    SmtpConfig& m = c.smtp;
    KAKUIN_TRY_STATUS(read_string(t, "smtp.url", m.url, false));
    KAKUIN_TRY_STATUS(read_string(t, "smtp.from", m.from, false));
    KAKUIN_TRY_STATUS(read_string(t, "smtp.username", m.username, false));
    KAKUIN_TRY_STATUS(read_string(t, "smtp.password_env", m.password_env, false));
    KAKUIN_TRY_STATUS(read_int(t, "smtp.timeout_seconds", m.timeout_seconds, 1, 300));
    if (!m.url.empty()) {
        const bool scheme = m.url.rfind("smtp://", 0) == 0 || m.url.rfind("smtps://", 0) == 0;
        if (!scheme || m.url.size() > 512 ||
            m.url.find_first_of(" \t\r\n") != std::string::npos)
            return invalid("smtp.url", "must be smtp://host[:port] or smtps://host[:port]");
        if (m.url.find('@') != std::string::npos)
            return invalid("smtp.url", "must not carry credentials (smtp.username, smtp.password_env)");
        if (!service::is_plain_mail_address(m.from))
            return invalid("smtp.from", "must be a plain e-mail address (name@domain)");
    }
    if (!m.password_env.empty() && !is_env_name(m.password_env))
        return invalid("smtp.password_env", "must be the name of an environment variable");
    if (!m.password_env.empty() && m.username.empty())
        return invalid("smtp.username", "is required with smtp.password_env");
    return {};
}

std::string resolve(const std::string& data_dir, const std::string& p) {
    if (p.empty()) return p;
    fs::path path(p);
    return path.is_absolute() ? path.string() : (fs::path(data_dir) / path).lexically_normal().string();
}

}  // namespace

std::string config_path(const std::string& data_dir) {
    return (fs::path(data_dir) / "kakuin.toml").string();
}

std::string default_config_toml(const std::string& passphrase_line) {
    std::string text = kConfigTemplate;
    const std::string marker = "%PASSPHRASE_LINE%";
    text.replace(text.find(marker), marker.size(), passphrase_line);
    return text;
}

Result<Config> parse_config(const std::string& toml_text, const std::string& data_dir) {
    toml::table t;
    try {
        t = toml::parse(toml_text, config_path(data_dir));
    } catch (const toml::parse_error& e) {
        std::ostringstream where;
        where << "line " << e.source().begin.line << ": " << e.description();
        return invalid("syntax", where.str());
    }

    Config c;
    c.data_dir = fs::absolute(data_dir).lexically_normal().string();
    BankPolicy& p = c.policy;

    KAKUIN_TRY_STATUS(read_string(t, "bank.name", p.bank_name));
    KAKUIN_TRY_STATUS(read_string(t, "bank.code", p.bank_code));
    if (p.bank_code.size() != 4 || p.bank_code.find_first_not_of("0123456789") != std::string::npos)
        return invalid("bank.code", "must be 4 digits");
    KAKUIN_TRY_STATUS(read_int(t, "bank.max_users_per_contract", p.max_users, 1, 9999));

    KAKUIN_TRY_STATUS(read_int(t, "pin.min_length", p.pin.min_length, 4, 32));
    KAKUIN_TRY_STATUS(read_int(t, "pin.max_length", p.pin.max_length, 4, 32));
    if (p.pin.min_length > p.pin.max_length)
        return invalid("pin.min_length", "must not exceed pin.max_length");
    KAKUIN_TRY_STATUS(read_bool(t, "pin.require_letters_and_digits", p.pin.require_letters_and_digits));
    KAKUIN_TRY_STATUS(read_int(t, "pin.hash_memory_kib", c.pin_hash.memory_kib, 8, 4 * 1024 * 1024));
    KAKUIN_TRY_STATUS(read_int(t, "pin.hash_iterations", c.pin_hash.iterations, 1, 100));
    KAKUIN_TRY_STATUS(read_int(t, "pin.hash_parallelism", c.pin_hash.parallelism, 1, 64));
    KAKUIN_TRY_STATUS(read_int(t, "pin.hash_concurrency", c.pin_hash.concurrency, 0, 1024));

    KAKUIN_TRY_STATUS(read_int(t, "lockout.threshold", p.lockout_threshold, 1, 100));

    KAKUIN_TRY_STATUS(read_int(t, "otp.step_seconds", p.otp_step_seconds, 30, 60));
    if (p.otp_step_seconds != 30 && p.otp_step_seconds != 60)
        return invalid("otp.step_seconds", "must be 30 or 60");
    KAKUIN_TRY_STATUS(read_bool(t, "otp.admin_every_login", p.admin_otp_every_login));
    KAKUIN_TRY_STATUS(read_bool(t, "otp.user_every_login", p.user_otp_every_login));

    KAKUIN_TRY_STATUS(read_int(t, "session.idle_timeout_seconds", p.session_idle_seconds, 10, 24 * 3600));

    CertificatePolicy& cp = p.certificate;
    KAKUIN_TRY_STATUS(read_int(t, "certificate.validity_days", cp.validity_days, 1, 825));
    KAKUIN_TRY_STATUS(read_int(t, "certificate.renewal_window_days", cp.renewal_window_days, 1, 90));
    if (cp.renewal_window_days >= cp.validity_days)
        return invalid("certificate.renewal_window_days", "must be shorter than validity_days");
    KAKUIN_TRY_STATUS(read_int(t, "certificate.acquisition_deadline_days", cp.acquisition_deadline_days, 1, 365));
    std::vector<std::string> key_names;
    KAKUIN_TRY_STATUS(read_string_list(t, "certificate.allowed_key_types", key_names));
    if (t.at_path("certificate.allowed_key_types")) {
        if (key_names.empty()) return invalid("certificate.allowed_key_types", "must not be empty");
        cp.allowed_key_types.clear();
        for (const auto& n : key_names) {
            auto k = key_type_from_name(n);
            if (!k) return invalid("certificate.allowed_key_types", "unknown key type '" + n + "'");
            cp.allowed_key_types.push_back(*k);
        }
    }
    std::string default_key;
    KAKUIN_TRY_STATUS(read_string(t, "certificate.default_client_key_type", default_key));
    if (!default_key.empty()) {
        auto k = key_type_from_name(default_key);
        if (!k) return invalid("certificate.default_client_key_type", "unknown key type '" + default_key + "'");
        cp.default_client_key_type = *k;
    }
    bool default_allowed = false;
    for (auto k : cp.allowed_key_types) default_allowed |= (k == cp.default_client_key_type);
    if (!default_allowed)
        return invalid("certificate.default_client_key_type", "must be one of allowed_key_types");
    KAKUIN_TRY_STATUS(read_int(t, "certificate.cn_suffix_digits", cp.cn_suffix_digits, 0, 12));
    KAKUIN_TRY_STATUS(read_string(t, "certificate.organization", cp.organization));
    KAKUIN_TRY_STATUS(read_reminders(t, c));

    std::string ca_dir = "ca";
    KAKUIN_TRY_STATUS(read_string(t, "ca.dir", ca_dir));
    c.ca.dir = resolve(c.data_dir, ca_dir);
    std::string ca_key = "p256";
    KAKUIN_TRY_STATUS(read_string(t, "ca.key_type", ca_key));
    auto ca_key_type = key_type_from_name(ca_key);
    if (!ca_key_type) return invalid("ca.key_type", "unknown key type '" + ca_key + "'");
    c.ca_spec.ca_key_type = *ca_key_type;
    c.ca_spec.organization = cp.organization;
    KAKUIN_TRY_STATUS(read_string(t, "ca.passphrase_file", c.passphrase_file));
    KAKUIN_TRY_STATUS(read_string(t, "ca.passphrase_env", c.passphrase_env));
    if (c.passphrase_file.empty() == c.passphrase_env.empty())
        return invalid("ca", "exactly one of passphrase_file and passphrase_env must be set");
    c.passphrase_file = resolve(c.data_dir, c.passphrase_file);
    c.ca.crl_url = "http://localhost:8080/crl";
    c.ca.ocsp_url = "http://localhost:8080/ocsp";
    KAKUIN_TRY_STATUS(read_string(t, "ca.crl_url", c.ca.crl_url));
    KAKUIN_TRY_STATUS(read_string(t, "ca.ocsp_url", c.ca.ocsp_url));
    KAKUIN_TRY_STATUS(read_int(t, "ca.crl_next_update_hours", c.ca.crl_next_update_hours, 1, 24 * 31));
    KAKUIN_TRY_STATUS(read_int(t, "ca.ocsp_validity_minutes", c.ca.ocsp_validity_minutes, 1, 7 * 24 * 60));
    KAKUIN_TRY_STATUS(read_string_list(t, "ca.tls_hosts", c.ca_spec.tls_hosts));

    std::string store = "sqlite:kakuin.db";
    KAKUIN_TRY_STATUS(read_string(t, "store.url", store));
    if (store.rfind("sqlite:", 0) == 0) {
        c.store_url = "sqlite:" + resolve(c.data_dir, store.substr(7));
    } else if (store.rfind("postgresql://", 0) == 0 || store.rfind("postgres://", 0) == 0) {
        c.store_url = store;
    } else {
        return invalid("store.url", "must start with sqlite: or postgresql://");
    }
    KAKUIN_TRY_STATUS(read_int(t, "store.pool_size", c.store_pool_size, 1, 1000));

    for (const char* key : {"https", "mtls", "http", "bank"}) {
        if (!t.at_path(std::string("server.") + key)) {
            static const char* defaults[] = {"127.0.0.1:8443", "127.0.0.1:8444", "127.0.0.1:8080",
                                             "127.0.0.1:8446"};
            const std::string k(key);
            const int i = k == "https" ? 0 : k == "mtls" ? 1 : k == "http" ? 2 : 3;
            const auto colon = std::string(defaults[i]).rfind(':');
            c.listeners.push_back({key, std::string(defaults[i]).substr(0, colon),
                                   std::stoi(std::string(defaults[i]).substr(colon + 1))});
            continue;
        }
        KAKUIN_TRY_STATUS(read_listener(t, key, c.listeners));
    }
    KAKUIN_TRY_STATUS(read_bool(t, "server.test_clock_allowed", c.test_clock_allowed));
    KAKUIN_TRY_STATUS(read_int(t, "server.max_connections", c.max_connections, 16, 1000000));
    KAKUIN_TRY_STATUS(read_int(t, "server.io_threads", c.io_threads, 0, 256));
    KAKUIN_TRY_STATUS(read_wording(t, c.wording));
    return c;
}

Result<Config> load_config(const std::string& data_dir) {
    const std::string path = config_path(data_dir);
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return make_error(ErrorCode::config_invalid, "cannot read " + path + " (run `kakuin init --data DIR` first)",
                          "設定ファイルを読めません。");
    std::ostringstream text;
    constexpr std::streamsize kMaxConfig = 1 << 20;
    text << in.rdbuf();
    if (text.tellp() > kMaxConfig) return invalid("file", "larger than 1 MiB");
    KAKUIN_TRY(Config c, parse_config(text.str(), data_dir));

    if (!c.smtp.url.empty() && !c.smtp.password_env.empty()) {
        const char* v = std::getenv(c.smtp.password_env.c_str());
        if (!v || !*v)
            return invalid("smtp.password_env", "environment variable " + c.smtp.password_env + " is not set");
        c.smtp.password = v;
    }
    if (!c.passphrase_env.empty()) {
        const char* v = std::getenv(c.passphrase_env.c_str());
        if (!v || !*v) return invalid("ca.passphrase_env", "environment variable " + c.passphrase_env + " is not set");
        c.ca.passphrase = v;
    } else {
        std::ifstream pf(c.passphrase_file, std::ios::binary);
        if (!pf) return invalid("ca.passphrase_file", "cannot read " + c.passphrase_file);
        std::string pass;
        char buf[512];
        pf.read(buf, sizeof buf);
        pass.assign(buf, static_cast<std::size_t>(pf.gcount()));
        while (!pass.empty() && (pass.back() == '\n' || pass.back() == '\r')) pass.pop_back();
        if (pass.empty()) return invalid("ca.passphrase_file", "is empty");
        c.ca.passphrase = std::move(pass);
    }
    return c;
}

}  // namespace kakuin::cli
