// Writes key, certificate and CA chain as a password-protected PKCS#12 file, for browsers
// and tools that import one (curl, Windows, macOS).
#pragma once

#include <string>

#include "client/issued_chain.h"
#include "client/secret.h"
#include "core/result.h"

namespace kakuin::client {

// Key and certificates encrypted with AES-256-CBC (PBES2, PBKDF2 with HMAC-SHA-256,
// kPkcs12Iterations), MAC HMAC-SHA-256. The file is created with mode 0600 next to `path`
// and renamed over it, so a reader never sees half a file. `password` must not be empty.
Status write_pkcs12(const std::string& path, EVP_PKEY* key, const IssuedChain& chain,
                    const std::string& friendly_name, const SecretString& password);

inline constexpr int kPkcs12Iterations = 100000;

}  // namespace kakuin::client
