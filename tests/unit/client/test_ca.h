// A throwaway CA hierarchy (root -> issuing CA -> leaf) for the client tests, and small
// file and process helpers.
#pragma once

#include <filesystem>
#include <string>

#include "client/issued_chain.h"
#include "client/ossl_handles.h"
#include "core/clock.h"

namespace kakuin::client::testing {

struct LeafOptions {
    std::string common_name = "00009876543 riyousya 1635";
    long serial = 0x1635;
    bool server = false;        // serverAuth + `san` instead of clientAuth
    std::string san = "DNS:localhost,IP:127.0.0.1";
    long days = 365;
};

class TestCa {
public:
    // Root and issuing CA, both P-256, valid from `now - 1 day` for 10 years.
    explicit TestCa(TimePoint now = TimePoint(std::chrono::seconds(1795000000)));

    X509Ptr issue(EVP_PKEY* subject_key, const LeafOptions& options = {}) const;
    // "leaf PEM + issuing CA PEM + root PEM", as the server sends it.
    std::string chain_pem(const X509* leaf) const;
    IssuedChain chain(X509Ptr leaf) const;
    std::string root_pem() const;
    // Writes root_pem() to `path`.
    void write_root(const std::filesystem::path& path) const;
    TimePoint now() const { return now_; }

private:
    TimePoint now_;
    EvpPkeyPtr root_key_, ca_key_;
    X509Ptr root_, ca_;
};

std::string to_pem(const X509* cert);

// A fresh empty directory under the test temp dir, removed by the destructor.
class TempDir {
public:
    TempDir();
    ~TempDir();
    const std::filesystem::path& path() const { return path_; }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

void write_file(const std::string& path, const std::string& content);
// Runs a shell command; stdout+stderr in `output`; returns the exit status.
int run(const std::string& command, std::string& output);

}  // namespace kakuin::client::testing
