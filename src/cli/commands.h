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
    // Called once every listener is bound, with {"https": port, ...} (e.g. to print URLs).
    std::function<void(const std::map<std::string, std::uint16_t>&)> on_listening;
};
int run_serve(const ServeOptions& o);

// `kakuin demo --data DIR`: initialises DIR if needed, creates the demo contract and users
// once (DIR/demo-credentials.json), then serves.
int run_demo(const std::string& data_dir);

// `kakuin bank ...`: the bank's back office (command_bank.cpp). The history records the staff
// member as bank:$USER (bank:cli without $USER).
struct BankContractOptions {
    std::string data_dir;
    std::string contract_id;
    std::string name;          // company name (kanji)
    std::string name_kana;     // half-width kana
    std::string login_method;  // "id-pin" or "certificate"
    // 上限限度額: "SERVICE=PER_TRANSACTION/PER_DAY" in yen (core/permissions.h service names).
    std::vector<std::string> upper_limits;
};
// Prints the initial PINs and the administrator's otpauth:// URI (for the paper letter).
int run_bank_contract_create(const BankContractOptions& o);
int run_bank_admin_unlock(const std::string& data_dir, const std::string& contract_id);
// R3: new random administrator PINs, printed for the bank's letter.
int run_bank_admin_reset_pins(const std::string& data_dir, const std::string& contract_id);
// R1: suspend (true) or resume (false) a contract.
int run_bank_contract_suspend(const std::string& data_dir, const std::string& contract_id,
                              bool suspend);
// R24: revokes the administrator's certificate and registers issue number + 1.
int run_bank_admin_reissue(const std::string& data_dir, const std::string& contract_id,
                           const std::string& request_number);

// `kakuin migrate --from DIR --to postgresql://...`: copies every table of DIR's SQLite
// database into an empty PostgreSQL database (command_migrate.cpp). Stop the server first.
int run_migrate(const std::string& data_dir, const std::string& pg_url);

}  // namespace kakuin::cli
