#include <openssl/objects.h>
#include <openssl/x509.h>

#include <atomic>
#include <chrono>
#include <semaphore>
#include <set>
#include <thread>
#include <vector>

#include "service_fixture.h"

namespace kakuin::service::testing {
namespace {

using namespace std::chrono_literals;
using store::HistoryQuery;

// "<prefix><n digits>"; std::regex trips GCC 12's -Wmaybe-uninitialized under sanitizers.
bool has_prefix_and_digits(const std::string& s, const std::string& prefix, std::size_t n) {
    if (s.size() != prefix.size() + n || s.compare(0, prefix.size(), prefix) != 0) return false;
    for (std::size_t i = prefix.size(); i < s.size(); ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
    }
    return true;
}

std::vector<UsageRecord> history_of(ContractService& contracts, const PersonKey& who) {
    HistoryQuery q;
    q.contract_id = who.contract_id;
    q.target_user_id = who.user_id;
    q.limit = 500;
    auto page = contracts.history(q);
    EXPECT_TRUE(page.ok());
    return page.ok() ? page->records : std::vector<UsageRecord>{};
}

std::optional<CertificateRecord> certificate(store::Transaction& tx, const std::string& serial) {
    auto c = tx.find_certificate_by_serial(serial);
    EXPECT_TRUE(c.ok());
    return c.ok() ? *c : std::nullopt;
}

TEST_F(ServiceTest, RegisterAndAcquireAUserCertificate) {
    register_people();
    const TimePoint t0 = clock.now();
    auto reg = certs->register_issuance(admin, kUser);
    ASSERT_TRUE(reg.ok()) << reg.error().detail;
    EXPECT_EQ(format_issue_number(reg->issue_number), "001");
    EXPECT_EQ(reg->status_at(t0), SlotStatus::registered);
    EXPECT_EQ(reg->acquisition_deadline, t0 + Days(80));

    clock.advance(Days(3));
    auto issued = certs->issue_from_csr(Actor::person(kUser, "198.51.100.7"), kUser,
                                        csr_der(p256.get()));
    ASSERT_TRUE(issued.ok()) << issued.error().detail;
    EXPECT_EQ(issued->issue_number, 1);
    EXPECT_EQ(issued->chain_pem, shared_ca().ca->chain_pem());
    const auto& cert = issued->certificate;
    EXPECT_EQ(cert.not_before, clock.now());
    EXPECT_EQ(cert.not_after, clock.now() + Days(365));

    pki::X509Ptr x = parse_cert(cert.der);
    ASSERT_TRUE(x);
    // The subject comes from the store, never from the CSR (R17).
    const std::string cn = subject_entry(x.get(), NID_commonName);
    EXPECT_TRUE(has_prefix_and_digits(cn, "00009876543 riyousya ", 4)) << cn;
    EXPECT_EQ(subject_entry(x.get(), NID_organizationName), "Kakuin Test Bank");
    EXPECT_EQ(subject_entry(x.get(), NID_organizationalUnitName), "user");

    auto slot = certs->slot(kUser);
    ASSERT_TRUE(slot.ok());
    EXPECT_EQ(slot->phase, SlotPhase::issued);
    EXPECT_EQ(slot->serial_hex, cert.serial_hex);
    EXPECT_EQ(slot->not_after, cert.not_after);
    EXPECT_EQ(slot->registered_at, t0);
    EXPECT_EQ(slot->status_at(clock.now()), SlotStatus::valid);

    auto tx = read();
    auto rec = certificate(*tx, cert.serial_hex);
    ASSERT_TRUE(rec);
    EXPECT_EQ(rec->der, cert.der);
    EXPECT_EQ(rec->person, kUser);
    EXPECT_EQ(rec->issue_number, 1);
    EXPECT_EQ(rec->sha256_fingerprint_hex, cert.sha256_fingerprint_hex);
    auto by_fp = tx->find_certificate_by_fingerprint(cert.sha256_fingerprint_hex);
    ASSERT_TRUE(by_fp.ok() && by_fp->has_value());

    auto h = history_of(*contracts, kUser);
    ASSERT_EQ(h.size(), 3u);  // newest first
    EXPECT_EQ(h[0].kind, history_kind::certificate_issued);
    EXPECT_EQ(h[0].actor, "user:riyousya");
    EXPECT_EQ(h[0].source_address, "198.51.100.7");
    EXPECT_EQ(h[0].result, "ok");
    EXPECT_NE(h[0].detail.find(cert.serial_hex), std::string::npos);
    EXPECT_EQ(h[1].kind, history_kind::certificate_registered);
    EXPECT_EQ(h[1].actor, "admin");
    EXPECT_EQ(h[2].kind, history_kind::user_registered);
}

// The CSR check and the signature run on the signing threads (nice 19), not on the caller's:
// while every signing thread is held, an issuance waits; released, it completes.
TEST_F(ServiceTest, CsrCheckAndSignatureRunOnTheSigningThreads) {
    register_people();
    ASSERT_TRUE(certs->register_issuance(admin, kUser).ok());
    core::WorkerPool& pool = signing_pool();
    EXPECT_EQ(pool.nice(), 19);
    const std::size_t n = pool.max_threads();
    std::counting_semaphore<64> release{0};
    std::atomic<std::size_t> holding{0};
    std::vector<std::thread> holders;
    for (std::size_t i = 0; i < n; ++i) {
        holders.emplace_back([&] {
            pool.run([&] {
                ++holding;
                release.acquire();
            });
        });
    }
    for (int i = 0; i < 10000 && holding.load() < n; ++i) std::this_thread::sleep_for(1ms);
    ASSERT_EQ(holding.load(), n);

    std::atomic<bool> done{false};
    std::thread issuer([&] {
        auto issued = certs->issue_from_csr(Actor::person(kUser, "198.51.100.7"), kUser,
                                            csr_der(p256.get()));
        EXPECT_TRUE(issued.ok()) << (issued.ok() ? "" : issued.error().detail);
        done = true;
    });
    std::this_thread::sleep_for(100ms);
    EXPECT_FALSE(done.load());  // waits for a signing thread
    release.release(static_cast<std::ptrdiff_t>(n));
    issuer.join();
    for (auto& t : holders) t.join();
    EXPECT_TRUE(done.load());
    // A refused CSR is refused there too, with the CSR's error.
    Bytes bad = csr_der(p256.get());
    bad[bad.size() - 1] ^= 0x01;
    auto refused = certs->issue_from_csr(Actor::person(kUser, "198.51.100.7"), kUser, bad);
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().code, ErrorCode::storage_failure);
}

TEST_F(ServiceTest, AdministratorCertificateCarriesTheContractIdOnly) {
    register_people();
    ASSERT_TRUE(certs->register_issuance(bank, kAdmin).ok());
    auto rsa = make_key("RSA", 2048);
    auto issued = certs->issue_from_csr(Actor::person(kAdmin), kAdmin, csr_der(rsa.get()));
    ASSERT_TRUE(issued.ok()) << issued.error().detail;
    pki::X509Ptr x = parse_cert(issued->certificate.der);
    ASSERT_TRUE(x);
    const std::string cn = subject_entry(x.get(), NID_commonName);
    EXPECT_TRUE(has_prefix_and_digits(cn, "00009876543 ", 4)) << cn;
    EXPECT_EQ(subject_entry(x.get(), NID_organizationalUnitName), "admin");
}

TEST_F(ServiceTest, UnknownPersonIsNotFound) {
    register_people();
    const PersonKey ghost = PersonKey::user(kContract, "ghost");
    EXPECT_EQ(certs->register_issuance(admin, ghost).error().code, ErrorCode::not_found);
    EXPECT_EQ(certs->reissue(admin, ghost).error().code, ErrorCode::not_found);
    EXPECT_EQ(certs->revoke(admin, ghost, CrlReason::unspecified).error().code, ErrorCode::not_found);
    EXPECT_EQ(certs->slot(ghost).error().code, ErrorCode::not_found);
    EXPECT_EQ(certs->issue_from_csr(admin, ghost, csr_der(p256.get())).error().code,
              ErrorCode::not_found);
    EXPECT_EQ(certs->issue_from_csr(admin, PersonKey::user("00000000001", "x"),
                                    csr_der(p256.get())).error().code,
              ErrorCode::not_found);
}

TEST_F(ServiceTest, AcquisitionRefusals) {
    register_people();
    const Actor user = Actor::person(kUser);
    // Nothing registered.
    EXPECT_EQ(certs->issue_from_csr(user, kUser, csr_der(p256.get())).error().code,
              ErrorCode::acquisition_not_registered);
    // Registered, but the deadline has passed (one second after it).
    auto reg = certs->register_issuance(admin, kUser);
    ASSERT_TRUE(reg.ok());
    clock.set(*reg->acquisition_deadline + Seconds(1));
    EXPECT_EQ(certs->issue_from_csr(user, kUser, csr_der(p256.get())).error().code,
              ErrorCode::acquisition_deadline_passed);
    auto slot = certs->slot(kUser);
    EXPECT_EQ(slot->status_at(clock.now()), SlotStatus::deadline_passed);
    // A new registration after the deadline; acquisition exactly at the deadline works.
    reg = certs->register_issuance(admin, kUser);
    ASSERT_TRUE(reg.ok()) << reg.error().detail;
    EXPECT_EQ(format_issue_number(reg->issue_number), "002");
    clock.set(*reg->acquisition_deadline);
    auto issued = certs->issue_from_csr(user, kUser, csr_der(p256.get()));
    ASSERT_TRUE(issued.ok()) << issued.error().detail;
    EXPECT_EQ(issued->issue_number, 2);
    // Register again while valid: refused (use reissue).
    EXPECT_EQ(certs->register_issuance(admin, kUser).error().code,
              ErrorCode::certificate_state_invalid);
    // Used: a second acquisition is refused.
    ASSERT_TRUE(certs->record_use(user, kUser, issued->certificate.serial_hex).ok());
    EXPECT_EQ(certs->issue_from_csr(user, kUser, csr_der(p256.get())).error().code,
              ErrorCode::acquisition_already_used);
    // Suspended contract.
    {
        auto tx = store->begin(store::TxMode::write);
        ASSERT_TRUE(tx.ok());
        ASSERT_TRUE((*tx)->update_contract_flags(kContract, true, false).ok());
        ASSERT_TRUE((*tx)->commit().ok());
    }
    ASSERT_TRUE(certs->reissue(admin, kUser).ok());
    EXPECT_EQ(certs->issue_from_csr(user, kUser, csr_der(p256.get())).error().code,
              ErrorCode::contract_suspended);
}

TEST_F(ServiceTest, R20RetryBeforeFirstUseRevokesTheHalfIssuedCertificate) {
    register_people();
    const std::string first = acquire(kUser);
    clock.advance(Seconds(30));
    auto retry = certs->issue_from_csr(Actor::person(kUser), kUser, csr_der(p256.get()));
    ASSERT_TRUE(retry.ok()) << retry.error().detail;
    const std::string second = retry->certificate.serial_hex;
    EXPECT_NE(first, second);
    EXPECT_EQ(retry->issue_number, 1);
    auto tx = read();
    auto old = certificate(*tx, first);
    ASSERT_TRUE(old);
    EXPECT_EQ(old->revoked_at, clock.now());
    EXPECT_EQ(old->status_at(clock.now()), CertificateStatus::superseded);
    EXPECT_EQ(certificate(*tx, second)->status_at(clock.now()), CertificateStatus::valid);
    EXPECT_EQ(certs->slot(kUser)->serial_hex, second);
    // The old certificate no longer counts as current.
    EXPECT_EQ(certs->record_use(Actor::person(kUser), kUser, first).error().code,
              ErrorCode::certificate_not_current);
}

TEST_F(ServiceTest, RecordUseOnlyOnce) {
    register_people();
    const std::string serial = acquire(kUser);
    const auto before = history_count();
    auto used = certs->record_use(Actor::person(kUser), kUser, serial);
    ASSERT_TRUE(used.ok());
    EXPECT_EQ(used->first_used_at, clock.now());
    clock.advance(Days(1));
    ASSERT_TRUE(certs->record_use(Actor::person(kUser), kUser, serial).ok());
    EXPECT_EQ(history_count(), before + 1);
    EXPECT_EQ(certificate(*read(), serial)->first_used_at, clock.now() - Days(1));
}

TEST_F(ServiceTest, ReissueRevokesAndRegistersTheNextIssue) {
    register_people();
    const std::string serial = acquire(kUser);
    clock.advance(Days(10));
    auto slot = certs->reissue(admin, kUser);
    ASSERT_TRUE(slot.ok()) << slot.error().detail;
    EXPECT_EQ(format_issue_number(slot->issue_number), "002");
    EXPECT_EQ(slot->phase, SlotPhase::registered);
    EXPECT_EQ(slot->registered_at, clock.now());
    EXPECT_EQ(slot->acquisition_deadline, clock.now() + Days(80));
    auto old = certificate(*read(), serial);
    ASSERT_TRUE(old);
    EXPECT_EQ(old->revoked_at, clock.now());
    EXPECT_EQ(old->revocation_reason, CrlReason::cessation_of_operation);
    EXPECT_EQ(old->status_at(clock.now()), CertificateStatus::revoked);
    auto h = history_of(*contracts, kUser);
    ASSERT_FALSE(h.empty());
    EXPECT_EQ(h[0].kind, history_kind::certificate_reissued);
    EXPECT_NE(h[0].detail.find(serial), std::string::npos);
    // The new issue can be acquired.
    auto again = certs->issue_from_csr(Actor::person(kUser), kUser, csr_der(p256.get()));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->issue_number, 2);
    // A reason the caller gives is kept.
    ASSERT_TRUE(certs->reissue(admin, kUser, CrlReason::key_compromise).ok());
    EXPECT_EQ(certificate(*read(), again->certificate.serial_hex)->revocation_reason,
              CrlReason::key_compromise);
}

TEST_F(ServiceTest, RevokeCertificateAndCancelRegistration) {
    register_people();
    const std::string serial = acquire(kUser);
    auto revoked = certs->revoke(admin, kUser, CrlReason::privilege_withdrawn);
    ASSERT_TRUE(revoked.ok());
    EXPECT_EQ(revoked->status_at(clock.now()), SlotStatus::revoked);
    EXPECT_EQ(certificate(*read(), serial)->revocation_reason, CrlReason::privilege_withdrawn);
    EXPECT_EQ(certs->revoke(admin, kUser, CrlReason::unspecified).error().code,
              ErrorCode::certificate_state_invalid);
    // A registration is cancelled; nothing else is revoked.
    ASSERT_TRUE(certs->register_issuance(admin, kUser).ok());
    const auto before = counts();
    auto cancelled = certs->revoke(admin, kUser, CrlReason::cessation_of_operation);
    ASSERT_TRUE(cancelled.ok());
    EXPECT_EQ(cancelled->phase, SlotPhase::revoked);
    EXPECT_EQ(counts().certificates, before.certificates);
    EXPECT_EQ(counts().history, before.history + 1);
}

TEST_F(ServiceTest, RenewalInsideTheWindowSupersedes) {
    register_people();
    const std::string serial = acquire(kUser);
    const TimePoint not_after = *certs->slot(kUser)->not_after;
    clock.set(not_after - Days(30) - Seconds(1));
    EXPECT_EQ(certs->renew(Actor::person(kUser), kUser, csr_der(p256.get())).error().code,
              ErrorCode::not_in_renewal_window);
    clock.set(not_after - Days(30));
    auto renewed = certs->renew(Actor::person(kUser), kUser, csr_der(p256.get()));
    ASSERT_TRUE(renewed.ok()) << renewed.error().detail;
    EXPECT_EQ(renewed->issue_number, 1);
    EXPECT_EQ(renewed->certificate.not_after, clock.now() + Days(365));
    auto tx = read();
    EXPECT_EQ(certificate(*tx, serial)->status_at(clock.now()), CertificateStatus::superseded);
    EXPECT_EQ(certificate(*tx, renewed->certificate.serial_hex)->status_at(clock.now()),
              CertificateStatus::valid);
    auto slot = certs->slot(kUser);
    EXPECT_EQ(slot->serial_hex, renewed->certificate.serial_hex);
    EXPECT_EQ(history_of(*contracts, kUser)[0].kind, history_kind::certificate_renewed);
}

TEST_F(ServiceTest, RenewalOfAnExpiredCertificateIsRefused) {
    register_people();
    acquire(kUser);
    clock.set(*certs->slot(kUser)->not_after);
    EXPECT_EQ(certs->renew(Actor::person(kUser), kUser, csr_der(p256.get())).error().code,
              ErrorCode::certificate_expired);
    EXPECT_EQ(certs->renew(Actor::person(kAdmin), kAdmin, csr_der(p256.get())).error().code,
              ErrorCode::certificate_state_invalid);
}

TEST_F(ServiceTest, ExpirySweep) {
    register_people();
    acquire(kUser);
    acquire(kAdmin);
    const TimePoint end = *certs->slot(kUser)->not_after;
    clock.set(end - Seconds(1));
    EXPECT_EQ(*certs->expire_due(), 0);
    clock.set(end + Days(1));
    auto n = certs->expire_due();
    ASSERT_TRUE(n.ok()) << n.error().detail;
    EXPECT_EQ(*n, 2);
    EXPECT_EQ(certs->slot(kUser)->phase, SlotPhase::expired);
    EXPECT_EQ(*certs->expire_due(), 0);
    auto h = history_of(*contracts, kUser);
    EXPECT_EQ(h[0].kind, history_kind::certificate_expired);
    EXPECT_EQ(h[0].actor, "system");
    // After expiry a new registration is possible.
    auto reg = certs->register_issuance(admin, kUser);
    ASSERT_TRUE(reg.ok());
    EXPECT_EQ(reg->issue_number, 2);
}

// Reissues and acquisitions race from several threads: the store serializes them, and the
// person never holds two valid certificates.
TEST_F(ServiceTest, ParallelReissuesNeverLeaveTwoValidCertificates) {
    register_people();
    acquire(kUser);
    constexpr int kThreads = 4;
    constexpr int kRounds = 4;
    std::mutex mu;
    std::vector<std::string> serials;
    std::atomic<int> reissues{0};
    std::atomic<int> unexpected{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&] {
            auto key = make_key("EC", 0, "P-256");
            for (int i = 0; i < kRounds; ++i) {
                auto r = certs->reissue(admin, kUser);
                if (r.ok()) ++reissues; else ++unexpected;
                auto issued = certs->issue_from_csr(Actor::person(kUser), kUser, csr_der(key.get()));
                if (issued.ok()) {
                    std::lock_guard lock(mu);
                    serials.push_back(issued->certificate.serial_hex);
                }
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(unexpected.load(), 0);
    EXPECT_EQ(reissues.load(), kThreads * kRounds);
    auto slot = certs->slot(kUser);
    ASSERT_TRUE(slot.ok());
    EXPECT_EQ(slot->issue_number, 1 + kThreads * kRounds);
    auto tx = read();
    int valid = 0;
    for (const auto& s : serials) {
        auto c = certificate(*tx, s);
        ASSERT_TRUE(c);
        if (c->status_at(clock.now()) == CertificateStatus::valid) {
            ++valid;
            EXPECT_EQ(s, slot->serial_hex);
        }
    }
    EXPECT_LE(valid, 1);
    EXPECT_EQ(valid == 1, slot->phase == SlotPhase::issued);
    // Every accepted reissue is in the history.
    HistoryQuery q;
    q.kind = std::string(history_kind::certificate_reissued);
    q.limit = 500;
    EXPECT_EQ(static_cast<int>(contracts->history(q)->records.size()), kThreads * kRounds);
}

}  // namespace
}  // namespace kakuin::service::testing
