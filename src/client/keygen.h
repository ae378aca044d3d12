// The key pair the acquisition app makes on the PC (R20): never leaves the process
// unencrypted.
#pragma once

#include <span>
#include <string>

#include "client/ossl_handles.h"
#include "client/secret.h"
#include "core/policy.h"
#include "core/result.h"

namespace kakuin::client {

// A fresh key pair of the given type (RSA with e = 65537; EC on the named curve).
Result<EvpPkeyPtr> generate_key(KeyType type);

// The key type of an existing key; invalid_request for anything generate_key cannot make.
Result<KeyType> key_type_of(const EVP_PKEY* key);

// The unencrypted PKCS#8 PrivateKeyInfo DER of `key`, in a buffer wiped when destroyed.
// Only for handing to another key store in memory (NSS); never write it to a file.
Result<SecretBytes> private_key_pkcs8_der(const EVP_PKEY* key);

// True when both keys hold the same public key.
bool same_public_key(const EVP_PKEY* a, const EVP_PKEY* b);

}  // namespace kakuin::client
