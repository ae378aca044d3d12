// Where an acquired (later: renewed) certificate goes: the NSS database and/or a PKCS#12
// file; and the lines that tell the person what was done.
#pragma once

#include <optional>
#include <ostream>
#include <string>

#include "client/issued_chain.h"
#include "client/nss_store.h"
#include "client/problem.h"
#include "client/secret.h"
#include "core/result.h"

namespace kakuin::client {

struct InstallTargets {
    std::optional<std::string> nssdb;  // directory; none: no NSS database
    std::optional<std::string> p12;    // file; none: no PKCS#12
};

struct Installation {
    CertificateSummary summary;
    std::optional<NssInstallation> nss;
    std::optional<std::string> p12;
};

// Nickname of our certificates in NSS and friendly name in PKCS#12: "kakuin <CN>".
std::string certificate_nickname(const CertificateSummary& summary);

// Installs into the NSS database first, then writes the PKCS#12 (REQUIRES: `p12_password`
// when targets.p12). On failure, what was already done stays done; the Error says what failed.
Result<Installation> install_certificate(const InstallTargets& targets, EVP_PKEY* key,
                                         const IssuedChain& chain, const SecretString* p12_password,
                                         const NssPasswordSource& ask_nss_password);

// "電子証明書を取得しました。" + CN, serial, expiry (JST and ISO 8601) and where it went.
void print_installation(std::ostream& out, Lang lang, const Installation& done);
// The same without the first line: CN, serial, expiry and where it went.
void print_installation_details(std::ostream& out, Lang lang, const Installation& done);

}  // namespace kakuin::client
