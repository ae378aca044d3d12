// A throwaway CA and certificates for the HTTP tests, made with OpenSSL directly.
#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <cstdint>
#include <ctime>
#include <memory>
#include <string>

namespace kakuin::http::testing {

struct PkeyFree {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct X509Free {
    void operator()(X509* p) const { X509_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;

struct Issued {
    std::string cert_pem;
    std::string key_pem;  // unencrypted PKCS#8
    PkeyPtr key;
};

PkeyPtr make_p256_key();
std::string key_pem(EVP_PKEY* key);
std::string encrypted_key_pem(EVP_PKEY* key, const std::string& passphrase);
std::string cert_pem(X509* cert);

class TestCa {
  public:
    TestCa(const std::string& cn, std::time_t not_before, std::time_t not_after);
    const std::string& pem() const { return pem_; }

    // Server certificate for localhost / 127.0.0.1, extendedKeyUsage serverAuth.
    Issued issue_server(std::time_t not_before, std::time_t not_after, std::uint64_t serial);
    // Client certificate with the given CN and serial, extendedKeyUsage clientAuth.
    Issued issue_client(const std::string& cn, std::time_t not_before, std::time_t not_after,
                        std::uint64_t serial);

  private:
    Issued issue(const std::string& cn, std::time_t nb, std::time_t na, std::uint64_t serial,
                 bool server);
    PkeyPtr key_;
    X509Ptr cert_;
    std::string pem_;
};

}  // namespace kakuin::http::testing
