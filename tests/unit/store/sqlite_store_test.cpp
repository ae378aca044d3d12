#include "store/sqlite/sqlite_store.h"
#include "store/migrations.h"
#include "records.h"
#include "temp_dir.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <thread>

namespace kakuin::store {
namespace {

using sqlite::SqliteStore;

using testing::kT0;
using testing::make_cert;
using testing::make_contract;
using testing::make_person;
using testing::TempDir;

class SqliteStoreTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto s = SqliteStore::open(dir.file("kakuin.db"));
        ASSERT_TRUE(s.ok()) << s.error().detail;
        store = std::move(s).value();
    }
    std::unique_ptr<Transaction> begin(TxMode mode = TxMode::write) {
        auto tx = store->begin(mode);
        EXPECT_TRUE(tx.ok()) << tx.error().detail;
        return std::move(tx).value();
    }
    void seed_person(const std::string& contract = "00009876543", const std::string& user = "riyousya") {
        auto tx = begin();
        auto found = tx->find_contract(contract);
        ASSERT_TRUE(found.ok());
        if (!*found) {
            ASSERT_TRUE(tx->insert_contract(make_contract(contract)).ok());
        }
        ASSERT_TRUE(tx->insert_person(make_person(contract, user)).ok());
        ASSERT_TRUE(tx->commit().ok());
    }

    TempDir dir;
    std::unique_ptr<SqliteStore> store;
};

TEST_F(SqliteStoreTest, MigrationsAreIdempotent) {
    auto v1 = store->schema_version();
    ASSERT_TRUE(v1.ok());
    ASSERT_FALSE(migrations().empty());
    EXPECT_EQ(*v1, migrations().back().version);
    for (std::size_t i = 1; i < migrations().size(); ++i) {
        EXPECT_LT(migrations()[i - 1].version, migrations()[i].version) << migrations()[i].name;
    }
    seed_person();
    store.reset();
    auto again = SqliteStore::open(dir.file("kakuin.db"));
    ASSERT_TRUE(again.ok()) << again.error().detail;
    auto v2 = (*again)->schema_version();
    ASSERT_TRUE(v2.ok());
    EXPECT_EQ(*v2, *v1);
    auto tx = (*again)->begin(TxMode::read);
    ASSERT_TRUE(tx.ok());
    auto counts = (*tx)->row_counts();
    ASSERT_TRUE(counts.ok());
    EXPECT_EQ(counts->persons, 1);
}

// A database left at version 1 (an older kakuin) is brought to the last version on open.
TEST(SqliteMigrations, UpgradesAnOlderDatabase) {
    TempDir dir;
    const std::string path = dir.file("old.db");
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    const std::string v1 = std::string(migrations().at(0).sql) +
                           ";CREATE TABLE schema_version (version INTEGER PRIMARY KEY,"
                           " name TEXT NOT NULL) STRICT;"
                           "INSERT INTO schema_version VALUES (1, '0001_initial');";
    ASSERT_EQ(sqlite3_exec(db, v1.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    sqlite3_close(db);
    auto store = SqliteStore::open(path);
    ASSERT_TRUE(store.ok()) << store.error().detail;
    EXPECT_EQ(*(*store)->schema_version(), migrations().back().version);
}

TEST_F(SqliteStoreTest, PragmasAreSet) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(dir.file("kakuin.db").c_str(), &db), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, nullptr), SQLITE_OK);
    ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
    EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), "wal");
    sqlite3_finalize(st);
    sqlite3_close(db);
}

TEST_F(SqliteStoreTest, OpenFailsOnUnwritablePath) {
    auto s = SqliteStore::open("/nonexistent-dir/kakuin.db");
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, ErrorCode::storage_failure);
}

TEST_F(SqliteStoreTest, Contracts) {
    auto tx = begin();
    ASSERT_TRUE(tx->insert_contract(make_contract("00009876543")).ok());
    auto dup = tx->insert_contract(make_contract("00009876543"));
    ASSERT_FALSE(dup.ok());
    EXPECT_EQ(dup.error().code, ErrorCode::conflict);
    ASSERT_TRUE(tx->update_contract_flags("00009876543", true, true).ok());
    auto missing = tx->update_contract_flags("00000000000", true, false);
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, ErrorCode::not_found);
    ASSERT_TRUE(tx->commit().ok());

    auto rx = begin(TxMode::read);
    auto c = rx->find_contract("00009876543");
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE(c->has_value());
    Contract want = make_contract("00009876543");
    want.suspended = true;
    want.transactions_stopped = true;
    EXPECT_EQ(**c, want);
    auto none = rx->find_contract("00000000000");
    ASSERT_TRUE(none.ok());
    EXPECT_FALSE(none->has_value());
}

TEST_F(SqliteStoreTest, Persons) {
    seed_person("00009876543", "");
    seed_person("00009876543", "riyousya");
    seed_person("00009876543", "genchi02");
    auto tx = begin();
    auto orphan = tx->insert_person(make_person("00000000001", "x"));
    ASSERT_FALSE(orphan.ok());
    EXPECT_EQ(orphan.error().code, ErrorCode::not_found);
    auto dup = tx->insert_person(make_person("00009876543", "riyousya"));
    ASSERT_FALSE(dup.ok());
    EXPECT_EQ(dup.error().code, ErrorCode::conflict);

    auto list = tx->list_persons("00009876543");
    ASSERT_TRUE(list.ok());
    ASSERT_EQ(list->size(), 3u);
    EXPECT_EQ((*list)[0].key.user_id, "");
    EXPECT_EQ((*list)[1].key.user_id, "genchi02");
    EXPECT_EQ((*list)[2].key.user_id, "riyousya");

    Person p = make_person("00009876543", "riyousya");
    p.locked = true;
    p.failure_count = 6;
    p.contact_email = "r@example.jp";
    p.last_login_at = kT0 + Seconds(5);
    p.confirmation_pin_hash = "h2";
    ASSERT_TRUE(tx->update_person(p).ok());
    auto found = tx->find_person(p.key);
    ASSERT_TRUE(found.ok() && found->has_value());
    EXPECT_EQ(**found, p);

    ASSERT_TRUE(tx->delete_person(PersonKey::user("00009876543", "genchi02")).ok());
    auto gone = tx->delete_person(PersonKey::user("00009876543", "genchi02"));
    ASSERT_FALSE(gone.ok());
    EXPECT_EQ(gone.error().code, ErrorCode::not_found);
    auto missing = tx->update_person(make_person("00009876543", "nobody"));
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, ErrorCode::not_found);
    auto slot = tx->load_slot_for_update(PersonKey::user("00009876543", "genchi02"));
    ASSERT_FALSE(slot.ok());
    EXPECT_EQ(slot.error().code, ErrorCode::not_found);
    ASSERT_TRUE(tx->commit().ok());
}

TEST_F(SqliteStoreTest, SlotsRoundTrip) {
    seed_person();
    const PersonKey who = PersonKey::user("00009876543", "riyousya");
    auto tx = begin();
    auto empty = tx->load_slot_for_update(who);
    ASSERT_TRUE(empty.ok());
    EXPECT_EQ(*empty, CertificateSlot{});

    CertificateSlot s;
    s.issue_number = 2;
    s.phase = SlotPhase::revoked;
    s.registered_at = kT0;
    s.acquisition_deadline = kT0 + Days(80);
    s.serial_hex = "7F01";
    s.not_after = kT0 + Days(365);
    s.first_used_at = kT0 + Days(1);
    s.revoked_at = kT0 + Days(2);
    s.revocation_reason = CrlReason::key_compromise;
    ASSERT_TRUE(tx->save_slot(who, s).ok());
    auto back = tx->load_slot_for_update(who);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, s);
    auto missing = tx->save_slot(PersonKey::user("00009876543", "nobody"), s);
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, ErrorCode::not_found);

    s.phase = SlotPhase::issued;
    ASSERT_TRUE(tx->save_slot(who, s).ok());
    auto due = tx->list_slots_due_for_expiry(kT0 + Days(365) - Seconds(1), 10);
    ASSERT_TRUE(due.ok());
    EXPECT_TRUE(due->empty());
    due = tx->list_slots_due_for_expiry(kT0 + Days(365), 10);
    ASSERT_TRUE(due.ok());
    ASSERT_EQ(due->size(), 1u);
    EXPECT_EQ((*due)[0].person, who);
    EXPECT_EQ((*due)[0].slot, s);
}

TEST_F(SqliteStoreTest, Certificates) {
    seed_person();
    const PersonKey who = PersonKey::user("00009876543", "riyousya");
    auto tx = begin();
    ASSERT_TRUE(tx->insert_certificate(make_cert(who, "0A")).ok());
    ASSERT_TRUE(tx->insert_certificate(make_cert(who, "0B")).ok());
    auto dup = tx->insert_certificate(make_cert(who, "0A"));
    ASSERT_FALSE(dup.ok());
    EXPECT_EQ(dup.error().code, ErrorCode::conflict);
    CertificateRecord same_fp = make_cert(who, "0C");
    same_fp.sha256_fingerprint_hex = "fp-0A";
    EXPECT_EQ(tx->insert_certificate(same_fp).error().code, ErrorCode::conflict);

    auto by_serial = tx->find_certificate_by_serial("0A");
    ASSERT_TRUE(by_serial.ok() && by_serial->has_value());
    EXPECT_EQ((*by_serial)->der, make_cert(who, "0A").der);
    EXPECT_EQ((*by_serial)->person, who);
    auto by_fp = tx->find_certificate_by_fingerprint("fp-0B");
    ASSERT_TRUE(by_fp.ok() && by_fp->has_value());
    EXPECT_EQ((*by_fp)->serial_hex, "0B");
    auto none = tx->find_certificate_by_serial("FF");
    ASSERT_TRUE(none.ok());
    EXPECT_FALSE(none->has_value());

    ASSERT_TRUE(tx->mark_certificate_first_used("0A", kT0 + Seconds(10)).ok());
    ASSERT_TRUE(tx->mark_certificate_first_used("0A", kT0 + Seconds(99)).ok());
    EXPECT_EQ(tx->mark_certificate_first_used("FF", kT0).error().code, ErrorCode::not_found);
    ASSERT_TRUE(tx->mark_certificate_revoked("0A", kT0 + Seconds(20), CrlReason::superseded).ok());
    EXPECT_EQ(tx->mark_certificate_revoked("0A", kT0 + Seconds(30), CrlReason::unspecified).error().code,
              ErrorCode::not_found);
    auto a = tx->find_certificate_by_serial("0A");
    ASSERT_TRUE(a.ok() && a->has_value());
    EXPECT_EQ((*a)->first_used_at, kT0 + Seconds(10));
    EXPECT_EQ((*a)->revoked_at, kT0 + Seconds(20));
    EXPECT_EQ((*a)->revocation_reason, CrlReason::superseded);
    EXPECT_EQ((*a)->status_at(kT0 + Seconds(21)), CertificateStatus::superseded);

    // A deleted person's certificates stay for the CRL and OCSP.
    ASSERT_TRUE(tx->delete_person(who).ok());
    auto kept = tx->find_certificate_by_serial("0B");
    ASSERT_TRUE(kept.ok() && kept->has_value());
    ASSERT_TRUE(tx->commit().ok());
}

TEST_F(SqliteStoreTest, RevokedListingInSerialOrderAndStops) {
    seed_person();
    const PersonKey who = PersonKey::user("00009876543", "riyousya");
    auto tx = begin();
    for (int i = 0; i < 300; ++i) {
        char serial[16];
        std::snprintf(serial, sizeof serial, "%04X", (i * 7919) % 65536);
        ASSERT_TRUE(tx->insert_certificate(make_cert(who, serial)).ok());
        if (i % 3 == 0) {
            ASSERT_TRUE(tx->mark_certificate_revoked(serial, kT0 + Seconds(i),
                                                     CrlReason::key_compromise).ok());
        }
    }
    std::vector<RevokedCertificate> seen;
    ASSERT_TRUE(tx->for_each_revoked_certificate([&](const RevokedCertificate& r) {
                      seen.push_back(r);
                      return Status{};
                  }).ok());
    ASSERT_EQ(seen.size(), 100u);
    for (std::size_t i = 1; i < seen.size(); ++i) EXPECT_LT(seen[i - 1].serial_hex, seen[i].serial_hex);
    EXPECT_EQ(seen[0].reason, CrlReason::key_compromise);

    int visited = 0;
    auto stopped = tx->for_each_revoked_certificate([&](const RevokedCertificate&) -> Status {
        if (++visited == 5) return make_error(ErrorCode::internal_error, "stop");
        return {};
    });
    ASSERT_FALSE(stopped.ok());
    EXPECT_EQ(stopped.error().detail, "stop");
    EXPECT_EQ(visited, 5);
}

TEST_F(SqliteStoreTest, CrlNumberIncreasesAndPersists) {
    {
        auto tx = begin();
        EXPECT_EQ(*tx->next_crl_number(), 1);
        EXPECT_EQ(*tx->next_crl_number(), 2);
        ASSERT_TRUE(tx->commit().ok());
    }
    {
        auto tx = begin();
        EXPECT_EQ(*tx->next_crl_number(), 3);
        // not committed: rolled back
    }
    store.reset();
    auto again = SqliteStore::open(dir.file("kakuin.db"));
    ASSERT_TRUE(again.ok());
    auto tx = (*again)->begin(TxMode::write);
    ASSERT_TRUE(tx.ok());
    EXPECT_EQ(*(*tx)->next_crl_number(), 3);
}

TEST_F(SqliteStoreTest, Meta) {
    auto tx = begin();
    EXPECT_FALSE(tx->get_meta("k")->has_value());
    ASSERT_TRUE(tx->set_meta("k", "v1").ok());
    ASSERT_TRUE(tx->set_meta("k", "v2").ok());
    EXPECT_EQ(**tx->get_meta("k"), "v2");
}

TEST_F(SqliteStoreTest, RollbackOnDestructionWithoutCommit) {
    {
        auto tx = begin();
        ASSERT_TRUE(tx->insert_contract(make_contract("00009876543")).ok());
        ASSERT_TRUE(tx->append_history(UsageRecord{}).ok());
    }
    auto rx = begin(TxMode::read);
    auto counts = rx->row_counts();
    ASSERT_TRUE(counts.ok());
    EXPECT_EQ(*counts, RowCounts{});
    EXPECT_FALSE(rx->find_contract("00009876543")->has_value());
}

TEST_F(SqliteStoreTest, CommitTwiceIsRefused) {
    auto tx = begin();
    ASSERT_TRUE(tx->commit().ok());
    EXPECT_FALSE(tx->commit().ok());
}

UsageRecord record(TimePoint at, const std::string& contract, std::optional<std::string> target,
                   std::string_view kind) {
    UsageRecord r;
    r.at = at;
    r.contract_id = contract;
    r.actor = "admin";
    r.target_user_id = std::move(target);
    r.kind = std::string(kind);
    r.source_address = "192.0.2.1";
    r.detail = "serial 0A";
    return r;
}

TEST_F(SqliteStoreTest, HistoryFiltersAndPaging) {
    auto tx = begin();
    // 60 records over two contracts, two targets and two kinds; several share a timestamp.
    for (int i = 0; i < 60; ++i) {
        const std::string contract = i % 2 ? "00000000001" : "00000000002";
        const std::string target = i % 3 ? "riyousya" : "";
        auto kind = i % 4 ? history_kind::certificate_issued : history_kind::certificate_revoked;
        auto id = tx->append_history(record(kT0 + Seconds(i / 3), contract, target, kind));
        ASSERT_TRUE(id.ok());
        EXPECT_EQ(*id, i + 1);
    }
    ASSERT_TRUE(tx->commit().ok());

    auto rx = begin(TxMode::read);
    // Page through everything, 7 at a time: newest first, no duplicates, no gaps.
    HistoryQuery q;
    q.limit = 7;
    std::vector<std::int64_t> ids;
    for (;;) {
        auto page = rx->list_history(q);
        ASSERT_TRUE(page.ok()) << page.error().detail;
        for (const auto& r : page->records) ids.push_back(r.id);
        if (!page->next) break;
        q.after = page->next;
    }
    ASSERT_EQ(ids.size(), 60u);
    for (std::size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(ids[i], 60 - static_cast<std::int64_t>(i));

    HistoryQuery f;
    f.contract_id = "00000000001";
    f.target_user_id = "riyousya";
    f.kind = std::string(history_kind::certificate_issued);
    f.limit = 100;
    auto page = rx->list_history(f);
    ASSERT_TRUE(page.ok());
    int want = 0;
    for (int i = 0; i < 60; ++i) want += (i % 2 == 1 && i % 3 != 0 && i % 4 != 0);
    EXPECT_EQ(static_cast<int>(page->records.size()), want);
    EXPECT_FALSE(page->next);
    for (const auto& r : page->records) {
        EXPECT_EQ(r.contract_id, "00000000001");
        EXPECT_EQ(r.target_user_id, "riyousya");
        EXPECT_EQ(r.kind, history_kind::certificate_issued);
        EXPECT_EQ(r.source_address, "192.0.2.1");
        EXPECT_EQ(r.actor, "admin");
    }

    HistoryQuery admin;
    admin.target_user_id = "";
    admin.limit = 100;
    page = rx->list_history(admin);
    ASSERT_TRUE(page.ok());
    EXPECT_EQ(page->records.size(), 20u);

    HistoryQuery period;
    period.from = kT0 + Seconds(5);
    period.until = kT0 + Seconds(10);
    period.limit = 100;
    page = rx->list_history(period);
    ASSERT_TRUE(page.ok());
    ASSERT_EQ(page->records.size(), 15u);
    EXPECT_EQ(page->records.front().at, kT0 + Seconds(9));
    EXPECT_EQ(page->records.back().at, kT0 + Seconds(5));

    HistoryQuery clamp;
    clamp.limit = 0;
    page = rx->list_history(clamp);
    ASSERT_TRUE(page.ok());
    EXPECT_EQ(page->records.size(), 1u);
    EXPECT_TRUE(page->next);
}

TEST_F(SqliteStoreTest, HistoryQueriesUseIndexes) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(dir.file("kakuin.db").c_str(), &db), SQLITE_OK);
    const char* queries[] = {
        "SELECT id FROM usage_history WHERE at >= 0 AND (at, id) < (9, 9) AND contract_id = 'c'"
        " ORDER BY at DESC, id DESC LIMIT 50",
        "SELECT id FROM usage_history WHERE at >= 0 AND (at, id) < (9, 9) AND contract_id = 'c'"
        " AND target_user_id = 'u' ORDER BY at DESC, id DESC LIMIT 50",
        "SELECT id FROM usage_history WHERE at >= 0 AND (at, id) < (9, 9)"
        " ORDER BY at DESC, id DESC LIMIT 50",
    };
    for (const char* sql : queries) {
        std::string plan;
        sqlite3_stmt* st = nullptr;
        ASSERT_EQ(sqlite3_prepare_v2(db, (std::string("EXPLAIN QUERY PLAN ") + sql).c_str(), -1,
                                     &st, nullptr), SQLITE_OK);
        while (sqlite3_step(st) == SQLITE_ROW) {
            plan += reinterpret_cast<const char*>(sqlite3_column_text(st, 3));
            plan += "\n";
        }
        sqlite3_finalize(st);
        // A range on the index (no full scan), already in the order asked (no sort).
        EXPECT_NE(plan.find("SEARCH usage_history USING COVERING INDEX"), std::string::npos)
            << sql << "\n" << plan;
        EXPECT_NE(plan.find("at<?"), std::string::npos) << sql << "\n" << plan;
        EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << sql << "\n" << plan;
    }
    sqlite3_close(db);
}

// Several threads write at once: writers queue (BEGIN IMMEDIATE) instead of failing or
// deadlocking, and every committed row is there.
TEST_F(SqliteStoreTest, ConcurrentWritersSerialize) {
    seed_person();
    const PersonKey who = PersonKey::user("00009876543", "riyousya");
    constexpr int kThreads = 4;
    constexpr int kEach = 25;
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kEach; ++i) {
                auto tx = store->begin(TxMode::write);
                if (!tx.ok()) { ++failures; continue; }
                // Read-modify-write of the slot: lost updates would show in the issue number.
                auto slot = (*tx)->load_slot_for_update(who);
                if (!slot.ok()) { ++failures; continue; }
                slot->issue_number += 1;
                const std::string serial = std::to_string(t) + "-" + std::to_string(i);
                if (!(*tx)->save_slot(who, *slot).ok() ||
                    !(*tx)->insert_certificate(make_cert(who, serial)).ok() ||
                    !(*tx)->append_history(record(kT0, "00009876543", "riyousya", "x")).ok() ||
                    !(*tx)->commit().ok()) {
                    ++failures;
                }
            }
        });
    }
    // A reader runs alongside and always sees a consistent snapshot.
    std::thread reader([&] {
        for (int i = 0; i < 50; ++i) {
            auto tx = store->begin(TxMode::read);
            if (!tx.ok()) { ++failures; continue; }
            auto c = (*tx)->row_counts();
            if (!c.ok() || c->certificates != c->history) ++failures;
        }
    });
    for (auto& th : threads) th.join();
    reader.join();
    EXPECT_EQ(failures.load(), 0);
    auto rx = begin(TxMode::read);
    auto counts = rx->row_counts();
    ASSERT_TRUE(counts.ok());
    EXPECT_EQ(counts->certificates, kThreads * kEach);
    EXPECT_EQ(counts->history, kThreads * kEach);
    EXPECT_EQ(rx->load_slot_for_update(who)->issue_number, kThreads * kEach);
}

}  // namespace
}  // namespace kakuin::store
