// Which public keys kakuin accepts, and making keys of an accepted type.
#pragma once

#include "core/policy.h"
#include "core/result.h"
#include "pki/ossl.h"

namespace kakuin::pki {

// RSA 2048/3072/4096 (odd public exponent > 1) or EC on P-256/P-384 by name.
// Errors: key_too_weak (RSA below 2048 bits), key_not_allowed (anything else).
Result<KeyType> classify_key(const EVP_PKEY* key);

// A fresh key pair of `type` from OpenSSL's default DRBG.
Result<EvpPkeyPtr> generate_key(KeyType type);

bool is_rsa(KeyType type);

}  // namespace kakuin::pki
