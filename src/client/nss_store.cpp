#include "client/nss_store.h"

#include <cert.h>
#include <keyhi.h>
#include <nss.h>
#include <pk11pub.h>
#include <prerror.h>
#include <secerr.h>
#include <secport.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "client/keygen.h"
#include "client/nss_handles.h"

namespace kakuin::client {
namespace {

using nss::CertPtr;
using nss::ContextPtr;
using nss::nss_error;
using nss::PrivKeyPtr;
using nss::PubKeyPtr;
using nss::SlotPtr;

// NSS's password callback: `arg` is the wincx passed to the call that needs a login.
char* password_callback(PK11SlotInfo*, PRBool retry, void* arg) {
    if (retry || arg == nullptr) return nullptr;  // a wrong password is not asked again
    const auto* source = static_cast<const NssPasswordSource*>(arg);
    if (!*source) return nullptr;
    std::optional<SecretString> pw = (*source)();
    if (!pw) return nullptr;
    return PORT_Strdup(pw->c_str());  // NSS frees (and zeroes) it
}

Status make_directory(const std::string& directory) {
    std::string prefix;
    std::size_t pos = 0;
    while (pos <= directory.size()) {
        const std::size_t slash = directory.find('/', pos);
        const std::size_t end = slash == std::string::npos ? directory.size() : slash;
        prefix = directory.substr(0, end);
        pos = end + 1;
        if (prefix.empty()) continue;
        if (::mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST)
            return make_error(ErrorCode::internal_error,
                              "mkdir " + prefix + ": " + std::strerror(errno),
                              "NSSデータベースのフォルダ（" + prefix + "）を作成できません。");
    }
    struct stat st{};
    if (::stat(directory.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        return make_error(ErrorCode::internal_error, directory + " is not a directory",
                          "NSSデータベースのフォルダ（" + directory + "）がフォルダではありません。");
    return {};
}

SECItem item_of(const void* data, std::size_t len) {
    SECItem item{};
    item.type = siBuffer;
    item.data = static_cast<unsigned char*>(const_cast<void*>(data));
    item.len = static_cast<unsigned int>(len);
    return item;
}

Result<std::vector<unsigned char>> cert_der(X509* cert) {
    const int len = i2d_X509(cert, nullptr);
    if (len <= 0) return client_ossl_error("i2d_X509");
    std::vector<unsigned char> der(static_cast<std::size_t>(len));
    unsigned char* p = der.data();
    if (i2d_X509(cert, &p) != len) return client_ossl_error("i2d_X509");
    return der;
}

// The CA certificates help a browser build the chain; they get no trust at all, so a
// failure to store one (already present, say) is not an error.
void import_cas(const IssuedChain& chain) {
    const int n = chain.cas ? sk_X509_num(chain.cas.get()) : 0;
    for (int i = 0; i < n; ++i) {
        auto der = cert_der(sk_X509_value(chain.cas.get(), i));
        if (!der.ok()) continue;
        SECItem item = item_of(der->data(), der->size());
        SECItem* items[] = {&item};
        CERT_ImportCerts(CERT_GetDefaultCertDB(), certUsageAnyCA, 1, items, nullptr, PR_TRUE,
                         PR_TRUE, nullptr);
    }
    PR_SetError(0, 0);
}

}  // namespace

std::string default_nssdb_dir() {
    const char* home = std::getenv("HOME");
    if (home == nullptr || *home == '\0') return {};
    return std::string(home) + "/.pki/nssdb";
}

Result<NssInstallation> install_into_nssdb(const std::string& directory, EVP_PKEY* key,
                                           const IssuedChain& chain, const std::string& nickname,
                                           const NssPasswordSource& ask_password) {
    if (directory.empty())
        return make_error(ErrorCode::invalid_request, "no NSS database directory",
                          "NSSデータベースのフォルダが指定されていません。");
    if (key == nullptr || !chain.leaf) return make_error(ErrorCode::invalid_request, "nothing to install");
    KAKUIN_TRY_STATUS(make_directory(directory));
    KAKUIN_TRY(SecretBytes pkcs8, private_key_pkcs8_der(key));
    KAKUIN_TRY(std::vector<unsigned char> leaf_der, cert_der(chain.leaf.get()));

    const std::string config = "sql:" + directory;
    ContextPtr context(NSS_InitContext(config.c_str(), "", "", "", nullptr, NSS_INIT_NOROOTINIT));
    if (!context) return nss_error("NSS_InitContext", "NSSデータベース（" + directory + "）を開けません。");
    PK11_SetPasswordFunc(password_callback);
    void* wincx = const_cast<NssPasswordSource*>(&ask_password);

    SlotPtr slot(PK11_GetInternalKeySlot());
    if (!slot) return nss_error("PK11_GetInternalKeySlot", "NSSデータベースのスロットを取得できません。");
    if (PK11_NeedUserInit(slot.get())) {
        // A new database: an empty password, as Chromium makes it.
        if (PK11_InitPin(slot.get(), nullptr, "") != SECSuccess)
            return nss_error("PK11_InitPin", "NSSデータベースを初期化できません。");
    }
    if (PK11_Authenticate(slot.get(), PR_TRUE, wincx) != SECSuccess)
        return nss_error("PK11_Authenticate",
                         "NSSデータベースのパスワードが正しくないか、入力されませんでした。");

    SECItem leaf_item = item_of(leaf_der.data(), leaf_der.size());
    CertPtr cert(CERT_NewTempCertificate(CERT_GetDefaultCertDB(), &leaf_item, nullptr, PR_FALSE,
                                         PR_TRUE));
    if (!cert) return nss_error("CERT_NewTempCertificate", "発行された電子証明書をNSSで読み込めません。");
    PubKeyPtr pub(CERT_ExtractPublicKey(cert.get()));
    if (!pub) return nss_error("CERT_ExtractPublicKey", "電子証明書の公開鍵をNSSで読み込めません。");
    SECItem* public_value = nullptr;
    if (pub->keyType == rsaKey) {
        public_value = &pub->u.rsa.modulus;
    } else if (pub->keyType == ecKey) {
        public_value = &pub->u.ec.publicValue;
    } else {
        return make_error(ErrorCode::internal_error, "unsupported key type for NSS",
                          "この種類の鍵はNSSに登録できません。");
    }

    SECItem pkcs8_item = item_of(pkcs8.data(), pkcs8.size());
    SECItem nick_item = item_of(nickname.data(), nickname.size());
    SECKEYPrivateKey* raw_key = nullptr;
    if (PK11_ImportDERPrivateKeyInfoAndReturnKey(slot.get(), &pkcs8_item, &nick_item, public_value,
                                                 PR_TRUE, PR_TRUE, KU_DIGITAL_SIGNATURE, &raw_key,
                                                 wincx) != SECSuccess)
        return nss_error("PK11_ImportDERPrivateKeyInfoAndReturnKey",
                         "秘密鍵をNSSデータベースに登録できません。");
    PrivKeyPtr priv(raw_key);

    if (PK11_ImportCert(slot.get(), cert.get(), CK_INVALID_HANDLE, nickname.c_str(), PR_FALSE) !=
        SECSuccess) {
        Error e = nss_error("PK11_ImportCert", "電子証明書をNSSデータベースに登録できません。");
        if (priv) PK11_DeleteTokenPrivateKey(priv.release(), PR_TRUE);
        return e;
    }
    import_cas(chain);
    return NssInstallation{directory, nickname};
}

}  // namespace kakuin::client
