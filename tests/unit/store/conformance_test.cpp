// The store conformance suite: every Transaction method, its errors, and the rules that must hold
// under concurrency, on SQLite and on PostgreSQL alike (conformance_backends.h).
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "conformance_backends.h"
#include "records.h"
#include "service/unit_of_work.h"
#include "store/retry.h"

namespace kakuin::store::conformance {
namespace {

using testing::kT0;
using testing::make_cert;
using testing::make_contract;
using testing::make_person;
const std::string kContract = "00009876543";

UsageRecord make_usage(TimePoint at, const std::string& contract, const std::string& kind,
                       std::optional<std::string> target) {
    UsageRecord r;
    r.at = at;
    r.contract_id = contract;
    r.actor = "admin";
    r.kind = kind;
    r.target_user_id = std::move(target);
    r.source_address = "192.0.2.1";
    r.detail = "詳細";
    return r;
}

void expect_same(const CertificateRecord& a, const CertificateRecord& b) {
    EXPECT_EQ(a.serial_hex, b.serial_hex);
    EXPECT_EQ(a.person, b.person);
    EXPECT_EQ(a.issue_number, b.issue_number);
    EXPECT_EQ(a.not_before, b.not_before);
    EXPECT_EQ(a.not_after, b.not_after);
    EXPECT_EQ(a.der, b.der);
    EXPECT_EQ(a.sha256_fingerprint_hex, b.sha256_fingerprint_hex);
    EXPECT_EQ(a.revoked_at, b.revoked_at);
    EXPECT_EQ(a.first_used_at, b.first_used_at);
}

std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
    return info.param == Backend::sqlite ? "SQLite" : "PostgreSQL";
}

class StoreConformance : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override {
        opened = open_fresh(GetParam());
        ASSERT_TRUE(opened.store) << opened.error;
        store = opened.store.get();
    }
    std::unique_ptr<Transaction> begin(TxMode mode = TxMode::write) {
        auto tx = store->begin(mode);
        EXPECT_TRUE(tx.ok()) << tx.error().detail;
        return tx.ok() ? std::move(tx).value() : nullptr;
    }
    void seed(const std::vector<std::string>& users) {
        auto tx = begin();
        ASSERT_TRUE(tx);
        auto found = tx->find_contract(kContract);
        ASSERT_TRUE(found.ok()) << found.error().detail;
        if (!*found) {
            ASSERT_TRUE(tx->insert_contract(make_contract(kContract)).ok());
        }
        for (const auto& u : users) {
            auto st = tx->insert_person(make_person(kContract, u));
            ASSERT_TRUE(st.ok()) << st.error().detail;
        }
        ASSERT_TRUE(tx->commit().ok());
    }

    OpenedStore opened;
    Store* store = nullptr;
};

INSTANTIATE_TEST_SUITE_P(Backends, StoreConformance,
                         ::testing::Values(Backend::sqlite, Backend::postgres), backend_name);

TEST_P(StoreConformance, ContractsAndPersons) {
    seed({"", "riyousya", "abc"});
    auto tx = begin();
    ASSERT_TRUE(tx);
    auto c = tx->find_contract(kContract);
    ASSERT_TRUE(c.ok() && *c);
    EXPECT_EQ(**c, make_contract(kContract));
    EXPECT_FALSE(*tx->find_contract("00000000000"));
    EXPECT_EQ(tx->insert_contract(make_contract(kContract)).error().code, ErrorCode::conflict);
    // A conflict leaves the transaction usable (as on SQLite).
    EXPECT_EQ(tx->insert_person(make_person(kContract, "abc")).error().code, ErrorCode::conflict);
    EXPECT_EQ(tx->insert_person(make_person("00000000001", "x")).error().code,
              ErrorCode::not_found);
    ASSERT_TRUE(tx->update_contract_flags(kContract, true, true).ok());
    EXPECT_EQ(tx->update_contract_flags("00000000000", true, false).error().code,
              ErrorCode::not_found);

    auto list = tx->list_persons(kContract);
    ASSERT_TRUE(list.ok());
    ASSERT_EQ(list->size(), 3u);
    EXPECT_EQ((*list)[0].key.user_id, "");
    EXPECT_EQ((*list)[1].key.user_id, "abc");
    EXPECT_EQ((*list)[2].key.user_id, "riyousya");

    Person p = make_person(kContract, "riyousya");
    p.failure_count = 4;
    p.locked = true;
    p.contact_email = "a@example.jp";
    p.last_login_at = kT0 + Seconds(5);
    ASSERT_TRUE(tx->update_person(p).ok());
    EXPECT_EQ(tx->update_person(make_person(kContract, "nobody")).error().code,
              ErrorCode::not_found);
    auto found = tx->find_person(p.key);
    ASSERT_TRUE(found.ok() && *found);
    EXPECT_EQ(**found, p);
    ASSERT_TRUE(tx->delete_person(PersonKey{kContract, "abc"}).ok());
    EXPECT_EQ(tx->delete_person(PersonKey{kContract, "abc"}).error().code, ErrorCode::not_found);
    ASSERT_TRUE(tx->commit().ok());

    auto rd = begin(TxMode::read);
    auto counts = rd->row_counts();
    ASSERT_TRUE(counts.ok());
    EXPECT_EQ(*counts, (RowCounts{1, 2, 2, 0, 0}));
    EXPECT_TRUE((*rd->find_contract(kContract))->suspended);
}

TEST_P(StoreConformance, UncommittedWorkIsRolledBack) {
    seed({""});
    {
        auto tx = begin();
        ASSERT_TRUE(tx->insert_person(make_person(kContract, "gone")).ok());
        ASSERT_TRUE(tx->set_meta("k", "v").ok());
    }
    auto tx = begin(TxMode::read);
    EXPECT_FALSE(*tx->find_person(PersonKey{kContract, "gone"}));
    EXPECT_FALSE(*tx->get_meta("k"));
}

TEST_P(StoreConformance, SlotsAndCertificates) {
    seed({"", "u1"});
    const PersonKey who{kContract, "u1"};
    auto tx = begin();
    auto slot = tx->load_slot_for_update(who);
    ASSERT_TRUE(slot.ok());
    EXPECT_EQ(*slot, CertificateSlot{});
    EXPECT_EQ(tx->load_slot_for_update(PersonKey{kContract, "x"}).error().code,
              ErrorCode::not_found);
    CertificateSlot s;
    s.issue_number = 2;
    s.phase = SlotPhase::issued;
    s.registered_at = kT0;
    s.acquisition_deadline = kT0 + Days(30);
    s.serial_hex = "0A1B";
    s.not_after = kT0 + Days(1);
    s.first_used_at = kT0 + Seconds(1);
    s.revoked_at = kT0 + Seconds(2);
    s.revocation_reason = CrlReason::superseded;
    ASSERT_TRUE(tx->save_slot(who, s).ok());
    EXPECT_EQ(tx->save_slot(PersonKey{kContract, "x"}, s).error().code, ErrorCode::not_found);
    EXPECT_EQ(*tx->load_slot_for_update(who), s);
    auto due = tx->list_slots_due_for_expiry(kT0 + Days(2), 10);
    ASSERT_TRUE(due.ok());
    ASSERT_EQ(due->size(), 1u);
    EXPECT_EQ((*due)[0].person, who);
    EXPECT_TRUE(tx->list_slots_due_for_expiry(kT0, 10)->empty());

    EXPECT_FALSE(*tx->person_has_certificate(who));
    CertificateRecord c = make_cert(who, "0A1B");
    ASSERT_TRUE(tx->insert_certificate(c).ok());
    EXPECT_EQ(tx->insert_certificate(c).error().code, ErrorCode::conflict);
    CertificateRecord same_fp = make_cert(who, "0C");
    same_fp.sha256_fingerprint_hex = c.sha256_fingerprint_hex;
    EXPECT_EQ(tx->insert_certificate(same_fp).error().code, ErrorCode::conflict);
    EXPECT_TRUE(*tx->person_has_certificate(who));
    expect_same(**tx->find_certificate_by_serial("0A1B"), c);
    expect_same(**tx->find_certificate_by_fingerprint("fp-0A1B"), c);
    EXPECT_FALSE(*tx->find_certificate_by_serial("FF"));
    ASSERT_TRUE(tx->mark_certificate_first_used("0A1B", kT0 + Seconds(9)).ok());
    ASSERT_TRUE(tx->mark_certificate_first_used("0A1B", kT0 + Seconds(99)).ok());
    EXPECT_EQ((*tx->find_certificate_by_serial("0A1B"))->first_used_at, kT0 + Seconds(9));
    EXPECT_EQ(tx->mark_certificate_first_used("FF", kT0).error().code, ErrorCode::not_found);
    ASSERT_TRUE(tx->mark_certificate_revoked("0A1B", kT0 + Seconds(10), CrlReason::key_compromise).ok());
    EXPECT_EQ(tx->mark_certificate_revoked("0A1B", kT0, CrlReason::superseded).error().code,
              ErrorCode::not_found);
    auto revoked = *tx->find_certificate_by_serial("0A1B");
    EXPECT_EQ(revoked->revoked_at, kT0 + Seconds(10));
    EXPECT_EQ(revoked->revocation_reason, CrlReason::key_compromise);
    ASSERT_TRUE(tx->commit().ok());
}

// The CRL streams in serial order across the PostgreSQL cursor's 10,000-row batches, and a
// visitor's error stops it.
TEST_P(StoreConformance, RevokedCertificatesStreamInSerialOrder) {
    seed({"u"});
    const PersonKey who{kContract, "u"};
    constexpr int kCount = 16'000;  // about 10,667 revoked: more than one batch
    std::set<std::string> expected;
    {
        auto tx = begin();
        for (int i = 0; i < kCount; ++i) {
            char serial[16];
            std::snprintf(serial, sizeof serial, "%06X", (i * 7919) % 0xFFFFFF);
            CertificateRecord c = make_cert(who, serial);
            if (i % 3 != 0) {
                c.revoked_at = kT0 + Seconds(i);
                c.revocation_reason = CrlReason::superseded;
                expected.insert(serial);
            }
            ASSERT_TRUE(tx->insert_certificate(c).ok());
        }
        ASSERT_TRUE(tx->commit().ok());
    }
    auto tx = begin(TxMode::read);
    std::vector<std::string> seen;
    auto st = tx->for_each_revoked_certificate([&](const RevokedCertificate& r) -> Status {
        EXPECT_EQ(r.reason, CrlReason::superseded);
        seen.push_back(r.serial_hex);
        return {};
    });
    ASSERT_TRUE(st.ok()) << st.error().detail;
    EXPECT_EQ(seen, std::vector<std::string>(expected.begin(), expected.end()));
    int calls = 0;
    auto stopped = tx->for_each_revoked_certificate([&](const RevokedCertificate&) -> Status {
        if (++calls == 10'001) return make_error(ErrorCode::invalid_request, "stop");
        return {};
    });
    EXPECT_EQ(stopped.error().code, ErrorCode::invalid_request);
    EXPECT_EQ(calls, 10'001);
    // The transaction is still usable after a stopped stream.
    EXPECT_TRUE(tx->row_counts().ok());
}

TEST_P(StoreConformance, CrlNumberAndMeta) {
    {
        auto tx = begin();
        EXPECT_EQ(*tx->next_crl_number(), 1);
        EXPECT_EQ(*tx->next_crl_number(), 2);
        ASSERT_TRUE(tx->set_meta("last_crl", "x").ok());
        ASSERT_TRUE(tx->set_meta("last_crl", "日本語").ok());
        ASSERT_TRUE(tx->commit().ok());
    }
    {
        auto tx = begin();
        EXPECT_EQ(*tx->next_crl_number(), 3);  // not committed
    }
    auto tx = begin();
    EXPECT_EQ(*tx->next_crl_number(), 3);
    EXPECT_EQ(**tx->get_meta("last_crl"), "日本語");
    EXPECT_FALSE(*tx->get_meta("none"));
}

TEST_P(StoreConformance, HistoryPagesWithKeysetCursorAndFilters) {
    std::vector<std::int64_t> ids;
    {
        auto tx = begin();
        for (int i = 0; i < 130; ++i) {
            // Several records share a time: the cursor must order by (at, id).
            auto r = make_usage(kT0 + Seconds(i / 4), i % 2 ? kContract : "00000000002",
                                i % 5 ? "login" : "certificate.revoked",
                                i % 3 ? std::optional<std::string>("u" + std::to_string(i % 4))
                                      : std::optional<std::string>());
            auto id = tx->append_history(r);
            ASSERT_TRUE(id.ok()) << id.error().detail;
            if (!ids.empty()) {
                EXPECT_GT(*id, ids.back());
            }
            ids.push_back(*id);
        }
        ASSERT_TRUE(tx->commit().ok());
    }
    auto tx = begin(TxMode::read);
    auto all_pages = [&](HistoryQuery q) {
        std::vector<UsageRecord> out;
        for (int guard = 0; guard < 100; ++guard) {
            auto page = tx->list_history(q);
            EXPECT_TRUE(page.ok());
            if (!page.ok()) {
            break;
        }
            out.insert(out.end(), page->records.begin(), page->records.end());
            if (!page->next) break;
            q.after = page->next;
        }
        return out;
    };
    HistoryQuery q;
    q.limit = 17;
    auto all = all_pages(q);
    ASSERT_EQ(all.size(), 130u);
    for (std::size_t i = 1; i < all.size(); ++i) {
        EXPECT_TRUE(all[i - 1].at > all[i].at || (all[i - 1].at == all[i].at && all[i - 1].id > all[i].id));
    }
    EXPECT_EQ(all.front().id, ids.back());
    EXPECT_EQ(all.front().detail, "詳細");
    EXPECT_EQ(all.front().source_address, "192.0.2.1");

    std::size_t expect_filtered = 0;
    for (int i = 0; i < 130; ++i) {
        if (i % 2 && i % 5 == 0 && i % 3 && i % 4 == 1 && i / 4 >= 5 && i / 4 < 30) ++expect_filtered;
    }
    HistoryQuery f;
    f.contract_id = kContract;
    f.kind = "certificate.revoked";
    f.target_user_id = "u1";
    f.from = kT0 + Seconds(5);
    f.until = kT0 + Seconds(30);
    f.limit = 2;
    auto filtered = all_pages(f);
    EXPECT_EQ(filtered.size(), expect_filtered);
    for (const auto& r : filtered) {
        EXPECT_EQ(r.contract_id, kContract);
        EXPECT_EQ(r.kind, "certificate.revoked");
        EXPECT_EQ(r.target_user_id, "u1");
    }
    HistoryQuery only_kind;
    only_kind.kind = "certificate.revoked";
    only_kind.limit = 1000;  // clamped to kMaxHistoryPage
    auto page = tx->list_history(only_kind);
    ASSERT_TRUE(page.ok());
    EXPECT_EQ(page->records.size(), 26u);
    EXPECT_FALSE(page->next);
    HistoryQuery admin_target;
    admin_target.target_user_id = "";
    EXPECT_TRUE(tx->list_history(admin_target)->records.empty());
}

TEST_P(StoreConformance, Sessions) {
    seed({"", "u"});
    const PersonKey who{kContract, "u"};
    SessionRecord s;
    s.token_hash = std::string(64, 'a');
    s.person = who;
    s.csrf_token = "csrf";
    s.created_at = kT0;
    s.last_seen_at = kT0;
    s.cert_serial = "0A";
    s.cert_fingerprint = std::string(64, 'f');
    s.cert_not_after = kT0 + Days(365);
    auto tx = begin();
    ASSERT_TRUE(tx->insert_session(s).ok());
    EXPECT_EQ(tx->insert_session(s).error().code, ErrorCode::conflict);
    SessionRecord orphan = s;
    orphan.token_hash = std::string(64, 'b');
    orphan.person = PersonKey{kContract, "nobody"};
    EXPECT_EQ(tx->insert_session(orphan).error().code, ErrorCode::not_found);
    EXPECT_EQ(**tx->find_session(s.token_hash), s);
    s.phase = SessionPhase::active;
    s.last_seen_at = kT0 + Seconds(60);
    s.previous_login_at = kT0 - Days(1);
    ASSERT_TRUE(tx->update_session(s).ok());
    EXPECT_EQ(**tx->find_session(s.token_hash), s);
    SessionRecord other = s;
    other.token_hash = std::string(64, 'c');
    other.cert_serial.reset();
    other.cert_fingerprint.reset();
    other.cert_not_after.reset();
    ASSERT_TRUE(tx->insert_session(other).ok());
    EXPECT_EQ(*tx->delete_sessions_of(who, other.token_hash), 1);
    EXPECT_FALSE(*tx->find_session(s.token_hash));
    EXPECT_EQ(tx->update_session(s).error().code, ErrorCode::not_found);
    EXPECT_EQ(tx->delete_session(s.token_hash).error().code, ErrorCode::not_found);
    EXPECT_EQ(*tx->delete_sessions_idle_since(kT0 + Seconds(60)), 0);
    EXPECT_EQ(*tx->delete_sessions_idle_since(kT0 + Seconds(61)), 1);
    EXPECT_FALSE(*tx->find_session(other.token_hash));
    ASSERT_TRUE(tx->insert_session(other).ok());
    ASSERT_TRUE(tx->delete_session(other.token_hash).ok());
    // Deleting the person deletes its sessions.
    ASSERT_TRUE(tx->insert_session(other).ok());
    ASSERT_TRUE(tx->delete_person(who).ok());
    EXPECT_FALSE(*tx->find_session(other.token_hash));
    ASSERT_TRUE(tx->commit().ok());
}

TEST_P(StoreConformance, OtpTokensAndUsedSteps) {
    seed({"", "u"});
    const PersonKey who{kContract, "u"};
    OtpToken t;
    t.person = who;
    t.kind = OtpTokenKind::hardware;
    t.secret = {0x00, 0x01, 0xfe, 0xff, 0x5c, 0x00};
    t.step_seconds = 60;
    t.digits = 8;
    t.registered_at = kT0;
    auto tx = begin();
    EXPECT_FALSE(*tx->find_otp_token(who));
    ASSERT_TRUE(tx->upsert_otp_token(t).ok());
    EXPECT_EQ(**tx->find_otp_token(who), t);
    OtpToken orphan = t;
    orphan.person = PersonKey{kContract, "nobody"};
    EXPECT_EQ(tx->upsert_otp_token(orphan).error().code, ErrorCode::not_found);

    EXPECT_FALSE(*tx->last_used_otp_step(who));
    ASSERT_TRUE(tx->record_used_otp_step(who, 100).ok());
    EXPECT_EQ(tx->record_used_otp_step(who, 100).error().code, ErrorCode::conflict);
    ASSERT_TRUE(tx->record_used_otp_step(who, 102).ok());
    EXPECT_EQ(**tx->last_used_otp_step(who), 102);
    EXPECT_EQ(tx->record_used_otp_step(PersonKey{kContract, "nobody"}, 1).error().code,
              ErrorCode::not_found);
    // A new token forgets the old token's steps.
    t.kind = OtpTokenKind::software;
    t.secret = {1, 2, 3};
    ASSERT_TRUE(tx->upsert_otp_token(t).ok());
    EXPECT_EQ(**tx->find_otp_token(who), t);
    EXPECT_FALSE(*tx->last_used_otp_step(who));
    ASSERT_TRUE(tx->delete_otp_token(who).ok());
    EXPECT_EQ(tx->delete_otp_token(who).error().code, ErrorCode::not_found);
    ASSERT_TRUE(tx->commit().ok());
}

TEST_P(StoreConformance, Enrollments) {
    seed({"", "u"});
    const PersonKey who{kContract, "u"};
    EnrollmentRecord e;
    e.id_hash = std::string(64, 'e');
    e.person = who;
    e.created_at = kT0;
    e.expires_at = kT0 + Seconds(600);
    auto tx = begin();
    ASSERT_TRUE(tx->insert_enrollment(e).ok());
    EXPECT_EQ(tx->insert_enrollment(e).error().code, ErrorCode::conflict);
    EnrollmentRecord orphan = e;
    orphan.id_hash = std::string(64, 'f');
    orphan.person = PersonKey{kContract, "nobody"};
    EXPECT_EQ(tx->insert_enrollment(orphan).error().code, ErrorCode::not_found);
    ASSERT_TRUE(tx->update_enrollment_phase(e.id_hash, EnrollmentPhase::ready).ok());
    e.phase = EnrollmentPhase::ready;
    EXPECT_EQ(**tx->find_enrollment(e.id_hash), e);
    EXPECT_EQ(tx->update_enrollment_phase("nope", EnrollmentPhase::done).error().code,
              ErrorCode::not_found);
    EXPECT_EQ(*tx->delete_expired_enrollments(kT0 + Seconds(599)), 0);
    EXPECT_EQ(*tx->delete_expired_enrollments(kT0 + Seconds(600)), 1);
    EXPECT_FALSE(*tx->find_enrollment(e.id_hash));
    ASSERT_TRUE(tx->commit().ok());
}

TEST_P(StoreConformance, PermissionsAndContractLimits) {
    seed({"", "u"});
    const PersonKey who{kContract, "u"};
    auto tx = begin();
    EXPECT_EQ(*tx->load_permissions(who), Permissions{});
    Permissions p;
    p[BusinessService::transfer_adhoc] = ServicePermission{true, 1'000'000, 9'999'999'999};
    p[BusinessService::balance] = ServicePermission{true, 0, 0};
    ASSERT_TRUE(tx->save_permissions(who, p).ok());
    EXPECT_EQ(*tx->load_permissions(who), p);
    EXPECT_EQ(tx->save_permissions(PersonKey{kContract, "nobody"}, p).error().code,
              ErrorCode::not_found);
    ContractLimits l;
    l[BusinessService::payroll] = ContractLimit{5'000'000, 50'000'000};
    ASSERT_TRUE(tx->save_contract_limits(kContract, l).ok());
    EXPECT_EQ(*tx->load_contract_limits(kContract), l);
    EXPECT_EQ(tx->save_contract_limits("00000000000", l).error().code, ErrorCode::not_found);
    EXPECT_EQ(*tx->load_contract_limits("00000000000"), ContractLimits{});
    ASSERT_TRUE(tx->commit().ok());
}

TEST_P(StoreConformance, ReopeningKeepsDataAndSchema) {
    seed({""});
    opened.store.reset();
    auto again = opened.reopen();
    ASSERT_TRUE(again);
    auto tx = again->begin(TxMode::read);
    ASSERT_TRUE(tx.ok());
    EXPECT_EQ((*tx)->row_counts()->persons, 1);
}

// Lockout counters: read-modify-write of a person's failure count from many threads (and, on
// PostgreSQL, two stores = two nodes) never loses an increment.
TEST_P(StoreConformance, ConcurrentFailureCountsAddUp) {
    seed({"", "u"});
    const PersonKey who{kContract, "u"};
    auto second = opened.reopen();  // a second node on the same database
    ASSERT_TRUE(second);
    constexpr int kThreads = 8, kEach = 10;
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        Store& node = t % 2 ? *second : *store;
        threads.emplace_back([&node, &who, &failures] {
            for (int i = 0; i < kEach; ++i) {
                auto st = service::in_transaction<void>(node, TxMode::write,
                                                        [&](Transaction& tx) -> Status {
                    KAKUIN_TRY(auto p, tx.find_person(who));
                    if (!p) return make_error(ErrorCode::not_found, "person");
                    p->failure_count += 1;
                    return tx.update_person(*p);
                });
                if (!st.ok()) failures.fetch_add(1);
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(failures.load(), 0);
    auto tx = begin(TxMode::read);
    EXPECT_EQ((*tx->find_person(who))->failure_count, kThreads * kEach);
}

// One valid certificate per person: concurrent "reissues" through the slot lock on two nodes
// each revoke the current certificate and install a new one; exactly one stays unrevoked.
TEST_P(StoreConformance, ConcurrentReissuesLeaveOneValidCertificate) {
    seed({"", "u"});
    const PersonKey who{kContract, "u"};
    auto second = opened.reopen();
    ASSERT_TRUE(second);
    constexpr int kThreads = 6, kEach = 5;
    std::atomic<int> serial{0}, failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        Store& node = t % 2 ? *second : *store;
        threads.emplace_back([&] {
            for (int i = 0; i < kEach; ++i) {
                const std::string next = "S" + std::to_string(serial.fetch_add(1));
                auto st = service::in_transaction<void>(node, TxMode::write,
                                                        [&](Transaction& tx) -> Status {
                    KAKUIN_TRY(CertificateSlot slot, tx.load_slot_for_update(who));
                    if (!slot.serial_hex.empty()) {
                        KAKUIN_TRY_STATUS(tx.mark_certificate_revoked(
                            slot.serial_hex, kT0, CrlReason::superseded));
                    }
                    CertificateRecord c = make_cert(who, next);
                    c.issue_number = slot.issue_number + 1;
                    KAKUIN_TRY_STATUS(tx.insert_certificate(c));
                    slot.issue_number += 1;
                    slot.phase = SlotPhase::issued;
                    slot.serial_hex = next;
                    return tx.save_slot(who, slot);
                });
                if (!st.ok()) failures.fetch_add(1);
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(failures.load(), 0);
    auto tx = begin(TxMode::read);
    auto slot = tx->load_slot_for_update(who);
    ASSERT_TRUE(slot.ok());
    EXPECT_EQ(slot->issue_number, kThreads * kEach);
    int valid = 0;
    for (int i = 0; i < kThreads * kEach; ++i) {
        auto c = tx->find_certificate_by_serial("S" + std::to_string(i));
        ASSERT_TRUE(c.ok() && *c);
        if (!(*c)->revoked_at) {
            ++valid;
            EXPECT_EQ((*c)->serial_hex, slot->serial_hex);
        }
    }
    EXPECT_EQ(valid, 1);
}

// A used OTP step is accepted once, whichever node sees it first.
TEST_P(StoreConformance, ConcurrentUseOfOneOtpStepSucceedsOnce) {
    seed({"", "u"});
    const PersonKey who{kContract, "u"};
    auto second = opened.reopen();
    ASSERT_TRUE(second);
    std::atomic<int> accepted{0}, refused{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 6; ++t) {
        Store& node = t % 2 ? *second : *store;
        threads.emplace_back([&] {
            auto st = service::in_transaction<void>(node, TxMode::write,
                                                    [&](Transaction& tx) -> Status {
                KAKUIN_TRY(auto p, tx.find_person(who));  // as the services do: lock the person
                KAKUIN_TRY(auto last, tx.last_used_otp_step(who));
                if (last && *last >= 500) return make_error(ErrorCode::otp_reused, "used");
                return tx.record_used_otp_step(who, 500);
            });
            (st.ok() ? accepted : refused).fetch_add(1);
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(accepted.load(), 1);
    EXPECT_EQ(refused.load(), 5);
}

TEST(StoreRetry, OnlyMarkedConflictsAreRetryable) {
    EXPECT_TRUE(is_retryable(make_error(ErrorCode::conflict, std::string(kRetryablePrefix) + "x")));
    EXPECT_FALSE(is_retryable(make_error(ErrorCode::conflict, "unique key")));
    EXPECT_FALSE(is_retryable(make_error(ErrorCode::storage_failure,
                                         std::string(kRetryablePrefix) + "x")));
}

}  // namespace
}  // namespace kakuin::store::conformance
