#include "client/acquire_command.h"

#include <algorithm>

#include "client/api_client.h"
#include "client/certificate_install.h"
#include "client/command_input.h"
#include "client/csr.h"
#include "client/issued_chain.h"
#include "client/keygen.h"
#include "client/otp_step.h"
#include "client/secret_file.h"

namespace kakuin::client {
namespace {

int report(AcquireEnvironment& env, Lang lang, const Failure& f) {
    print_failure(env.err, lang, f);
    return exit_code_for(f);
}

int usage(AcquireEnvironment& env, Lang lang, const std::string& message) {
    return report(env, lang, usage_failure(message));
}

std::optional<SecretString> new_p12_password(AcquireEnvironment& env, Lang lang,
                                             const AcquireOptions& o, std::optional<Failure>& failure) {
    if (o.p12_password_file || !env.prompter.interactive())
        return obtain_secret(env.prompter, lang, o.p12_password_file, "",
                             t(lang,
                               "PKCS#12ファイルのパスワードが指定されていません。--p12-password-file を指定してください。",
                               "No PKCS#12 password: give --p12-password-file."),
                             failure);
    for (int i = 0; i < 3; ++i) {
        auto first = env.prompter.ask(t(lang, "PKCS#12ファイルのパスワード: ", "PKCS#12 password: "));
        if (!first || first->empty()) break;
        auto second = env.prompter.ask(t(lang, "PKCS#12ファイルのパスワード（確認）: ",
                                         "PKCS#12 password (again): "));
        if (!second) break;
        if (first->view() == second->view()) return first;
        env.err << t(lang, "パスワードが一致しません。もう一度入力してください。\n",
                     "The passwords do not match. Try again.\n");
    }
    failure = usage_failure(t(lang, "PKCS#12ファイルのパスワードが入力されませんでした。",
                              "No PKCS#12 password was entered."));
    return std::nullopt;
}

// Runs the OTP step when the server asks for it; the enrollment is then csr_required.
ApiResult<Enrollment> pass_otp(AcquireEnvironment& env, Lang lang, const AcquireOptions& o,
                               ApiClient& api, Enrollment enrollment) {
    auto after = run_otp_step(
        env.prompter, env.err, lang, o.otp, kMaxOtpAttempts, std::move(enrollment),
        [](const Enrollment& e) { return e.state == "otp_required"; },
        [&api](const Enrollment& e, const SecretString& otp) { return api.send_otp(e.id, otp); });
    if (!after.ok()) return after.failure();
    enrollment = std::move(after).value();
    if (enrollment.state != "csr_required")
        return network_failure(FailureKind::response_invalid, lang, "state after OTP is not csr_required");
    return enrollment;
}

Result<KeyType> choose_key_type(const AcquireOptions& o, const Enrollment& e) {
    KeyType type = KeyType::rsa2048;
    if (o.key_type) {
        type = *o.key_type;
    } else if (auto d = key_type_from_name(e.default_key_type)) {
        type = *d;
    }
    if (!e.key_types.empty() &&
        std::find(e.key_types.begin(), e.key_types.end(), std::string(key_type_name(type))) ==
            e.key_types.end()) {
        std::string allowed;
        for (const auto& k : e.key_types) allowed += (allowed.empty() ? "" : ", ") + k;
        return make_error(ErrorCode::key_not_allowed,
                          std::string(key_type_name(type)) + " not in " + allowed,
                          "この種類の鍵（" + std::string(key_type_name(type)) +
                              "）は利用できません。利用できる鍵: " + allowed);
    }
    return type;
}

}  // namespace

int run_acquire(const AcquireOptions& o, AcquireEnvironment& env) {
    const Lang lang = o.lang;
    // 1. Everything local first, so that a mistake costs no server round trip.
    if (auto problem = id_or_ca_file_problem(lang, &o.contract_id, o.user_id, o.ca_file))
        return usage(env, lang, *problem);
    if (o.p12_password_file && !o.p12)
        return usage(env, lang, t(lang, "--p12-password-file は --p12 と一緒に指定してください。",
                                  "--p12-password-file needs --p12."));
    const bool to_nss = o.nssdb.has_value() || !o.p12.has_value();
    const std::string nssdb = o.nssdb ? *o.nssdb : env.default_nssdb;
    if (to_nss && nssdb.empty())
        return usage(env, lang, t(lang, "NSSデータベースの場所が分かりません。--nssdb を指定してください。",
                                  "Cannot tell where the NSS database is: give --nssdb."));

    std::optional<Failure> failure;
    std::optional<SecretString> pin = obtain_secret(
        env.prompter, lang, o.pin_file, t(lang, "ログイン暗証番号: ", "Login PIN: "),
        t(lang, "ログイン暗証番号が指定されていません。--pin-file を指定するか、端末から実行してください。",
          "No login PIN: give --pin-file or run on a terminal."),
        failure);
    if (!pin) return report(env, lang, *failure);
    std::optional<SecretString> p12_password;
    if (o.p12) {
        p12_password = new_p12_password(env, lang, o, failure);
        if (!p12_password) return report(env, lang, *failure);
    }

    // 2. Authenticate: contract ID (+ user ID) + login PIN, then the OTP if asked.
    ApiClient api(env.transport, lang);
    auto started = api.start_enrollment(o.contract_id, o.user_id, *pin);
    pin.reset();  // wiped
    if (!started.ok()) return report(env, lang, started.failure());
    auto ready = pass_otp(env, lang, o, api, std::move(started).value());
    if (!ready.ok()) return report(env, lang, ready.failure());
    Enrollment& enrollment = ready.value();

    // 3. The key pair is made here and never leaves this process unencrypted.
    auto key_type = choose_key_type(o, enrollment);
    if (!key_type.ok()) return report(env, lang, local_failure(key_type.error(), lang));
    auto key = generate_key(*key_type);
    if (!key.ok()) return report(env, lang, local_failure(key.error(), lang));
    std::string cn_hint = o.contract_id + (o.user_id ? " " + *o.user_id : std::string());
    auto csr = make_csr_pem(key->get(), cn_hint);
    if (!csr.ok()) return report(env, lang, local_failure(csr.error(), lang));

    // 4. The certificate: it must carry our key and chain to the bank's CA.
    auto pem = api.send_csr(enrollment.id, *csr);
    if (!pem.ok()) return report(env, lang, pem.failure());
    auto chain = parse_pem_chain(*pem);
    if (!chain.ok()) {
        Failure f = network_failure(FailureKind::response_invalid, lang, chain.error().detail);
        return report(env, lang, f);
    }
    const char* retry_note = t(lang,
                               "取得期限内であれば、もう一度 kakuin-cert acquire を実行して取得し直すことができます。\n",
                               "Before the acquisition deadline you can run kakuin-cert acquire again.\n");
    if (Status checked = check_issued_chain(*chain, key->get(), o.ca_file, env.clock.now()); !checked.ok()) {
        const int code = report(env, lang, local_failure(checked.error(), lang));
        env.err << retry_note;
        return code;
    }
    // 5. Install.
    InstallTargets targets;
    if (to_nss) targets.nssdb = nssdb;
    targets.p12 = o.p12;
    NssPasswordSource ask = [&env, lang]() -> std::optional<SecretString> {
        if (!env.prompter.interactive()) return std::nullopt;
        return env.prompter.ask(t(lang, "NSSデータベースのパスワード: ", "NSS database password: "));
    };
    auto installed = install_certificate(targets, key->get(), *chain,
                                         p12_password ? &*p12_password : nullptr, ask);
    if (!installed.ok()) {
        const int code = report(env, lang, local_failure(installed.error(), lang));
        env.err << retry_note;
        return code;
    }
    print_installation(env.out, lang, *installed);
    return kExitOk;
}

}  // namespace kakuin::client
