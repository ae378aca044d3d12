// WAL checkpoints off the writer (store/sqlite/checkpointer.h): the WAL stays bounded, and what
// was committed is there after reopening. Also the writer's time accounting (WriterStats).
#include "store/sqlite/checkpointer.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/group_commit.h"
#include "store/sqlite/sqlite_store.h"
#include "temp_dir.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace kakuin::store {
namespace {

using namespace std::chrono_literals;
using sqlite::Checkpointer;
using sqlite::Connection;
using testing::TempDir;

std::uintmax_t file_size(const std::string& path) {
    std::error_code ec;
    const auto n = std::filesystem::file_size(path, ec);
    return ec ? 0 : n;
}

// A connection on `path` with one table whose rows fill a page each.
std::unique_ptr<Connection> open_table(const std::string& path) {
    auto c = Connection::open(path);
    EXPECT_TRUE(c.ok());
    if (!c.ok()) return nullptr;
    EXPECT_TRUE((*c)->exec("create", "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, b BLOB)").ok());
    return std::move(c).value();
}

// Commits `n` transactions of one page-sized row each; returns the largest WAL seen (bytes).
std::uintmax_t insert_rows(Connection& conn, const std::string& wal, int first, int n) {
    std::uintmax_t largest = 0;
    for (int i = first; i < first + n; ++i) {
        EXPECT_TRUE(conn.exec("insert", "INSERT INTO t (id, b) VALUES (" + std::to_string(i) +
                                            ", zeroblob(3000))")
                        .ok());
        largest = std::max(largest, file_size(wal));
    }
    return largest;
}

int count_rows(const std::string& path) {
    auto c = Connection::open(path);
    EXPECT_TRUE(c.ok());
    if (!c.ok()) return -1;
    auto q = (*c)->prepare("count", "SELECT count(*) FROM t");
    EXPECT_TRUE(q.ok());
    if (!q.ok()) return -1;
    auto row = q->step();
    EXPECT_TRUE(row.ok() && *row);
    return q->int32(0);
}

// The thread checkpoints when the WAL grows by `soft` frames; the writer's COMMITs do not.
TEST(Checkpointer, ThreadCheckpointsAndNothingIsLostAcrossReopen) {
    TempDir dir;
    const std::string db = dir.file("c.db");
    {
        Checkpointer ckpt(db, /*soft=*/20, /*hard=*/100'000);
        auto conn = open_table(db);
        ASSERT_TRUE(conn);
        ckpt.install(conn->db());
        insert_rows(*conn, db + "-wal", 0, 400);
        for (int i = 0; i < 2000 && ckpt.stats().background == 0; ++i) std::this_thread::sleep_for(1ms);
        const sqlite::CheckpointStats s = ckpt.stats();
        EXPECT_GT(s.background, 0u);
        EXPECT_EQ(s.inline_, 0u);
        EXPECT_EQ(s.failed, 0u);
        EXPECT_GE(s.frames, 400u);  // at least one page per COMMIT
    }
    EXPECT_EQ(count_rows(db), 400);
}

// Readers come and go while a writer commits: the WAL restarts and stays bounded.
TEST(Checkpointer, WalStaysBoundedUnderSteadyWrites) {
    TempDir dir;
    const std::string db = dir.file("c.db");
    constexpr int kSoft = 20, kHard = 80;
    std::uintmax_t largest = 0;
    {
        Checkpointer ckpt(db, kSoft, kHard);
        auto conn = open_table(db);
        ASSERT_TRUE(conn);
        ckpt.install(conn->db());
        auto reader = Connection::open(db);
        ASSERT_TRUE(reader.ok());
        for (int round = 0; round < 20; ++round) {
            largest = std::max(largest, insert_rows(*conn, db + "-wal", round * 50, 50));
            // A short read transaction, as the store's readers make.
            ASSERT_TRUE((*reader)->exec("read", "BEGIN; SELECT count(*) FROM t; COMMIT").ok());
        }
        EXPECT_EQ(ckpt.stats().failed, 0u);
    }
    // WAL header + frames of (24 + 4096) bytes. Past the bound, COMMITs that meet the thread's
    // checkpoint running get SQLITE_BUSY and add a few frames each until it is done; SQLite's
    // own automatic checkpoints (that the hook replaced) would let it reach 1000 frames.
    EXPECT_LE(largest, 32u + (kHard + 120u) * (24u + 4096u));
    EXPECT_GT(largest, 0u);
    EXPECT_EQ(count_rows(db), 1000);
}

// Without the thread's help (it is never asked), the COMMIT at the hard bound checkpoints.
TEST(Checkpointer, CommitCheckpointsInlineAtTheHardBound) {
    TempDir dir;
    const std::string db = dir.file("c.db");
    constexpr int kHard = 50;
    std::uintmax_t largest = 0;
    {
        Checkpointer ckpt(db, /*soft=*/1'000'000, kHard);
        auto conn = open_table(db);
        ASSERT_TRUE(conn);
        ckpt.install(conn->db());
        largest = insert_rows(*conn, db + "-wal", 0, 500);
        const sqlite::CheckpointStats s = ckpt.stats();
        EXPECT_EQ(s.background, 0u);
        EXPECT_GT(s.inline_, 0u);
        EXPECT_LE(s.last_wal_frames, kHard + 8);
    }
    EXPECT_LE(largest, 32u + (kHard + 8u) * (24u + 4096u));
    EXPECT_EQ(count_rows(db), 500);
}

// The store's writer: its WAL stays within the default bound over many COMMITs, and a reopened
// store has every row.
TEST(Checkpointer, StoreWalBoundedAndDurable) {
    TempDir dir;
    const std::string db = dir.file("kakuin.db");
    std::uintmax_t largest = 0;
    constexpr int kRows = 600;
    {
        auto s = sqlite::SqliteStore::open(db);
        ASSERT_TRUE(s.ok());
        for (int i = 0; i < kRows; ++i) {
            auto tx = (*s)->begin(TxMode::write);
            ASSERT_TRUE(tx.ok());
            UsageRecord r;
            r.at = from_unix(1'790'000'000 + i);
            r.contract_id = "00009876543";
            r.actor = "system";
            r.kind = "x";
            r.result = "ok";
            r.detail = std::string(3000, 'a' + static_cast<char>(i % 26));  // about a page each
            ASSERT_TRUE((*tx)->append_history(r).ok());
            ASSERT_TRUE((*tx)->commit().ok());
            largest = std::max(largest, file_size(db + "-wal"));
        }
        EXPECT_GT((*s)->checkpoint_stats().frames, static_cast<std::uint64_t>(kRows));
        EXPECT_EQ((*s)->checkpoint_stats().failed, 0u);
    }
    EXPECT_LE(largest, 32u + (sqlite::kHardFrames + 200u) * (24u + 4096u));
    auto s = sqlite::SqliteStore::open(db);
    ASSERT_TRUE(s.ok());
    auto tx = (*s)->begin(TxMode::read);
    ASSERT_TRUE(tx.ok());
    auto counts = (*tx)->row_counts();
    ASSERT_TRUE(counts.ok());
    EXPECT_EQ(counts->history, kRows);
}

// WriterStats: some writer held the connection at least as long as the COMMITs took, and every
// committed transaction was a member of a group.
TEST(Checkpointer, WriterStatsAccountHeldAndCommitTime) {
    TempDir dir;
    auto s = sqlite::SqliteStore::open(dir.file("kakuin.db"));
    ASSERT_TRUE(s.ok());
    const sqlite::WriterStats before = (*s)->writer_stats();
    for (int i = 0; i < 5; ++i) {
        auto tx = (*s)->begin(TxMode::write);
        ASSERT_TRUE(tx.ok());
        ASSERT_TRUE((*tx)->set_meta("k" + std::to_string(i), "v").ok());
        ASSERT_TRUE((*tx)->commit().ok());
    }
    const sqlite::WriterStats after = (*s)->writer_stats();
    EXPECT_EQ(after.groups - before.groups, 5u);
    EXPECT_EQ(after.members - before.members, 5u);
    EXPECT_GT(after.commit_time, before.commit_time);
    EXPECT_GE(after.held_time - before.held_time, after.commit_time - before.commit_time);
}

}  // namespace
}  // namespace kakuin::store
