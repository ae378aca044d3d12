#include "client/renew_command.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "client/certificate_install.h"
#include "client/command_input.h"
#include "client/csr.h"
#include "client/current_credential.h"
#include "client/issued_chain.h"
#include "client/keygen.h"
#include "client/nss_export.h"
#include "client/otp_step.h"
#include "client/pkcs12_writer.h"
#include "client/renewal_client.h"
#include "client/secret_file.h"

namespace kakuin::client {
namespace {

int report(RenewEnvironment& env, Lang lang, const Failure& f) {
    print_failure(env.err, lang, f);
    // What to do next, for the refusals a renewal meets (seed 003, R22, R23).
    if (f.code == "not_in_renewal_window")
        env.err << t(lang,
                     "  更新は有効期限の前の更新期間にのみ行えます。期間に入ってから再度実行してください。\n",
                     "  Renewal is possible only in the renewal window before expiry. Run again then.\n");
    else if (f.code == "certificate_not_current")
        env.err << t(lang, "  この電子証明書は既に更新済みです。新しい電子証明書を使用してください。\n",
                     "  This certificate has already been renewed. Use the new certificate.\n");
    return exit_code_for(f);
}

int usage(RenewEnvironment& env, Lang lang, const std::string& message) {
    return report(env, lang, usage_failure(message));
}

ApiResult<CertificateSession> pass_otp(RenewEnvironment& env, Lang lang, const RenewOptions& o,
                                       RenewalClient& api, CertificateSession session) {
    // A refused OTP keeps the session in otp_required: the next code goes to the same one.
    return run_otp_step(
        env.prompter, env.err, lang, o.otp, 3, std::move(session),
        [](const CertificateSession& s) { return s.state == "otp_required"; },
        [&api](const CertificateSession& s, const SecretString& otp) { return api.send_otp(s, otp); });
}

// Moves `path` aside to `path`.old (replacing an older .old), so that the new file can take
// its place. Returns the backup's name.
Result<std::string> keep_old(const std::string& path) {
    const std::string backup = path + ".old";
    if (::rename(path.c_str(), backup.c_str()) != 0)
        return make_error(ErrorCode::internal_error, "rename " + path + ": " + std::strerror(errno),
                          "元のPKCS#12ファイル（" + path + "）を " + backup + " に移せません。");
    return backup;
}

}  // namespace

int run_renew(const RenewOptions& o, RenewEnvironment& env) {
    const Lang lang = o.lang;
    // 1. Everything local first.
    if (o.role != "user" && o.role != "admin")
        return usage(env, lang, t(lang, "--role は user または admin を指定してください。",
                                  "--role must be user or admin."));
    if (o.p12 && o.nssdb)
        return usage(env, lang, t(lang, "--p12 と --nssdb はどちらか一方を指定してください。",
                                  "Give either --p12 or --nssdb, not both."));
    if (o.p12_password_file && !o.p12)
        return usage(env, lang, t(lang, "--p12-password-file は --p12 と一緒に指定してください。",
                                  "--p12-password-file needs --p12."));
    if (o.out && !o.p12)
        return usage(env, lang, t(lang, "--out は --p12 と一緒に指定してください。", "--out needs --p12."));
    if (auto problem = id_or_ca_file_problem(lang, o.contract_id ? &*o.contract_id : nullptr,
                                             o.user_id, o.ca_file))
        return usage(env, lang, *problem);
    const std::string nssdb = o.nssdb ? *o.nssdb : env.default_nssdb;
    if (!o.p12 && nssdb.empty())
        return usage(env, lang, t(lang, "NSSデータベースの場所が分かりません。--nssdb を指定してください。",
                                  "Cannot tell where the NSS database is: give --nssdb."));

    std::optional<Failure> failure;
    std::optional<SecretString> p12_password;
    if (o.p12) {
        p12_password = obtain_secret(
            env.prompter, lang, o.p12_password_file, t(lang, "PKCS#12ファイルのパスワード: ", "PKCS#12 password: "),
            t(lang, "PKCS#12ファイルのパスワードが指定されていません。--p12-password-file を指定してください。",
              "No PKCS#12 password: give --p12-password-file."),
            failure);
        if (!p12_password) return report(env, lang, *failure);
    }

    // 2. The current certificate and key.
    NssPasswordSource ask_nss = [&env, lang]() -> std::optional<SecretString> {
        if (!env.prompter.interactive()) return std::nullopt;
        return env.prompter.ask(t(lang, "NSSデータベースのパスワード: ", "NSS database password: "));
    };
    CurrentCredential current;
    if (o.p12) {
        auto loaded = load_pkcs12(*o.p12, *p12_password);
        if (!loaded.ok()) return report(env, lang, local_failure(loaded.error(), lang));
        current = std::move(loaded).value();
    } else {
        SecretString db_password;  // the database's, when it has one (checked by the listing)
        auto all = list_nss_user_certificates(nssdb, ask_nss, db_password);
        if (!all.ok()) return report(env, lang, local_failure(all.error(), lang));
        CertificateChoice choice{o.role, o.nickname, o.contract_id, o.user_id, o.ca_file};
        auto chosen = choose_certificate(*all, choice);
        if (!chosen.ok()) return report(env, lang, local_failure(chosen.error(), lang));
        auto exported = export_from_nssdb(nssdb, (*chosen)->nickname, db_password, env.pk12util);
        if (!exported.ok()) return report(env, lang, local_failure(exported.error(), lang));
        current = std::move(exported).value();
    }
    if (!current.role.empty() && current.role != o.role)
        return usage(env, lang,
                     o.role == "user"
                         ? t(lang, "この電子証明書は管理者用です。--role admin を指定してください。",
                             "This is an administrator's certificate: give --role admin.")
                         : t(lang, "この電子証明書は利用者用です。--role user を指定してください。",
                             "This is a user's certificate: give --role user."));
    auto cert_pem = certificate_pem(current.certificate.get());
    if (!cert_pem.ok()) return report(env, lang, local_failure(cert_pem.error(), lang));
    auto key_der = private_key_pkcs8_der(current.key.get());
    if (!key_der.ok()) return report(env, lang, local_failure(key_der.error(), lang));

    std::optional<SecretString> pin = obtain_secret(
        env.prompter, lang, o.pin_file, t(lang, "ログイン暗証番号: ", "Login PIN: "),
        t(lang, "ログイン暗証番号が指定されていません。--pin-file を指定するか、端末から実行してください。",
          "No login PIN: give --pin-file or run on a terminal."),
        failure);
    if (!pin) return report(env, lang, *failure);

    // 3. Log on with the current certificate: PIN, then OTP if asked.
    std::unique_ptr<HttpTransport> transport = env.make_transport(ClientIdentity{*cert_pem, *key_der});
    RenewalClient api(*transport, lang);
    auto session = api.login(o.role, *pin);
    pin.reset();
    if (!session.ok()) return report(env, lang, session.failure());
    auto active = pass_otp(env, lang, o, api, std::move(session).value());
    if (!active.ok()) return report(env, lang, active.failure());
    if (active->renewal_open && !*active->renewal_open) {
        // The server decides; this only saves making a key that it would refuse.
        Failure f = parse_problem(R"({"code":"not_in_renewal_window"})", 409, lang);
        if (!active->renewal_opens_at.empty())
            f.technical = std::string(t(lang, "更新期間の開始: ", "renewal opens at ")) + active->renewal_opens_at;
        return report(env, lang, f);
    }

    // 4. The new key pair, made here, of the current key's type unless told otherwise.
    KeyType type = KeyType::rsa2048;
    if (o.key_type) {
        type = *o.key_type;
    } else if (auto current_type = key_type_of(current.key.get()); current_type.ok()) {
        type = *current_type;
    }
    auto key = generate_key(type);
    if (!key.ok()) return report(env, lang, local_failure(key.error(), lang));
    std::string cn_hint = current.summary.common_name;
    auto csr = make_csr_pem(key->get(), cn_hint);
    if (!csr.ok()) return report(env, lang, local_failure(csr.error(), lang));

    auto pem = api.renew(*active, *csr);
    if (!pem.ok()) return report(env, lang, pem.failure());
    auto chain = parse_pem_chain(*pem);
    if (!chain.ok())
        return report(env, lang, network_failure(FailureKind::response_invalid, lang, chain.error().detail));
    // From here the old certificate is revoked: a failure must not lose the new one silently.
    const char* lost_note = t(lang,
                              "  電子証明書は更新されましたが、このPCに登録できませんでした。管理者"
                              "（管理者の場合はお取引店）に再発行を依頼してください。\n",
                              "  The certificate was renewed but could not be installed on this PC. Ask "
                              "your administrator (administrators: the bank) for a reissue.\n");
    // Checked at this PC's time, or at the certificate's notBefore when this PC's clock is
    // behind the server's (the server sets notBefore to its own now; a slow PC clock must not
    // make a certificate that the server has already swapped in look unusable).
    TimePoint check_at = env.clock.now();
    if (auto leaf = summarize_certificate(chain->leaf.get()); leaf.ok() && leaf->not_before > check_at)
        check_at = leaf->not_before;
    if (Status checked = check_issued_chain(*chain, key->get(), o.ca_file, check_at); !checked.ok()) {
        const int code = report(env, lang, local_failure(checked.error(), lang));
        env.err << lost_note;
        return code;
    }

    // 5. Install where the old one was.
    InstallTargets targets;
    std::optional<std::string> backup;
    if (o.p12) {
        const std::string dest = o.out ? *o.out : *o.p12;
        if (!o.out) {
            auto moved = keep_old(*o.p12);
            if (!moved.ok()) {
                const int code = report(env, lang, local_failure(moved.error(), lang));
                env.err << lost_note;
                return code;
            }
            backup = *moved;
        }
        targets.p12 = dest;
    } else {
        targets.nssdb = nssdb;
    }
    auto installed = install_certificate(targets, key->get(), *chain,
                                         p12_password ? &*p12_password : nullptr, ask_nss);
    if (!installed.ok()) {
        if (backup) ::rename(backup->c_str(), o.p12->c_str());
        const int code = report(env, lang, local_failure(installed.error(), lang));
        env.err << lost_note;
        return code;
    }
    env.out << t(lang,
                 "電子証明書を更新しました。ブラウザをすべて閉じてから、新しい電子証明書を選択して"
                 "再度ログインしてください。\n",
                 "The certificate has been renewed. Close every browser window, then log on again "
                 "choosing the new certificate.\n");
    print_installation_details(env.out, lang, *installed);
    if (backup)
        env.out << t(lang, "  元のPKCS#12ファイル: ", "  Previous PKCS#12 file: ") << *backup << "\n";
    return kExitOk;
}

}  // namespace kakuin::client
