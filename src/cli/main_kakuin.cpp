// `kakuin`: the server and the bank's command line.
#include <CLI/CLI.hpp>

#include "cli/commands.h"

int main(int argc, char** argv) {
    using namespace kakuin::cli;
    CLI::App app{"kakuin — certificate server for corporate internet banking"};
    app.require_subcommand(1);

    InitOptions init;
    auto* init_cmd = app.add_subcommand("init", "create a data directory: configuration, CA, database");
    init_cmd->add_option("--data", init.data_dir, "data directory")->required();
    init_cmd->add_option("--passphrase-env", init.passphrase_env,
                         "read the CA passphrase from this environment variable instead of a generated file");

    auto* ca_cmd = app.add_subcommand("ca", "the bank's CA");
    ca_cmd->require_subcommand(1);
    std::string data_dir, out_file, request_file;
    auto* crl_cmd = ca_cmd->add_subcommand("crl", "write the current full CRL (DER)");
    crl_cmd->add_option("--data", data_dir, "data directory")->required();
    crl_cmd->add_option("--out", out_file, "output file")->required();
    auto* ocsp_cmd = ca_cmd->add_subcommand("ocsp", "answer one OCSP request (DER in, DER out)");
    ocsp_cmd->add_option("--data", data_dir, "data directory")->required();
    ocsp_cmd->add_option("--request", request_file, "OCSP request file (DER)")->required();
    ocsp_cmd->add_option("--out", out_file, "output file")->required();

    ServeOptions serve;
    auto* serve_cmd = app.add_subcommand("serve", "run the server (listeners from DIR/kakuin.toml)");
    serve_cmd->add_option("--data", serve.data_dir, "data directory")->required();
    serve_cmd->add_flag("--test-clock", serve.test_clock,
                        "tests only: a clock moved by POST /test/clock (needs server.test_clock_allowed)");

    std::string demo_dir;
    auto* demo_cmd = app.add_subcommand("demo", "create the demo contract and users once, then serve");
    demo_cmd->add_option("--data", demo_dir, "data directory (initialised when empty)")->required();

    BankContractOptions bank_contract;
    std::string bank_dir, bank_contract_id, bank_request;
    auto* bank_cmd = app.add_subcommand("bank", "the bank's back office");
    bank_cmd->require_subcommand(1);
    auto* bank_contract_cmd = bank_cmd->add_subcommand("contract", "contracts");
    bank_contract_cmd->require_subcommand(1);
    auto* contract_create_cmd =
        bank_contract_cmd->add_subcommand("create", "register a contract and its administrator");
    contract_create_cmd->add_option("--data", bank_contract.data_dir, "data directory")->required();
    contract_create_cmd->add_option("--contract-id", bank_contract.contract_id, "11 digits")->required();
    contract_create_cmd->add_option("--name", bank_contract.name, "company name")->required();
    contract_create_cmd->add_option("--name-kana", bank_contract.name_kana, "company name in half-width kana")
        ->required();
    contract_create_cmd->add_option("--login-method", bank_contract.login_method, "id-pin or certificate")
        ->required();
    contract_create_cmd->add_option("--upper-limit", bank_contract.upper_limits,
                                    "contract upper limit SERVICE=PER_TRANSACTION/PER_DAY in yen (repeatable)");
    auto* contract_suspend_cmd = bank_contract_cmd->add_subcommand("suspend", "suspend a contract");
    contract_suspend_cmd->add_option("--data", bank_dir, "data directory")->required();
    contract_suspend_cmd->add_option("--contract-id", bank_contract_id, "11 digits")->required();
    auto* contract_resume_cmd = bank_contract_cmd->add_subcommand("resume", "resume a suspended contract");
    contract_resume_cmd->add_option("--data", bank_dir, "data directory")->required();
    contract_resume_cmd->add_option("--contract-id", bank_contract_id, "11 digits")->required();
    auto* bank_admin_cmd = bank_cmd->add_subcommand("admin", "a contract's administrator");
    bank_admin_cmd->require_subcommand(1);
    auto* admin_unlock_cmd = bank_admin_cmd->add_subcommand("unlock", "unlock the administrator's ID");
    admin_unlock_cmd->add_option("--data", bank_dir, "data directory")->required();
    admin_unlock_cmd->add_option("--contract-id", bank_contract_id, "11 digits")->required();
    auto* admin_reset_pins_cmd =
        bank_admin_cmd->add_subcommand("reset-pins", "set new random login and confirmation PINs");
    admin_reset_pins_cmd->add_option("--data", bank_dir, "data directory")->required();
    admin_reset_pins_cmd->add_option("--contract-id", bank_contract_id, "11 digits")->required();
    auto* admin_reissue_cmd = bank_admin_cmd->add_subcommand(
        "reissue", "revoke the administrator's certificate and register a new issuance");
    admin_reissue_cmd->add_option("--data", bank_dir, "data directory")->required();
    admin_reissue_cmd->add_option("--contract-id", bank_contract_id, "11 digits")->required();
    admin_reissue_cmd->add_option("--request-number", bank_request, "number of the paper request")
        ->required();

    std::string migrate_from, migrate_to;
    auto* migrate_cmd = app.add_subcommand(
        "migrate", "copy a data directory's SQLite database into an empty PostgreSQL database");
    migrate_cmd->add_option("--from", migrate_from, "data directory (its store.url is sqlite:)")
        ->required();
    migrate_cmd->add_option("--to", migrate_to, "postgresql://user@host:port/database")->required();

    CLI11_PARSE(app, argc, argv);

    if (*init_cmd) return run_init(init);
    if (*migrate_cmd) return run_migrate(migrate_from, migrate_to);
    if (*crl_cmd) return run_ca_crl(data_dir, out_file);
    if (*ocsp_cmd) return run_ca_ocsp(data_dir, request_file, out_file);
    if (*serve_cmd) return run_serve(serve);
    if (*demo_cmd) return run_demo(demo_dir);
    if (*contract_create_cmd) return run_bank_contract_create(bank_contract);
    if (*admin_unlock_cmd) return run_bank_admin_unlock(bank_dir, bank_contract_id);
    if (*contract_suspend_cmd) return run_bank_contract_suspend(bank_dir, bank_contract_id, true);
    if (*contract_resume_cmd) return run_bank_contract_suspend(bank_dir, bank_contract_id, false);
    if (*admin_reset_pins_cmd) return run_bank_admin_reset_pins(bank_dir, bank_contract_id);
    if (*admin_reissue_cmd) return run_bank_admin_reissue(bank_dir, bank_contract_id, bank_request);
    return 2;
}
