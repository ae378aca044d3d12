// Store conformance of the expiry reminders (migration 0005) on SQLite and PostgreSQL:
// candidates, the (serial, days_before) key, lease claims and their fencing.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <set>
#include <thread>

#include "conformance_backends.h"
#include "service/unit_of_work.h"

namespace kakuin::store::conformance {
namespace {

const TimePoint kT0 = from_unix(1'790'000'000);
const std::string kContract = "00009876543";

std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
    return info.param == Backend::sqlite ? "SQLite" : "PostgreSQL";
}

class ReminderStore : public ::testing::TestWithParam<Backend> {
  protected:
    void SetUp() override {
        opened = open_fresh(GetParam());
        ASSERT_TRUE(opened.store) << opened.error;
        store = opened.store.get();
        auto tx = begin();
        Contract c;
        c.contract_id = kContract;
        c.name_kanji = "株式会社かくいん";
        c.name_kana = "ｶﾌﾞｼｷｶﾞｲｼｬｶｸｲﾝ";
        c.created_at = kT0;
        ASSERT_TRUE(tx->insert_contract(c).ok());
        ASSERT_TRUE(tx->commit().ok());
    }
    std::unique_ptr<Transaction> begin(TxMode mode = TxMode::write) {
        auto tx = store->begin(mode);
        EXPECT_TRUE(tx.ok()) << tx.error().detail;
        return tx.ok() ? std::move(tx).value() : nullptr;
    }
    // A person with an issued certificate `serial` expiring at `not_after`.
    void holder(const std::string& user, const std::string& serial, TimePoint not_after,
                std::optional<std::string> email, bool revoked = false) {
        auto tx = begin();
        Person p;
        p.key = PersonKey{kContract, user};
        p.name_kana = "ﾘﾖｳｼｬ";
        p.contact_email = std::move(email);
        p.created_at = kT0;
        ASSERT_TRUE(tx->insert_person(p).ok());
        CertificateRecord c;
        c.serial_hex = serial;
        c.person = p.key;
        c.issue_number = 1;
        c.not_before = not_after - Days(365);
        c.not_after = not_after;
        c.der = {0x30, 0x00};
        c.sha256_fingerprint_hex = "fp-" + serial;
        ASSERT_TRUE(tx->insert_certificate(c).ok());
        if (revoked) {
            ASSERT_TRUE(tx->mark_certificate_revoked(serial, kT0, CrlReason::superseded).ok());
        }
        CertificateSlot s;
        s.issue_number = 1;
        s.phase = SlotPhase::issued;
        s.serial_hex = serial;
        s.not_after = not_after;
        ASSERT_TRUE(tx->save_slot(p.key, s).ok());
        ASSERT_TRUE(tx->commit().ok());
    }
    static ReminderRecord reminder(const std::string& serial, int days, TimePoint next) {
        ReminderRecord r;
        r.serial_hex = serial;
        r.days_before = days;
        r.person = PersonKey{kContract, "u1"};
        r.address = "u1@example.jp";
        r.not_after = kT0 + Days(20);
        r.due_at = kT0 + Days(20) - Days(days);
        r.next_attempt_at = next;
        r.created_at = kT0;
        return r;
    }

    OpenedStore opened;
    Store* store = nullptr;
};

INSTANTIATE_TEST_SUITE_P(Backends, ReminderStore,
                         ::testing::Values(Backend::sqlite, Backend::postgres), backend_name);

TEST_P(ReminderStore, CandidatesAreCurrentUnrevokedCertificatesWithAnAddressInTheHorizon) {
    holder("", "0A", kT0 + Days(20), "admin@example.jp");
    holder("u1", "0B", kT0 + Days(5), "u1@example.jp");
    holder("noaddr", "0C", kT0 + Days(5), std::nullopt);
    holder("empty", "0D", kT0 + Days(5), "");
    holder("revoked", "0E", kT0 + Days(5), "r@example.jp", /*revoked=*/true);
    holder("later", "0F", kT0 + Days(31), "l@example.jp");
    holder("expired", "10", kT0, "e@example.jp");  // not_after == now: expired
    auto tx = begin(TxMode::read);
    auto c = tx->list_reminder_candidates(kT0, Days(30), 100);
    ASSERT_TRUE(c.ok()) << c.error().detail;
    ASSERT_EQ(c->size(), 2u);
    EXPECT_EQ((*c)[0], (ReminderCandidate{PersonKey{kContract, "u1"}, "0B", kT0 + Days(5),
                                          "u1@example.jp"}));
    EXPECT_EQ((*c)[1], (ReminderCandidate{PersonKey{kContract, ""}, "0A", kT0 + Days(20),
                                          "admin@example.jp"}));
    auto one = tx->list_reminder_candidates(kT0, Days(30), 1);
    ASSERT_TRUE(one.ok());
    EXPECT_EQ(one->size(), 1u);
}

TEST_P(ReminderStore, InsertIsOncePerSerialAndDays) {
    auto tx = begin();
    auto a = tx->insert_reminder_if_absent(reminder("0B", 30, kT0));
    ASSERT_TRUE(a.ok()) << a.error().detail;
    EXPECT_TRUE(*a);
    ReminderRecord again = reminder("0B", 30, kT0 + Days(1));
    again.address = "other@example.jp";
    auto b = tx->insert_reminder_if_absent(again);
    ASSERT_TRUE(b.ok()) << b.error().detail;
    EXPECT_FALSE(*b);
    auto c = tx->insert_reminder_if_absent(reminder("0B", 10, kT0));
    ASSERT_TRUE(c.ok());
    EXPECT_TRUE(*c);
    ASSERT_TRUE(tx->commit().ok());

    auto rd = begin(TxMode::read);
    auto found = rd->find_reminder("0B", 30);
    ASSERT_TRUE(found.ok());
    ASSERT_TRUE(found->has_value());
    EXPECT_EQ(**found, reminder("0B", 30, kT0));  // the first insert stays, every field
    auto none = rd->find_reminder("0B", 7);
    ASSERT_TRUE(none.ok());
    EXPECT_FALSE(none->has_value());
    auto all = rd->list_reminders(10);
    ASSERT_TRUE(all.ok());
    EXPECT_EQ(all->size(), 2u);
}

TEST_P(ReminderStore, ClaimTakesDueRowsForALeaseAndFencesLateFinishes) {
    {
        auto tx = begin();
        ASSERT_TRUE(tx->insert_reminder_if_absent(reminder("01", 30, kT0)).ok());
        ASSERT_TRUE(tx->insert_reminder_if_absent(reminder("02", 30, kT0 + Seconds(100))).ok());
        ASSERT_TRUE(tx->commit().ok());
    }
    const TimePoint lease = kT0 + Seconds(600);
    ReminderRecord claimed;
    {
        auto tx = begin();
        auto c = tx->claim_due_reminders(kT0, lease, 10);
        ASSERT_TRUE(c.ok()) << c.error().detail;
        ASSERT_EQ(c->size(), 1u);  // "02" is not due yet
        claimed = c->front();
        EXPECT_EQ(claimed.serial_hex, "01");
        EXPECT_EQ(claimed.state, ReminderState::sending);
        EXPECT_EQ(claimed.attempts, 1);
        EXPECT_EQ(claimed.next_attempt_at, lease);
        ASSERT_TRUE(tx->commit().ok());
    }
    {  // Held: not claimed again before the lease ends.
        auto tx = begin();
        auto c = tx->claim_due_reminders(kT0 + Seconds(200), kT0 + Seconds(800), 10);
        ASSERT_TRUE(c.ok());
        ASSERT_EQ(c->size(), 1u);
        EXPECT_EQ(c->front().serial_hex, "02");
        ASSERT_TRUE(tx->commit().ok());
    }
    ReminderRecord taken_over;
    {  // After the lease another claim takes it over (attempt 2).
        auto tx = begin();
        auto c = tx->claim_due_reminders(lease, lease + Seconds(600), 1);
        ASSERT_TRUE(c.ok());
        ASSERT_EQ(c->size(), 1u);
        taken_over = c->front();
        EXPECT_EQ(taken_over.serial_hex, "01");
        EXPECT_EQ(taken_over.attempts, 2);
        ASSERT_TRUE(tx->commit().ok());
    }
    {  // The first claim's late answer is refused: conflict, nothing written.
        auto tx = begin();
        claimed.state = ReminderState::sent;
        claimed.sent_at = lease;
        Status late = tx->finish_reminder_claim(claimed);
        ASSERT_FALSE(late.ok());
        EXPECT_EQ(late.error().code, ErrorCode::conflict);
        taken_over.state = ReminderState::sent;
        taken_over.sent_at = lease + Seconds(5);
        ASSERT_TRUE(tx->finish_reminder_claim(taken_over).ok());
        ASSERT_TRUE(tx->commit().ok());
    }
    auto tx = begin();
    auto found = tx->find_reminder("01", 30);
    ASSERT_TRUE(found.ok() && found->has_value());
    EXPECT_EQ((*found)->state, ReminderState::sent);
    EXPECT_EQ((*found)->sent_at, lease + Seconds(5));
    EXPECT_EQ((*found)->attempts, 2);
    // Sent rows are never claimed again; finishing twice is a conflict.
    auto c = tx->claim_due_reminders(lease + Days(400), lease + Days(401), 10);
    ASSERT_TRUE(c.ok());
    for (const auto& r : *c) EXPECT_NE(r.serial_hex, "01");
    Status twice = tx->finish_reminder_claim(taken_over);
    ASSERT_FALSE(twice.ok());
    EXPECT_EQ(twice.error().code, ErrorCode::conflict);
}

TEST_P(ReminderStore, RetryGoesBackToQueuedUntilItsTime) {
    {
        auto tx = begin();
        ASSERT_TRUE(tx->insert_reminder_if_absent(reminder("01", 10, kT0)).ok());
        auto c = tx->claim_due_reminders(kT0, kT0 + Seconds(600), 1);
        ASSERT_TRUE(c.ok() && c->size() == 1u);
        ReminderRecord r = c->front();
        r.state = ReminderState::queued;
        r.next_attempt_at = kT0 + Seconds(60);
        r.last_error = "smtp: connection refused";
        ASSERT_TRUE(tx->finish_reminder_claim(r).ok());
        ASSERT_TRUE(tx->commit().ok());
    }
    auto tx = begin();
    auto early = tx->claim_due_reminders(kT0 + Seconds(59), kT0 + Seconds(700), 1);
    ASSERT_TRUE(early.ok());
    EXPECT_TRUE(early->empty());
    auto due = tx->claim_due_reminders(kT0 + Seconds(60), kT0 + Seconds(700), 1);
    ASSERT_TRUE(due.ok());
    ASSERT_EQ(due->size(), 1u);
    EXPECT_EQ(due->front().attempts, 2);
    EXPECT_EQ(due->front().last_error, "smtp: connection refused");
}

TEST_P(ReminderStore, TwoNodesClaimingAtOnceNeverTakeTheSameRow) {
    constexpr int kRows = 24;
    {
        auto tx = begin();
        for (int i = 0; i < kRows; ++i) {
            char serial[8];
            std::snprintf(serial, sizeof serial, "%02X", i + 1);
            ASSERT_TRUE(tx->insert_reminder_if_absent(reminder(serial, 30, kT0)).ok());
        }
        ASSERT_TRUE(tx->commit().ok());
    }
    std::unique_ptr<Store> second = opened.reopen();
    ASSERT_TRUE(second);
    std::mutex m;
    std::multiset<std::string> taken;
    std::atomic<int> errors{0};
    auto node = [&](Store& st) {
        while (true) {
            auto c = service::in_transaction<std::vector<ReminderRecord>>(
                st, TxMode::write, [&](Transaction& tx) {
                    return tx.claim_due_reminders(kT0, kT0 + Seconds(600), 2);
                });
            if (!c.ok()) {
                ++errors;
                return;
            }
            if (c->empty()) return;
            std::lock_guard lock(m);
            for (const auto& r : *c) taken.insert(r.serial_hex);
        }
    };
    std::thread a([&] { node(*store); });
    std::thread b([&] { node(*second); });
    a.join();
    b.join();
    EXPECT_EQ(errors.load(), 0);
    EXPECT_EQ(taken.size(), static_cast<std::size_t>(kRows));
    EXPECT_EQ(std::set<std::string>(taken.begin(), taken.end()).size(),
              static_cast<std::size_t>(kRows));
}

}  // namespace
}  // namespace kakuin::store::conformance
