// The `kakuin` subcommands, callable from tests. Each returns the process exit code and
// prints its own messages (stdout: results, stderr: errors).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace kakuin::cli {

struct InitOptions {
    std::string data_dir;
    std::string passphrase_env;  // empty: generate a passphrase file under DIR/secrets
};
int run_init(const InitOptions& o);

int run_ca_crl(const std::string& data_dir, const std::string& out_file);
int run_ca_ocsp(const std::string& data_dir, const std::string& request_file,
                const std::string& out_file);

// `kakuin serve --data DIR`: runs until SIGTERM/SIGINT.
struct ServeOptions {
    std::string data_dir;
    // A clock that tests move with POST /test/clock {"advance_seconds": N} on the http listener
    // (loopback only). Refused unless the configuration has server.test_clock_allowed = true.
    bool test_clock = false;
    // Tests only, with test_clock: where the clock starts relative to the system clock
    // (negative: in the past, e.g. to issue a certificate that is already old at the PC's time).
    std::int64_t test_clock_offset_seconds = 0;
    // Called once every listener is bound, with {"https": port, ...} (e.g. to print URLs).
    std::function<void(const std::map<std::string, std::uint16_t>&)> on_listening;
};
int run_serve(const ServeOptions& o);

// `kakuin demo --data DIR`: initialises DIR if needed, creates the demo contract and users
// once (DIR/demo-credentials.json), then serves.
int run_demo(const std::string& data_dir);

// `kakuin bank ...`: the bank's back office (command_bank.cpp, docs/api/bank-api.md). `staff
// add` bootstraps staff on the server host; `login` (PIN, then OTP, from the terminal or stdin
// lines) writes the session file every other command uses. Changes become pending four-eyes
// requests that a different approver applies with `approve`. The history records bank:<staff>.
enum class BankCommand {
    staff_add, staff_unlock, login, logout,
    contract_search, contract_show, contract_create, contract_change, contract_suspend,
    contract_resume,
    admin_unlock, admin_reset_pins, admin_reissue,
    requests, approve, reject,
};
struct BankOptions {
    std::string data_dir;
    std::string session_file;  // default: $KAKUIN_BANK_SESSION, else ~/.kakuin-bank-session
    std::string staff_id, staff_name, role;  // staff add / login
    std::string contract_id;
    std::string name;          // company name (kanji)
    std::string name_kana;     // half-width kana
    std::string login_method;  // "id-pin" or "certificate"
    // 上限限度額: "SERVICE=PER_TRANSACTION/PER_DAY" in yen (core/permissions.h service names).
    std::vector<std::string> upper_limits;
    std::string admin_contact_email;
    std::string request_number;  // 依頼書番号
    std::string query;           // contract search
    int limit = 50;
    std::string state;           // requests: pending/applied/rejected/failed ("" = all)
    std::int64_t request_id = 0;
    std::string reason;
    // contract change: which options were given.
    bool has_name = false, has_name_kana = false, has_login_method = false,
         has_admin_contact_email = false;
};
int run_bank(BankCommand command, const BankOptions& o);

// `kakuin migrate --from DIR --to postgresql://...`: copies every table of DIR's SQLite
// database into an empty PostgreSQL database (command_migrate.cpp). Stop the server first.
int run_migrate(const std::string& data_dir, const std::string& pg_url);

// `kakuin reminders run --data DIR`: one expiry-reminder pass (queue, then send when smtp.url
// is set) with the system clock, for cron (command_reminders.cpp). Prints the counts.
int run_reminders(const std::string& data_dir);

}  // namespace kakuin::cli
