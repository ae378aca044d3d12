// Group commit in the SQLite store (store/sqlite/group_commit.h): concurrent write transactions
// share durable COMMITs without losing "one transaction per use case".
#include "store/sqlite/sqlite_store.h"
#include "records.h"
#include "temp_dir.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <stdexcept>
#include <thread>
#include <vector>

namespace kakuin::store {
namespace {

using sqlite::SqliteStore;
using namespace std::chrono_literals;

using testing::kT0;
using testing::make_cert;
using testing::make_contract;
using testing::make_person;
const PersonKey kWho = PersonKey::admin("00009876543");

using testing::TempDir;

UsageRecord history(const std::string& detail) {
    UsageRecord r;
    r.at = kT0;
    r.contract_id = kWho.contract_id;
    r.actor = "admin";
    r.kind = "x";
    r.result = "ok";
    r.detail = detail;
    return r;
}

class GroupCommitTest : public ::testing::Test {
protected:
    void SetUp() override {
        open();
        auto tx = store->begin(TxMode::write);
        ASSERT_TRUE(tx.ok());
        ASSERT_TRUE((*tx)->insert_contract(make_contract(kWho.contract_id)).ok());
        ASSERT_TRUE((*tx)->insert_person(make_person(kWho.contract_id, kWho.user_id)).ok());
        ASSERT_TRUE((*tx)->commit().ok());
    }
    void open() {
        store.reset();
        auto s = SqliteStore::open(dir.file("kakuin.db"));
        ASSERT_TRUE(s.ok()) << s.error().detail;
        store = std::move(s).value();
    }
    // One write transaction's worth: a certificate and its history row.
    static Status write(Transaction& tx, const std::string& serial) {
        KAKUIN_TRY_STATUS(tx.insert_certificate(make_cert(kWho, serial)));
        KAKUIN_TRY(auto id, tx.append_history(history(serial)));
        (void)id;
        return {};
    }
    bool has(const std::string& serial) {
        auto tx = store->begin(TxMode::read);
        EXPECT_TRUE(tx.ok());
        auto c = (*tx)->find_certificate_by_serial(serial);
        EXPECT_TRUE(c.ok());
        return c.ok() && c->has_value();
    }
    RowCounts counts() {
        auto tx = store->begin(TxMode::read);
        EXPECT_TRUE(tx.ok());
        auto c = (*tx)->row_counts();
        EXPECT_TRUE(c.ok());
        return c.ok() ? *c : RowCounts{};
    }
    // Waits (bounded) until `n` writers queue for the writer connection.
    void await_queued(int n) {
        for (int i = 0; i < 2000 && store->writers_queued() < n; ++i) std::this_thread::sleep_for(1ms);
        ASSERT_EQ(store->writers_queued(), n);
    }

    TempDir dir;
    std::unique_ptr<SqliteStore> store;
};

// Many threads commit at once: every transaction is durable (there after reopening), and they
// shared COMMITs.
TEST_F(GroupCommitTest, ConcurrentCommitsAreAllDurableAndShareCommits) {
    constexpr int kThreads = 8, kEach = 40;
    const std::uint64_t commits_before = store->durable_commits();
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kEach; ++i) {
                auto tx = store->begin(TxMode::write);
                if (!tx.ok() || !write(**tx, std::to_string(t) + "-" + std::to_string(i)).ok() ||
                    !(*tx)->commit().ok())
                    ++failures;
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(failures.load(), 0);
    const std::uint64_t commits = store->durable_commits() - commits_before;
    EXPECT_LT(commits, static_cast<std::uint64_t>(kThreads * kEach)) << "no COMMIT was shared";
    EXPECT_GE(commits, 1u);
    open();
    const RowCounts c = counts();
    EXPECT_EQ(c.certificates, kThreads * kEach);
    EXPECT_EQ(c.history, kThreads * kEach);
}

// A member whose work fails (a duplicate key, then destruction) leaves nothing and does not
// harm the others committing around it.
TEST_F(GroupCommitTest, FailingMembersLeaveNothingAndOthersCommit) {
    {
        auto tx = store->begin(TxMode::write);
        ASSERT_TRUE(tx.ok());
        ASSERT_TRUE(write(**tx, "taken").ok());
        ASSERT_TRUE((*tx)->commit().ok());
    }
    constexpr int kThreads = 6, kEach = 30;
    std::atomic<int> committed{0}, failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kEach; ++i) {
                const std::string serial = std::to_string(t) + "-" + std::to_string(i);
                auto tx = store->begin(TxMode::write);
                if (!tx.ok()) { ++failures; continue; }
                if (!write(**tx, serial).ok()) { ++failures; continue; }
                if (i % 3 == 1) {
                    // Its history row is written; the duplicate serial fails the use case.
                    if ((*tx)->insert_certificate(make_cert(kWho, "taken")).ok()) ++failures;
                    continue;  // destroyed without commit
                }
                if (i % 3 == 2) continue;  // plain rollback by destruction
                if ((*tx)->commit().ok()) ++committed; else ++failures;
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ(committed.load(), kThreads * kEach / 3);
    open();
    const RowCounts c = counts();
    EXPECT_EQ(c.certificates, 1 + committed.load());
    EXPECT_EQ(c.history, 1 + committed.load());
    EXPECT_TRUE(has("0-0"));
    EXPECT_FALSE(has("0-1"));
    EXPECT_FALSE(has("0-2"));
}

// A failed COMMIT fails every member of its group: none of them is written, each one hears it.
TEST_F(GroupCommitTest, CommitFailureFailsTheWholeGroup) {
    std::atomic<int> vetoes{0};
    store->set_commit_veto_for_testing([&] { ++vetoes; return true; });
    auto first = store->begin(TxMode::write);
    ASSERT_TRUE(first.ok());
    ASSERT_TRUE(write(**first, "a").ok());
    // Two more writers queue behind the first: one group of three.
    std::promise<Status> second_done, third_done;
    std::thread second([&] {
        auto tx = store->begin(TxMode::write);
        if (!tx.ok()) return second_done.set_value(tx.take_error());
        if (Status s = write(**tx, "b"); !s.ok()) return second_done.set_value(s);
        second_done.set_value((*tx)->commit());
    });
    await_queued(1);
    std::thread third([&] {
        auto tx = store->begin(TxMode::write);
        if (!tx.ok()) return third_done.set_value(tx.take_error());
        if (Status s = write(**tx, "c"); !s.ok()) return third_done.set_value(s);
        third_done.set_value((*tx)->commit());
    });
    await_queued(2);
    const Status first_status = (*first)->commit();  // waits: writers are queued behind it
    second.join();
    third.join();
    EXPECT_FALSE(first_status.ok());
    EXPECT_FALSE(second_done.get_future().get().ok());
    EXPECT_FALSE(third_done.get_future().get().ok());
    EXPECT_EQ(vetoes.load(), 1) << "the three did not share one COMMIT";
    first->reset();
    EXPECT_FALSE(has("a"));
    EXPECT_FALSE(has("b"));
    EXPECT_FALSE(has("c"));
    // The store goes on: the next transaction commits.
    store->set_commit_veto_for_testing(nullptr);
    auto next = store->begin(TxMode::write);
    ASSERT_TRUE(next.ok());
    ASSERT_TRUE(write(**next, "d").ok());
    ASSERT_TRUE((*next)->commit().ok());
    open();
    EXPECT_TRUE(has("d"));
    EXPECT_EQ(counts().certificates, 1);
}

// Released but not yet committed data is invisible to readers; a later writer rolling back by
// destruction still commits the group it closes.
TEST_F(GroupCommitTest, ReadersSeeOnlyCommittedDataAndARollbackClosesTheGroup) {
    auto first = store->begin(TxMode::write);
    ASSERT_TRUE(first.ok());
    ASSERT_TRUE(write(**first, "a").ok());
    std::promise<void> second_wrote, second_may_end;
    std::thread second([&] {
        auto tx = store->begin(TxMode::write);
        ASSERT_TRUE(tx.ok());
        ASSERT_TRUE(write(**tx, "b").ok());
        second_wrote.set_value();
        second_may_end.get_future().wait();
        // destroyed without commit: ROLLBACK TO its savepoint, then the group's COMMIT
    });
    await_queued(1);
    std::future<Status> first_commit =
        std::async(std::launch::async, [&] { return (*first)->commit(); });
    second_wrote.get_future().wait();
    EXPECT_EQ(first_commit.wait_for(50ms), std::future_status::timeout)
        << "the first returned before a COMMIT covering it";
    EXPECT_FALSE(has("a"));  // released into the group, not committed yet
    EXPECT_FALSE(has("b"));
    second_may_end.set_value();
    second.join();
    EXPECT_TRUE(first_commit.get().ok());
    open();
    EXPECT_TRUE(has("a"));
    EXPECT_FALSE(has("b"));
}

// A lone writer with nobody queued behind it commits at once (no waiting for company).
TEST_F(GroupCommitTest, LoneWriterCommitsAtOnce) {
    const std::uint64_t before = store->durable_commits();
    auto tx = store->begin(TxMode::write);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(write(**tx, "a").ok());
    ASSERT_TRUE((*tx)->commit().ok());
    EXPECT_EQ(store->durable_commits(), before + 1);
    EXPECT_TRUE(has("a"));
}

// After a group with company, a writer with nobody queued waits a little for company (commit
// delay) but not long: nobody arriving, it takes the connection back and commits on its own.
TEST_F(GroupCommitTest, CommitDelayIsBounded) {
    {  // a group of two, so that the next lone commit may wait for company
        auto first = store->begin(TxMode::write);
        ASSERT_TRUE(first.ok());
        ASSERT_TRUE(write(**first, "g1").ok());
        std::thread second([&] {
            auto tx = store->begin(TxMode::write);
            ASSERT_TRUE(tx.ok());
            ASSERT_TRUE(write(**tx, "g2").ok());
            ASSERT_TRUE((*tx)->commit().ok());
        });
        await_queued(1);
        ASSERT_TRUE((*first)->commit().ok());
        second.join();
    }
    const std::uint64_t before = store->durable_commits();
    auto lone = store->begin(TxMode::write);
    ASSERT_TRUE(lone.ok());
    ASSERT_TRUE(write(**lone, "lone").ok());
    const auto start = std::chrono::steady_clock::now();
    ASSERT_TRUE((*lone)->commit().ok());
    EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
    EXPECT_EQ(store->durable_commits(), before + 1);
    EXPECT_TRUE(has("lone"));
    EXPECT_TRUE(has("g1"));
    EXPECT_TRUE(has("g2"));
}

// Another process (here: a second store on the same file) sees only committed groups and can
// write between them.
TEST_F(GroupCommitTest, SecondStoreOnTheSameFileInterleaves) {
    auto other = SqliteStore::open(dir.file("kakuin.db"));
    ASSERT_TRUE(other.ok());
    std::atomic<int> failures{0};
    auto run = [&](SqliteStore& s, const std::string& prefix) {
        for (int i = 0; i < 40; ++i) {
            auto tx = s.begin(TxMode::write);
            if (!tx.ok() || !write(**tx, prefix + std::to_string(i)).ok() || !(*tx)->commit().ok())
                ++failures;
        }
    };
    std::thread a([&] { run(*store, "a"); });
    std::thread b([&] { run(*store, "b"); });
    std::thread c([&] { run(**other, "c"); });
    a.join();
    b.join();
    c.join();
    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ(counts().certificates, 120);
}

// run_write (flat combining): concurrent callers' transactions run in turn on whichever caller
// holds the writer, each in its own savepoint, and share COMMITs; every one reports only after
// its COMMIT, and each sees its own outcome.
TEST_F(GroupCommitTest, RunWriteCombinesCallersIntoSharedCommits) {
    constexpr int kThreads = 8, kEach = 40;
    const std::uint64_t commits_before = store->durable_commits();
    std::atomic<int> failures{0}, ran_elsewhere{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            const auto me = std::this_thread::get_id();
            for (int i = 0; i < kEach; ++i) {
                const std::string serial = "rw" + std::to_string(t) + "-" + std::to_string(i);
                Status inner;
                const Status done = store->run_write([&](Transaction& tx) {
                    if (std::this_thread::get_id() != me) ++ran_elsewhere;
                    inner = write(tx, serial);
                    return inner.ok();
                });
                if (!done.ok() || !inner.ok()) ++failures;
                // Durable and visible once run_write returned.
                if (!has(serial)) ++failures;
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(failures.load(), 0);
    const std::uint64_t commits = store->durable_commits() - commits_before;
    EXPECT_LT(commits, static_cast<std::uint64_t>(kThreads * kEach)) << "no COMMIT was shared";
    EXPECT_GT(ran_elsewhere.load(), 0) << "no transaction ran on another caller's thread";
    open();
    const RowCounts c = counts();
    EXPECT_EQ(c.certificates, kThreads * kEach);
    EXPECT_EQ(c.history, kThreads * kEach);
}

// A transaction that asks for a rollback, fails on a constraint, or throws leaves nothing; the
// others around it commit; the exception reaches its own caller.
TEST_F(GroupCommitTest, RunWriteUndoesOnlyTheFailingTransactions) {
    ASSERT_TRUE(store->run_write([&](Transaction& tx) { return write(tx, "taken").ok(); }).ok());
    constexpr int kThreads = 6, kEach = 30;
    std::atomic<int> wrong{0}, kept{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kEach; ++i) {
                const std::string serial = "u" + std::to_string(t) + "-" + std::to_string(i);
                const int kind = i % 4;  // 0 keep, 1 ask for rollback, 2 constraint, 3 throw
                try {
                    const Status done = store->run_write([&](Transaction& tx) {
                        if (!write(tx, serial).ok()) return false;
                        if (kind == 1) return false;
                        if (kind == 2) return tx.insert_certificate(make_cert(kWho, "taken")).ok();
                        if (kind == 3) throw std::runtime_error("work failed");
                        return true;
                    });
                    if (kind == 3 || !done.ok()) ++wrong;
                    if (kind == 0) ++kept;
                } catch (const std::runtime_error&) {
                    if (kind != 3) ++wrong;
                }
                if (has(serial) != (kind == 0)) ++wrong;
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(wrong.load(), 0);
    open();
    const RowCounts c = counts();
    EXPECT_EQ(c.certificates, kept.load() + 1);
    EXPECT_EQ(c.history, kept.load() + 1);
}

// A COMMIT that fails fails every transaction of its group, run_write ones included, and
// leaves none of them.
TEST_F(GroupCommitTest, RunWriteReportsAFailedCommitToEveryMember) {
    std::atomic<int> vetoes{0};
    store->set_commit_veto_for_testing([&] { ++vetoes; return true; });
    std::vector<std::thread> threads;
    std::atomic<int> failed{0};
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            const Status done = store->run_write(
                [&](Transaction& tx) { return write(tx, "veto" + std::to_string(t)).ok(); });
            if (!done.ok()) ++failed;
        });
    }
    for (auto& th : threads) th.join();
    store->set_commit_veto_for_testing(nullptr);
    EXPECT_EQ(failed.load(), 4);
    EXPECT_GE(vetoes.load(), 1);
    for (int t = 0; t < 4; ++t) EXPECT_FALSE(has("veto" + std::to_string(t)));
    // The writer works again afterwards.
    EXPECT_TRUE(store->run_write([&](Transaction& tx) { return write(tx, "after").ok(); }).ok());
    EXPECT_TRUE(has("after"));
}

// run_write and begin(write) interleave on the same writer: a run_write caller waits while a
// begin() transaction holds the connection, and both commit.
TEST_F(GroupCommitTest, RunWriteWaitsForAnOpenBeginTransaction) {
    auto tx = store->begin(TxMode::write);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(write(**tx, "held").ok());
    std::atomic<bool> finished{false};
    std::thread other([&] {
        EXPECT_TRUE(store->run_write([&](Transaction& t) { return write(t, "queued").ok(); }).ok());
        finished = true;
    });
    std::this_thread::sleep_for(100ms);
    EXPECT_FALSE(finished.load());
    ASSERT_TRUE((*tx)->commit().ok());
    other.join();
    EXPECT_TRUE(finished.load());
    EXPECT_TRUE(has("held"));
    EXPECT_TRUE(has("queued"));
}

}  // namespace
}  // namespace kakuin::store
