// The PKCS#10 certificate request the acquisition app sends. The server sets the subject
// itself (R17), so the request's subject is only a hint.
#pragma once

#include <string>
#include <string_view>

#include "client/ossl_handles.h"
#include "core/result.h"

namespace kakuin::client {

// A PEM CSR for `key`, self-signed with it (SHA-256), subject CN = `common_name`
// (may be empty: then the subject is empty).
Result<std::string> make_csr_pem(EVP_PKEY* key, std::string_view common_name);

}  // namespace kakuin::client
