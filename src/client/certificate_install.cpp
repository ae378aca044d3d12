#include "client/certificate_install.h"

#include "client/command_input.h"
#include "client/pkcs12_writer.h"

namespace kakuin::client {

std::string certificate_nickname(const CertificateSummary& summary) {
    return summary.common_name.empty() ? "kakuin " + summary.serial_hex : "kakuin " + summary.common_name;
}

Result<Installation> install_certificate(const InstallTargets& targets, EVP_PKEY* key,
                                         const IssuedChain& chain, const SecretString* p12_password,
                                         const NssPasswordSource& ask_nss_password) {
    Installation done;
    KAKUIN_TRY(done.summary, summarize_certificate(chain.leaf.get()));
    const std::string nickname = certificate_nickname(done.summary);
    if (targets.nssdb) {
        KAKUIN_TRY(done.nss, install_into_nssdb(*targets.nssdb, key, chain, nickname, ask_nss_password));
    }
    if (targets.p12) {
        if (p12_password == nullptr)
            return make_error(ErrorCode::invalid_request, "no PKCS#12 password",
                              "PKCS#12ファイルのパスワードが指定されていません。");
        KAKUIN_TRY_STATUS(write_pkcs12(*targets.p12, key, chain, nickname, *p12_password));
        done.p12 = targets.p12;
    }
    return done;
}

void print_installation(std::ostream& out, Lang lang, const Installation& done) {
    out << t(lang, "電子証明書を取得しました。\n", "The certificate has been acquired.\n");
    print_installation_details(out, lang, done);
}

void print_installation_details(std::ostream& out, Lang lang, const Installation& done) {
    const CertificateSummary& s = done.summary;
    out << "  CN: " << s.common_name << "\n";
    out << t(lang, "  シリアル番号: ", "  Serial number: ") << s.serial_hex << "\n";
    if (lang == Lang::ja) {
        out << "  有効期限: " << format_jst_ja(s.not_after) << "（日本時間） (" << format_iso8601(s.not_after)
            << ")\n";
    } else {
        out << "  Valid until: " << format_iso8601(s.not_after) << " (" << format_jst_ja(s.not_after)
            << " JST)\n";
    }
    if (done.nss) {
        out << t(lang, "  登録先 NSSデータベース: ", "  Installed in NSS database: ") << "sql:"
            << done.nss->directory << t(lang, "（ニックネーム: ", " (nickname: ") << done.nss->nickname
            << t(lang, "）\n", ")\n");
    }
    if (done.p12) out << t(lang, "  PKCS#12ファイル: ", "  PKCS#12 file: ") << *done.p12 << "\n";
}

}  // namespace kakuin::client
