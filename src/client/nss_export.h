// Takes the current certificate back out of the NSS database that `acquire` installed it
// into, for `renew`: lists the certificates that have a private key, picks the person's
// newest one issued by the bank, and exports it with pk12util (NSS's own tool) into a
// PKCS#12 under a random password in a private temporary directory, which is read back
// and removed at once.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "client/current_credential.h"
#include "client/nss_store.h"

namespace kakuin::client {

struct NssUserCertificate {
    std::string nickname;
    X509Ptr certificate;
    CertificateSummary summary;
    std::string role;  // OU
};

// Every certificate of the database with a private key (NSS "user" certificates). A database
// with a password asks `ask_password` once; the checked password is left in `password_out`
// (empty for none) for export_from_nssdb.
// Errors: invalid_request (no database there), internal_error (it cannot be opened, or the
// password is wrong or not given) with a Japanese detail_ja.
Result<std::vector<NssUserCertificate>> list_nss_user_certificates(
    const std::string& directory, const NssPasswordSource& ask_password, SecretString& password_out);

struct CertificateChoice {
    std::string role;                      // "admin" / "user": the certificate's OU
    std::optional<std::string> nickname;   // exactly this one
    std::optional<std::string> contract_id;
    std::optional<std::string> user_id;
    std::string ca_file;                   // only certificates the bank's CA issued
};

// The newest (latest notBefore) candidate that matches `choice`. invalid_request (Japanese
// detail_ja) when none matches or candidates of several persons remain (name --nickname, or
// --contract-id / --user-id).
Result<const NssUserCertificate*> choose_certificate(const std::vector<NssUserCertificate>& all,
                                                     const CertificateChoice& choice);

// Exports `nickname` with its key through pk12util (`pk12util_path`, "pk12util" by default,
// found on PATH). `db_password` is the database's password, empty for none.
Result<CurrentCredential> export_from_nssdb(const std::string& directory, const std::string& nickname,
                                            const SecretString& db_password,
                                            const std::string& pk12util_path = "pk12util");

}  // namespace kakuin::client
