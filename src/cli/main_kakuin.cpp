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
    serve_cmd->add_option("--test-clock-offset", serve.test_clock_offset_seconds,
                          "tests only, with --test-clock: start the clock SECONDS from now (may be negative)");

    std::string demo_dir;
    auto* demo_cmd = app.add_subcommand("demo", "create the demo contract and users once, then serve");
    demo_cmd->add_option("--data", demo_dir, "data directory (initialised when empty)")->required();

    // `kakuin bank ...` (docs/api/bank-api.md): every command takes --data and --session.
    BankOptions bank;
    std::vector<std::pair<CLI::App*, BankCommand>> bank_commands;
    auto* bank_cmd = app.add_subcommand("bank", "the bank's back office");
    bank_cmd->require_subcommand(1);
    auto bank_sub = [&](CLI::App* parent, const char* name, const char* what, BankCommand c) {
        auto* cmd = parent->add_subcommand(name, what);
        cmd->add_option("--data", bank.data_dir, "data directory")->required();
        cmd->add_option("--session", bank.session_file,
                        "staff session file (default $KAKUIN_BANK_SESSION or ~/.kakuin-bank-session)");
        bank_commands.emplace_back(cmd, c);
        return cmd;
    };
    auto* staff_cmd = bank_cmd->add_subcommand("staff", "bank staff accounts");
    staff_cmd->require_subcommand(1);
    auto* staff_add_cmd = bank_sub(staff_cmd, "add", "add a staff member (prints the initial PIN and TOTP secret once)",
                                   BankCommand::staff_add);
    staff_add_cmd->add_option("--staff-id", bank.staff_id, "1-16 half-width alphanumerics")->required();
    staff_add_cmd->add_option("--name", bank.staff_name, "the staff member's name")->required();
    staff_add_cmd->add_option("--role", bank.role, "operator or approver")->required();
    auto* staff_unlock_cmd = bank_sub(staff_cmd, "unlock",
                                      "unlock a staff member and set a new PIN (printed once)",
                                      BankCommand::staff_unlock);
    staff_unlock_cmd->add_option("--staff-id", bank.staff_id, "staff ID")->required();
    auto* login_cmd = bank_sub(bank_cmd, "login", "log in: PIN, then OTP (terminal or stdin lines)",
                               BankCommand::login);
    login_cmd->add_option("--staff-id", bank.staff_id, "staff ID")->required();
    bank_sub(bank_cmd, "logout", "end the staff session", BankCommand::logout);

    auto* bank_contract_cmd = bank_cmd->add_subcommand("contract", "contracts");
    bank_contract_cmd->require_subcommand(1);
    auto* search_cmd = bank_sub(bank_contract_cmd, "search", "search contracts by ID prefix or name",
                                BankCommand::contract_search);
    search_cmd->add_option("--q", bank.query, "contract ID prefix or part of a name");
    search_cmd->add_option("--limit", bank.limit, "at most this many (1-500)")->check(CLI::Range(1, 500));
    auto* show_cmd = bank_sub(bank_contract_cmd, "show", "a contract, its administrator and pending requests",
                              BankCommand::contract_show);
    show_cmd->add_option("--contract-id", bank.contract_id, "11 digits")->required();
    auto* create_cmd = bank_sub(bank_contract_cmd, "create",
                                "request the registration of a contract and its administrator",
                                BankCommand::contract_create);
    create_cmd->add_option("--contract-id", bank.contract_id, "11 digits")->required();
    create_cmd->add_option("--name", bank.name, "company name")->required();
    create_cmd->add_option("--name-kana", bank.name_kana, "company name in half-width kana")->required();
    create_cmd->add_option("--login-method", bank.login_method, "id-pin or certificate")->required();
    create_cmd->add_option("--upper-limit", bank.upper_limits,
                           "contract upper limit SERVICE=PER_TRANSACTION/PER_DAY in yen (repeatable)");
    create_cmd->add_option("--admin-contact-email", bank.admin_contact_email,
                           "the administrator's contact e-mail address");
    create_cmd->add_option("--request-number", bank.request_number, "number of the paper request");
    auto* change_cmd = bank_sub(bank_contract_cmd, "change", "request a change of a contract",
                                BankCommand::contract_change);
    change_cmd->add_option("--contract-id", bank.contract_id, "11 digits")->required();
    auto* change_name = change_cmd->add_option("--name", bank.name, "new company name");
    auto* change_kana = change_cmd->add_option("--name-kana", bank.name_kana, "new name in half-width kana");
    auto* change_method = change_cmd->add_option("--login-method", bank.login_method, "id-pin or certificate");
    change_cmd->add_option("--upper-limit", bank.upper_limits,
                           "new upper limits SERVICE=PER_TRANSACTION/PER_DAY (repeatable; replaces all)");
    auto* change_email = change_cmd->add_option("--admin-contact-email", bank.admin_contact_email,
                                                "the administrator's contact e-mail (\"\" clears it)");
    change_cmd->add_option("--request-number", bank.request_number, "number of the paper request");
    for (auto [name, c] : {std::pair{"suspend", BankCommand::contract_suspend},
                           std::pair{"resume", BankCommand::contract_resume}}) {
        auto* cmd = bank_sub(bank_contract_cmd, name, c == BankCommand::contract_suspend
                                                          ? "request the suspension of a contract"
                                                          : "request the resumption of a contract", c);
        cmd->add_option("--contract-id", bank.contract_id, "11 digits")->required();
        cmd->add_option("--request-number", bank.request_number, "number of the paper request");
    }
    auto* bank_admin_cmd = bank_cmd->add_subcommand("admin", "a contract's administrator");
    bank_admin_cmd->require_subcommand(1);
    for (auto [name, c] : {std::pair{"unlock", BankCommand::admin_unlock},
                           std::pair{"reset-pins", BankCommand::admin_reset_pins},
                           std::pair{"reissue", BankCommand::admin_reissue}}) {
        auto* cmd = bank_sub(bank_admin_cmd, name,
                             c == BankCommand::admin_unlock      ? "request the unlock of the administrator's ID"
                             : c == BankCommand::admin_reset_pins ? "request new random administrator PINs"
                                                                  : "request the reissue of the administrator's certificate",
                             c);
        cmd->add_option("--contract-id", bank.contract_id, "11 digits")->required();
        auto* number = cmd->add_option("--request-number", bank.request_number, "number of the paper request (依頼書番号)");
        if (c == BankCommand::admin_reissue) number->required();
    }
    auto* requests_cmd = bank_sub(bank_cmd, "requests", "list change requests", BankCommand::requests);
    requests_cmd->add_option("--state", bank.state, "pending, applied, rejected or failed");
    requests_cmd->add_option("--contract-id", bank.contract_id, "11 digits");
    auto* approve_cmd = bank_sub(bank_cmd, "approve", "approve and apply a request (another approver)",
                                 BankCommand::approve);
    approve_cmd->add_option("--request", bank.request_id, "request ID")->required();
    auto* reject_cmd = bank_sub(bank_cmd, "reject", "reject a request (another approver)", BankCommand::reject);
    reject_cmd->add_option("--request", bank.request_id, "request ID")->required();
    reject_cmd->add_option("--reason", bank.reason, "reason");

    std::string migrate_from, migrate_to;
    auto* migrate_cmd = app.add_subcommand(
        "migrate", "copy a data directory's SQLite database into an empty PostgreSQL database");
    migrate_cmd->add_option("--from", migrate_from, "data directory (its store.url is sqlite:)")
        ->required();
    migrate_cmd->add_option("--to", migrate_to, "postgresql://user@host:port/database")->required();

    std::string reminders_dir;
    auto* reminders_cmd = app.add_subcommand("reminders", "expiry reminder e-mails");
    reminders_cmd->require_subcommand(1);
    auto* reminders_run_cmd =
        reminders_cmd->add_subcommand("run", "queue due reminders and send them once (for cron)");
    reminders_run_cmd->add_option("--data", reminders_dir, "data directory")->required();

    CLI11_PARSE(app, argc, argv);

    if (*init_cmd) return run_init(init);
    if (*migrate_cmd) return run_migrate(migrate_from, migrate_to);
    if (*crl_cmd) return run_ca_crl(data_dir, out_file);
    if (*ocsp_cmd) return run_ca_ocsp(data_dir, request_file, out_file);
    if (*serve_cmd) return run_serve(serve);
    if (*demo_cmd) return run_demo(demo_dir);
    if (*reminders_run_cmd) return run_reminders(reminders_dir);
    for (auto& [cmd, c] : bank_commands) {
        if (!*cmd) continue;
        bank.has_name = change_name->count() > 0;
        bank.has_name_kana = change_kana->count() > 0;
        bank.has_login_method = change_method->count() > 0;
        bank.has_admin_contact_email = change_email->count() > 0;
        return run_bank(c, bank);
    }
    return 2;
}
