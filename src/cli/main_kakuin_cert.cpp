// kakuin-cert: the acquisition app (R20). Thin main(): parses the command line, wires the
// real terminal, clock and HTTPS transport, and runs the command from src/client.
#include <curl/curl.h>

#include <CLI/CLI.hpp>

#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "client/acquire_command.h"
#include "client/curl_transport.h"
#include "client/nss_store.h"
#include "client/problem.h"
#include "client/renew_command.h"
#include "client/terminal_prompt.h"
#include "core/clock.h"

namespace {

using kakuin::client::Lang;

struct CurlGlobal {
    CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
    ~CurlGlobal() { curl_global_cleanup(); }
};

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{
        "kakuin-cert — 電子証明書取得アプリ / certificate acquisition app\n"
        "  鍵ペアをこのPCで生成し、電子証明書を取得してブラウザ（NSSデータベース）に登録します。\n"
        "  Generates the key pair on this PC, acquires the certificate and installs it for the browser."};
    app.require_subcommand(1);

    std::string server;
    std::string lang_name = "ja";
    std::string key_type_name;
    kakuin::client::AcquireOptions o;
    std::string user_id, pin_file, otp, nssdb, p12, p12_password_file;

    CLI::App* acquire = app.add_subcommand(
        "acquire",
        "電子証明書を取得する（契約法人ID・利用者ID・ログイン暗証番号・ワンタイムパスワード）\n"
        "  Acquire a certificate (contract ID, user ID, login PIN, one-time password).\n"
        "  終了コード / exit codes: 0 OK, 2 usage, 3 PIN/OTP/lock, 4 取得状態 acquisition state,\n"
        "  5 CSR/key, 6 network/TLS, 1 other");
    acquire->add_option("--server", server, "サーバーのURL / server URL (https://host:8443)")->required();
    acquire->add_option("--ca-file", o.ca_file, "銀行のCA証明書（PEM） / the bank's CA certificates (PEM)")
        ->required();
    acquire->add_option("--contract-id", o.contract_id, "契約法人ID / contract ID")->required();
    acquire->add_option("--user-id", user_id, "利用者ID（管理者は省略） / user ID (omit for the administrator)");
    acquire->add_option("--pin-file", pin_file,
                        "ログイン暗証番号のファイル（省略時は入力を求めます） / file with the login PIN "
                        "(asked on the terminal if omitted)");
    acquire->add_option("--otp", otp, "ワンタイムパスワード（省略時は必要なら入力を求めます） / one-time password");
    acquire->add_option("--key-type", key_type_name, "鍵の種類 / key type (default: the server's, else rsa2048)")
        ->check(CLI::IsMember({"rsa2048", "rsa3072", "p256"}));
    acquire->add_option("--nssdb", nssdb,
                        "登録先NSSデータベース（既定 ~/.pki/nssdb: Chromium/Chrome。Firefox はプロファイルのフォルダ） / "
                        "NSS database directory (default ~/.pki/nssdb: Chromium/Chrome; Firefox: its profile directory)");
    CLI::Option* p12_opt = acquire->add_option(
        "--p12", p12, "PKCS#12ファイルに書き出す（--nssdb なしではNSSに登録しない） / write a PKCS#12 file (AES-256, mode 0600; "
        "without --nssdb: PKCS#12 only)");
    acquire->add_option("--p12-password-file", p12_password_file,
                        "PKCS#12のパスワードのファイル / file with the PKCS#12 password")
        ->needs(p12_opt);
    acquire->add_option("--lang", lang_name, "表示言語 / language: ja (default) | en")
        ->check(CLI::IsMember({"ja", "en"}));

    kakuin::client::RenewOptions r;
    std::string r_server, r_lang = "ja", r_key_type, r_nssdb, r_nickname, r_contract_id, r_user_id;
    std::string r_p12, r_p12_password_file, r_out, r_pin_file, r_otp;
    CLI::App* renew = app.add_subcommand(
        "renew",
        "電子証明書を更新する（更新期間中、現在の電子証明書でログインして新しい鍵で更新）\n"
        "  Renew the certificate inside its renewal window: log on with the current certificate\n"
        "  (login PIN, one-time password) and get a new one for a new key pair made here.\n"
        "  終了コード / exit codes: as acquire (4: not_in_renewal_window, certificate_expired, ...)");
    renew->add_option("--server", r_server, "証明書ログイン用のURL / the certificate listener's URL (https://host:8444)")
        ->required();
    renew->add_option("--ca-file", r.ca_file, "銀行のCA証明書（PEM） / the bank's CA certificates (PEM)")->required();
    renew->add_option("--role", r.role, "user（利用者, 既定） | admin（管理者）")->check(CLI::IsMember({"user", "admin"}));
    renew->add_option("--nssdb", r_nssdb,
                      "現在の電子証明書があるNSSデータベース（既定 ~/.pki/nssdb）。新しい電子証明書もここに登録します / "
                      "NSS database holding the current certificate (default ~/.pki/nssdb); the new one goes there too");
    renew->add_option("--nickname", r_nickname, "NSSでのニックネーム（省略時は最新のもの） / NSS nickname (default: the newest)");
    renew->add_option("--contract-id", r_contract_id, "NSSで選ぶ契約法人ID / pick the NSS certificate of this contract");
    renew->add_option("--user-id", r_user_id, "NSSで選ぶ利用者ID / pick the NSS certificate of this user");
    renew->add_option("--p12,--pkcs12", r_p12,
                      "現在の電子証明書のPKCS#12ファイル。新しいものを同じ名前で書き、元は .old に残します / "
                      "PKCS#12 of the current certificate; the new one replaces it, the old is kept as FILE.old");
    renew->add_option("--p12-password-file,--pkcs12-password-file", r_p12_password_file, "PKCS#12のパスワードのファイル / file with the PKCS#12 password");
    renew->add_option("--out", r_out, "新しいPKCS#12の書き出し先（--p12 と一緒に） / write the new PKCS#12 here instead");
    renew->add_option("--pin-file", r_pin_file, "ログイン暗証番号のファイル / file with the login PIN");
    renew->add_option("--otp", r_otp, "ワンタイムパスワード / one-time password");
    renew->add_option("--key-type", r_key_type, "新しい鍵の種類（既定: 現在と同じ） / new key type (default: as the current)")
        ->check(CLI::IsMember({"rsa2048", "rsa3072", "p256"}));
    renew->add_option("--lang", r_lang, "表示言語 / language: ja (default) | en")->check(CLI::IsMember({"ja", "en"}));

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return kakuin::client::kExitUsage;
    }

    if (renew->parsed()) {
        r.lang = r_lang == "en" ? Lang::en : Lang::ja;
        auto opt = [](const std::string& v) { return v.empty() ? std::nullopt : std::optional<std::string>(v); };
        r.nssdb = opt(r_nssdb);
        r.nickname = opt(r_nickname);
        r.contract_id = opt(r_contract_id);
        r.user_id = opt(r_user_id);
        r.p12 = opt(r_p12);
        r.p12_password_file = opt(r_p12_password_file);
        r.out = opt(r_out);
        r.pin_file = opt(r_pin_file);
        r.otp = opt(r_otp);
        if (!r_key_type.empty()) r.key_type = kakuin::key_type_from_name(r_key_type);
        if (r_server.rfind("https://", 0) != 0) {
            std::cerr << kakuin::client::describe(
                             kakuin::client::usage_failure(r.lang == Lang::ja
                                                               ? "--server は https:// で始まるURLを指定してください。"
                                                               : "--server must be an https:// URL."),
                             r.lang)
                      << "\n";
            return kakuin::client::kExitUsage;
        }
        CurlGlobal curl_global;
        kakuin::client::TerminalPrompter prompter;
        kakuin::SystemClock clock;
        kakuin::client::TransportFactory factory =
            [&](const kakuin::client::ClientIdentity& id) -> std::unique_ptr<kakuin::client::HttpTransport> {
            return std::make_unique<kakuin::client::CurlTransport>(kakuin::client::CurlTransportOptions{
                .base_url = r_server,
                .ca_file = r.ca_file,
                .lang = r.lang,
                .client_certificate_pem = &id.certificate_pem,
                .client_key_der = &id.key_der});
        };
        kakuin::client::RenewEnvironment env{factory, prompter, clock, std::cout, std::cerr,
                                             kakuin::client::default_nssdb_dir()};
        return kakuin::client::run_renew(r, env);
    }

    o.lang = lang_name == "en" ? Lang::en : Lang::ja;
    if (!user_id.empty()) o.user_id = user_id;
    if (!pin_file.empty()) o.pin_file = pin_file;
    if (!otp.empty()) o.otp = otp;
    if (!key_type_name.empty()) o.key_type = kakuin::key_type_from_name(key_type_name);
    if (!nssdb.empty()) o.nssdb = nssdb;
    if (!p12.empty()) o.p12 = p12;
    if (!p12_password_file.empty()) o.p12_password_file = p12_password_file;

    if (server.rfind("https://", 0) != 0) {
        std::cerr << kakuin::client::describe(
                         kakuin::client::usage_failure(
                             o.lang == Lang::ja ? "--server は https:// で始まるURLを指定してください。"
                                                : "--server must be an https:// URL."),
                         o.lang)
                  << "\n";
        return kakuin::client::kExitUsage;
    }

    CurlGlobal curl_global;
    kakuin::client::CurlTransport transport(
        kakuin::client::CurlTransportOptions{.base_url = server, .ca_file = o.ca_file, .lang = o.lang});
    kakuin::client::TerminalPrompter prompter;
    kakuin::SystemClock clock;
    kakuin::client::AcquireEnvironment env{transport, prompter, clock, std::cout, std::cerr,
                                           kakuin::client::default_nssdb_dir()};
    return kakuin::client::run_acquire(o, env);
}
