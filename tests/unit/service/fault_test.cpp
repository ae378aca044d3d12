// Fault injection: the Nth store call of a use case fails, for N = 1, 2, ... until the use
// case succeeds. Every failed attempt must leave the person exactly as before.
#include "failing_store.h"
#include "service_fixture.h"

namespace kakuin::service::testing {
namespace {

class FaultTest : public ServiceTest {
protected:
    store::Store& service_store() override {
        if (!failing) failing = std::make_unique<FailingStore>(*store);
        return *failing;
    }

    struct Snapshot {
        CertificateSlot slot;
        std::optional<CertificateRecord> current;
        store::RowCounts counts;
        std::optional<std::int64_t> crl_meta;
    };
    Snapshot snapshot(const std::string& serial) {
        auto tx = read();
        Snapshot s;
        s.slot = *tx->load_slot_for_update(kUser);
        if (!serial.empty()) s.current = *tx->find_certificate_by_serial(serial);
        s.counts = *tx->row_counts();
        return s;
    }
    void expect_same(const Snapshot& a, const Snapshot& b, int n) {
        EXPECT_EQ(a.slot, b.slot) << "after a failure at call " << n;
        EXPECT_EQ(a.counts, b.counts) << "after a failure at call " << n;
        ASSERT_EQ(a.current.has_value(), b.current.has_value());
        if (a.current) {
            EXPECT_EQ(a.current->revoked_at, b.current->revoked_at) << "call " << n;
            EXPECT_EQ(a.current->status_at(clock.now()), CertificateStatus::valid) << "call " << n;
        }
    }

    std::unique_ptr<FailingStore> failing;
};

TEST_F(FaultTest, ReissueIsAllOrNothing) {
    register_people();
    const std::string serial = acquire(kUser);
    ASSERT_FALSE(serial.empty());
    clock.advance(Days(1));
    const Snapshot before = snapshot(serial);
    ASSERT_EQ(before.slot.issue_number, 1);

    int n = 1;
    for (;; ++n) {
        ASSERT_LT(n, 50) << "reissue never succeeded";
        failing->fail_at(n);
        auto r = certs->reissue(admin, kUser);
        if (r.ok()) break;
        EXPECT_EQ(r.error().code, ErrorCode::storage_failure) << r.error().detail;
        expect_same(before, snapshot(serial), n);
    }
    failing->fail_at(0);
    EXPECT_GT(n, 3) << "the reissue should take several store calls";
    // Exactly one new registration, the old certificate revoked, one history row.
    const Snapshot after = snapshot(serial);
    EXPECT_EQ(after.slot.issue_number, 2);
    EXPECT_EQ(after.slot.phase, SlotPhase::registered);
    EXPECT_EQ(after.counts.history, before.counts.history + 1);
    EXPECT_EQ(after.counts.certificates, before.counts.certificates);
    ASSERT_TRUE(after.current);
    EXPECT_EQ(after.current->revoked_at, clock.now());
}

TEST_F(FaultTest, AcquisitionIsAllOrNothing) {
    register_people();
    ASSERT_TRUE(certs->register_issuance(admin, kUser).ok());
    const Snapshot before = snapshot("");
    int n = 1;
    for (;; ++n) {
        ASSERT_LT(n, 50) << "acquisition never succeeded";
        failing->fail_at(n);
        auto r = certs->issue_from_csr(Actor::person(kUser), kUser, csr_der(p256.get()));
        if (r.ok()) break;
        EXPECT_EQ(r.error().code, ErrorCode::storage_failure) << r.error().detail;
        const Snapshot now = snapshot("");
        EXPECT_EQ(now.slot, before.slot) << "call " << n;
        EXPECT_EQ(now.counts, before.counts) << "call " << n;
    }
    failing->fail_at(0);
    const Snapshot after = snapshot("");
    EXPECT_EQ(after.slot.phase, SlotPhase::issued);
    EXPECT_EQ(after.counts.certificates, before.counts.certificates + 1);
    EXPECT_EQ(after.counts.history, before.counts.history + 1);
}

TEST_F(FaultTest, R20RetryIsAllOrNothing) {
    register_people();
    const std::string first = acquire(kUser);
    const Snapshot before = snapshot(first);
    int n = 1;
    for (;; ++n) {
        ASSERT_LT(n, 50);
        failing->fail_at(n);
        auto r = certs->issue_from_csr(Actor::person(kUser), kUser, csr_der(p256.get()));
        if (r.ok()) break;
        expect_same(before, snapshot(first), n);
    }
    failing->fail_at(0);
    const Snapshot after = snapshot(first);
    EXPECT_EQ(after.current->status_at(clock.now()), CertificateStatus::superseded);
    EXPECT_EQ(after.counts.certificates, before.counts.certificates + 1);
}

}  // namespace
}  // namespace kakuin::service::testing
