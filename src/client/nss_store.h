// Installs the key and certificate into an NSS database: the store Chromium and Firefox
// read on Linux (~/.pki/nssdb), through the NSS library itself.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "client/issued_chain.h"
#include "client/secret.h"
#include "core/result.h"

namespace kakuin::client {

// Asked for the database's password when it has one (a database made by Chromium or by
// install_into_nssdb has none). nullopt gives up.
using NssPasswordSource = std::function<std::optional<SecretString>()>;

struct NssInstallation {
    std::string directory;
    std::string nickname;
};

// $HOME/.pki/nssdb; "" when HOME is unset.
std::string default_nssdb_dir();

// Creates `directory` (mode 0700) and an empty-password database in it when absent, then
// imports the private key (PKCS#8, token object, private, sensitive) and the leaf under
// `nickname`, and the CA certificates without any trust. NSS is initialised for the call
// only (NSS_InitContext / NSS_ShutdownContext); not thread-safe with other NSS users.
// internal_error with a Japanese detail_ja on any failure; a key imported before a failure
// is deleted again.
Result<NssInstallation> install_into_nssdb(const std::string& directory, EVP_PKEY* key,
                                           const IssuedChain& chain, const std::string& nickname,
                                           const NssPasswordSource& ask_password);

}  // namespace kakuin::client
