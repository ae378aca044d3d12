#include "client/nss_export.h"

#include <cert.h>
#include <fcntl.h>
#include <nss.h>
#include <openssl/rand.h>
#include <pk11pub.h>
#include <prerror.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>

#include "client/nss_handles.h"

extern char** environ;

namespace kakuin::client {
namespace {

namespace fs = std::filesystem;

using nss::nss_error;

// NSS's password callback for the listing: the password checked before (or none).
char* given_password(PK11SlotInfo*, PRBool retry, void* arg) {
    if (retry || arg == nullptr) return nullptr;
    return PORT_Strdup(static_cast<const SecretString*>(arg)->c_str());
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }

// True when `cert` chains to a certificate of `ca_file` (time not checked: an expired one is
// still the person's, and the server says certificate_expired).
bool issued_by_bank(X509* cert, const std::string& ca_file) {
    X509StorePtr store(X509_STORE_new());
    if (!store || X509_STORE_load_file(store.get(), ca_file.c_str()) != 1) {
        client_ossl_clear_errors();
        return false;
    }
    X509StoreCtxPtr ctx(X509_STORE_CTX_new());
    if (!ctx || X509_STORE_CTX_init(ctx.get(), store.get(), cert, nullptr) != 1) {
        client_ossl_clear_errors();
        return false;
    }
    X509_STORE_CTX_set_flags(ctx.get(), X509_V_FLAG_NO_CHECK_TIME);
    const bool ok = X509_verify_cert(ctx.get()) == 1;
    client_ossl_clear_errors();
    return ok;
}

// A private temporary directory (0700), removed with everything in it.
class PrivateTempDir {
public:
    static Result<PrivateTempDir> make() {
        const char* base = std::getenv("TMPDIR");
        std::string pattern = std::string(base && *base ? base : "/tmp") + "/kakuin-renew-XXXXXX";
        std::vector<char> buf(pattern.begin(), pattern.end());
        buf.push_back('\0');
        if (::mkdtemp(buf.data()) == nullptr)
            return make_error(ErrorCode::internal_error, std::string("mkdtemp: ") + std::strerror(errno),
                              "一時フォルダを作成できません。");
        PrivateTempDir d;
        d.path_ = buf.data();
        return d;
    }
    PrivateTempDir() = default;
    PrivateTempDir(PrivateTempDir&& o) noexcept : path_(std::move(o.path_)) { o.path_.clear(); }
    PrivateTempDir& operator=(PrivateTempDir&&) = delete;
    ~PrivateTempDir() {
        if (path_.empty()) return;
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

Status write_private_file(const std::string& path, std::string_view content) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return make_error(ErrorCode::internal_error, "open " + path + ": " + std::strerror(errno),
                          "一時ファイルを作成できません。");
    bool ok = true;
    while (!content.empty() && ok) {
        const ssize_t n = ::write(fd, content.data(), content.size());
        if (n < 0 && errno == EINTR) continue;
        ok = n > 0;
        if (ok) content.remove_prefix(static_cast<std::size_t>(n));
    }
    ok = ::close(fd) == 0 && ok;
    if (!ok)
        return make_error(ErrorCode::internal_error, "write " + path, "一時ファイルを書き込めません。");
    return {};
}

Result<SecretString> random_password() {
    unsigned char raw[24];
    if (RAND_bytes(raw, sizeof raw) != 1) return client_ossl_error("RAND_bytes");
    SecretString pw;
    static constexpr char kHex[] = "0123456789abcdef";
    for (unsigned char b : raw) {
        pw.push_back(kHex[b >> 4]);
        pw.push_back(kHex[b & 0xf]);
    }
    OPENSSL_cleanse(raw, sizeof raw);
    return pw;
}

// Runs argv with stdin from /dev/null and stdout+stderr into `log`; the exit status.
Result<int> run_tool(const std::vector<std::string>& args, const std::string& log) {
    posix_spawn_file_actions_t actions;
    if (posix_spawn_file_actions_init(&actions) != 0)
        return make_error(ErrorCode::internal_error, "posix_spawn_file_actions_init");
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    pid_t pid = 0;
    const int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0)
        return make_error(ErrorCode::internal_error, args[0] + ": " + std::strerror(rc),
                          args[0] + " を実行できません（libnss3-tools をインストールしてください）。");
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return make_error(ErrorCode::internal_error, std::string("waitpid: ") + std::strerror(errno));
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

std::string first_line_of(const std::string& path) {
    std::ifstream in(path);
    std::string line, out;
    while (std::getline(in, line) && out.size() < 300) {
        if (!line.empty()) out += (out.empty() ? "" : " / ") + line;
    }
    return out.substr(0, 300);
}

}  // namespace

Result<std::vector<NssUserCertificate>> list_nss_user_certificates(
    const std::string& directory, const NssPasswordSource& ask_password, SecretString& password_out) {
    struct stat st{};
    if (directory.empty() || ::stat((directory + "/cert9.db").c_str(), &st) != 0)
        return make_error(ErrorCode::invalid_request, "no NSS database in " + directory,
                          "NSSデータベース（" + directory + "）が見つかりません。--nssdb を確認してください。");
    const std::string config = "sql:" + directory;
    nss::ContextPtr context(NSS_InitContext(
        config.c_str(), "", "", "", nullptr, NSS_INIT_READONLY | NSS_INIT_NOROOTINIT));
    if (!context) return nss_error("NSS_InitContext", "NSSデータベース（" + directory + "）を開けません。");
    nss::SlotPtr slot(PK11_GetInternalKeySlot());
    if (!slot) return nss_error("PK11_GetInternalKeySlot", "NSSデータベースのスロットを取得できません。");
    SecretString password;
    if (PK11_NeedLogin(slot.get()) && PK11_CheckUserPassword(slot.get(), "") != SECSuccess) {
        std::optional<SecretString> asked = ask_password ? ask_password() : std::nullopt;
        if (!asked || PK11_CheckUserPassword(slot.get(), asked->c_str()) != SECSuccess)
            return nss_error("PK11_CheckUserPassword",
                             "NSSデータベースのパスワードが正しくないか、入力されませんでした。");
        password = std::move(*asked);
    }
    PK11_SetPasswordFunc(given_password);
    nss::CertListPtr list(PK11_ListCerts(PK11CertListUser, &password));
    std::vector<NssUserCertificate> out;
    password_out = std::move(password);
    if (!list) return out;
    for (CERTCertListNode* n = CERT_LIST_HEAD(list.get()); !CERT_LIST_END(n, list.get());
         n = CERT_LIST_NEXT(n)) {
        if (n->cert == nullptr || n->cert->nickname == nullptr) continue;
        const unsigned char* p = n->cert->derCert.data;
        X509Ptr x(d2i_X509(nullptr, &p, static_cast<long>(n->cert->derCert.len)));
        if (!x) {
            client_ossl_clear_errors();
            continue;
        }
        auto summary = summarize_certificate(x.get());
        if (!summary.ok()) continue;
        NssUserCertificate c;
        // NSS prefixes a token name ("token:nick") for other tokens; ours is the internal one.
        c.nickname = n->cert->nickname;
        c.role = organizational_unit(x.get());
        c.summary = std::move(*summary);
        c.certificate = std::move(x);
        out.push_back(std::move(c));
    }
    return out;
}

Result<const NssUserCertificate*> choose_certificate(const std::vector<NssUserCertificate>& all,
                                                     const CertificateChoice& choice) {
    std::vector<const NssUserCertificate*> candidates;
    for (const auto& c : all) {
        if (choice.nickname) {
            if (c.nickname == *choice.nickname) candidates.push_back(&c);
            continue;
        }
        if (!c.role.empty() && c.role != choice.role) continue;  // no OU: not ours to judge
        if (choice.contract_id) {
            std::string prefix = *choice.contract_id + " ";
            if (choice.user_id) prefix += *choice.user_id + " ";
            if (!starts_with(c.summary.common_name, prefix)) continue;
        }
        if (!issued_by_bank(c.certificate.get(), choice.ca_file)) continue;
        candidates.push_back(&c);
    }
    if (candidates.empty())
        return make_error(ErrorCode::invalid_request, "no matching certificate with a key in the NSS database",
                          choice.nickname ? "指定したニックネームの電子証明書（秘密鍵付き）がNSSデータベースにありません。"
                                          : "更新する電子証明書（秘密鍵付き）がNSSデータベースにありません。"
                                            "--role、--nssdb を確認してください。");
    // The person is the CN without its random suffix (R17: "<contract> [<user>] <suffix>").
    auto person_of = [](const NssUserCertificate* c) {
        const std::string& cn = c->summary.common_name;
        const auto sp = cn.rfind(' ');
        return sp == std::string::npos ? cn : cn.substr(0, sp);
    };
    const std::string first = person_of(candidates.front());
    for (const auto* c : candidates) {
        if (person_of(c) != first)
            return make_error(ErrorCode::invalid_request, "certificates of several persons; name one",
                              "NSSデータベースに複数の方の電子証明書があります。--nickname（または "
                              "--contract-id と --user-id）で指定してください。");
    }
    return *std::max_element(candidates.begin(), candidates.end(), [](auto* a, auto* b) {
        return a->summary.not_before < b->summary.not_before;
    });
}

Result<CurrentCredential> export_from_nssdb(const std::string& directory, const std::string& nickname,
                                            const SecretString& db_password,
                                            const std::string& pk12util_path) {
    KAKUIN_TRY(PrivateTempDir tmp, PrivateTempDir::make());
    KAKUIN_TRY(SecretString password, random_password());
    const std::string p12 = tmp.path() + "/current.p12";
    const std::string pw_file = tmp.path() + "/p12.pw";
    const std::string db_pw_file = tmp.path() + "/db.pw";
    const std::string log = tmp.path() + "/pk12util.log";
    KAKUIN_TRY_STATUS(write_private_file(pw_file, password.view()));
    std::vector<std::string> args{pk12util_path, "-o", p12, "-n", nickname, "-d", "sql:" + directory,
                                  "-w", pw_file};
    if (!db_password.empty()) {
        KAKUIN_TRY_STATUS(write_private_file(db_pw_file, db_password.view()));
        args.insert(args.end(), {"-k", db_pw_file});
    }
    KAKUIN_TRY(int status, run_tool(args, log));
    if (status != 0)
        return make_error(ErrorCode::internal_error,
                          "pk12util exited with " + std::to_string(status) + ": " + first_line_of(log),
                          "NSSデータベースから電子証明書と秘密鍵を取り出せません（pk12util）。");
    return load_pkcs12(p12, password);
}

}  // namespace kakuin::client
