// Helpers for pki tests: temporary directories, keys and CSRs made with OpenSSL directly.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "pki/ca.h"
#include "pki/ossl.h"

namespace kakuin::pki::testing {

// A fresh directory removed (with its content) at destruction.
class TempDir {
public:
    TempDir();
    ~TempDir();
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

// "RSA" with bits, "EC" with a curve name, "ED25519", "DSA" with bits.
EvpPkeyPtr make_key(const std::string& alg, int bits = 0, const std::string& curve = "");
EvpPkeyPtr make_key_of(KeyType type);

struct CsrOptions {
    std::string cn = "attacker";
    bool add_ca_extensions = false;  // basicConstraints CA:TRUE, keyUsage keyCertSign, SAN
};
X509ReqPtr make_csr(EVP_PKEY* key, const CsrOptions& options = {});
Bytes csr_der(const X509_REQ* req);
std::string csr_pem(const X509_REQ* req);
Bytes to_bytes(const std::string& s);

X509Ptr parse_cert_der(const Bytes& der);
X509Ptr read_cert_file(const std::filesystem::path& path);
std::string read_text(const std::filesystem::path& path);
// Text of one name entry, "" when absent.
std::string name_entry(const X509_NAME* name, int nid);

inline TimePoint test_epoch() { return from_unix(1795000000); }  // 2026-11-18

// A CA directory created in a temp dir, loaded.
struct TestCa {
    TempDir tmp;
    CaSettings settings;
    std::unique_ptr<IssuingCa> ca;
    explicit TestCa(KeyType key_type = KeyType::p256);
};

// A checked CSR for a new key of `type`.
CheckedCsr checked_csr(KeyType type);

}  // namespace kakuin::pki::testing
