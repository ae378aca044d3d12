// File names inside the CA directory (CaSettings::dir).
#pragma once

namespace kakuin::pki {

// Each stem has STEM.crt.pem (certificate) and STEM.key.pem (encrypted PKCS#8 key, 0600).
inline constexpr const char* kRootStem = "root";
inline constexpr const char* kIssuingStem = "issuing";
inline constexpr const char* kOcspStem = "ocsp";
inline constexpr const char* kTlsStem = "tls-server";
// Issuing CA followed by root, PEM.
inline constexpr const char* kChainFile = "chain.pem";

}  // namespace kakuin::pki
