// Shared set-up of the service tests: a real CA hierarchy and a real SQLite store in a temp
// directory, a simulated clock, and CSRs made with OpenSSL directly.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "core/clock.h"
#include "core/contract.h"
#include "core/policy.h"
#include "pki/ca.h"
#include "pki/ossl.h"
#include "service/certificate_service.h"
#include "service/contract_service.h"
#include "store/sqlite/sqlite_store.h"

namespace kakuin::service::testing {

using pki::Bytes;

class TempDir {
public:
    TempDir();
    ~TempDir();
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

// "RSA" with bits or "EC" with a curve.
pki::EvpPkeyPtr make_key(const std::string& alg, int bits, const std::string& curve = "");
Bytes csr_der(EVP_PKEY* key);
std::string csr_pem(EVP_PKEY* key);
pki::X509Ptr parse_cert(const Bytes& der);
std::string subject_entry(const X509* cert, int nid);

inline constexpr const char* kContract = "00009876543";
inline const PersonKey kAdmin = PersonKey::admin(kContract);
inline const PersonKey kUser = PersonKey::user(kContract, "riyousya");
inline TimePoint test_start() { return from_unix(1795000000); }  // 2026-11-18

// The environment once per test binary: creating a CA hierarchy costs key generations.
struct CaFiles {
    TempDir dir;
    pki::CaSettings settings;
    std::unique_ptr<pki::IssuingCa> ca;
};
const CaFiles& shared_ca();

class ServiceTest : public ::testing::Test {
protected:
    ServiceTest();
    void SetUp() override;

    // The store the services use; tests may wrap it (see failing_store.h) before SetUp.
    virtual store::Store& service_store() { return *store; }

    // Registers the contract (certificate method), its administrator and user "riyousya".
    void register_people();
    // An issued certificate for `who` (registers first when needed). Returns its serial.
    std::string acquire(const PersonKey& who);
    std::unique_ptr<store::Transaction> read();
    store::RowCounts counts();
    std::int64_t history_count();

    TempDir dir;
    SimulatedClock clock{test_start()};
    pki::OsRandom random;
    BankPolicy policy;
    std::unique_ptr<store::sqlite::SqliteStore> store;
    std::unique_ptr<ContractService> contracts;
    std::unique_ptr<CertificateService> certs;
    pki::EvpPkeyPtr p256;
    Actor bank = Actor::bank("staff1", "10.0.0.1");
    Actor admin = Actor::person(kAdmin, "192.0.2.10");
};

}  // namespace kakuin::service::testing
