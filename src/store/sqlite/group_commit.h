// Group commit: the store's one writer connection, used by write transactions in turn, whose
// durable COMMITs are shared. Internal to the SQLite store.
//
// A write transaction is a SAVEPOINT inside one outer transaction (BEGIN IMMEDIATE) that stays
// open on the writer connection while writers follow each other. commit() RELEASEs the
// savepoint and then either waits for the group's COMMIT (when another writer is queued behind
// it, the group is small and young enough) or runs the COMMIT itself for everyone released so
// far. So N concurrent writers pay one fsync (synchronous=FULL) instead of N, and still:
// - commit() returns success only after a COMMIT covering the transaction was durable;
// - a rollback is ROLLBACK TO its savepoint: a failed use case leaves nothing;
// - a failed COMMIT fails every member of the group (nothing of it is in the database);
// - other connections (readers, other processes: WAL) see only committed data.
//
// Bounds: a writer waits for the connection at most kBusyTimeoutMs. A group stops taking members
// after kMaxGroupMembers or kMaxGroupDelay; a member waits for its COMMIT at most kBusyTimeoutMs:
// if the writer holding the connection is stuck (say it waits for something the member's thread
// holds), the member gives up with storage_failure and the whole group is rolled back instead of
// committed, so that the refusal stays true.
//
// Thread-safe. The connection is used by one holder at a time (enter() .. commit()/rollback()).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "core/result.h"
#include "store/sqlite/checkpointer.h"

namespace kakuin::store::sqlite {

class Connection;

inline constexpr int kMaxGroupMembers = 64;
inline constexpr std::chrono::milliseconds kMaxGroupDelay{5};
// Commit delay: a writer that would COMMIT alone while the previous group had company gives
// the connection up for at most half the last COMMIT's duration (capped here), so that writers
// about to arrive join its COMMIT instead of each paying their own. A lone writer pays nothing.
inline constexpr std::chrono::microseconds kMaxCommitDelay{2000};

// Where the writer connection's time went, since the store opened (benchmarks and tests).
struct WriterStats {
    std::chrono::steady_clock::duration held_time{};    // some writer held the connection
    std::chrono::steady_clock::duration commit_time{};  // of which in COMMIT (fsync, checkpoint)
    std::uint64_t groups = 0;                           // COMMITs tried (each ends a group)
    std::uint64_t members = 0;                          // transactions in those groups
};

class GroupCommit {
public:
    explicit GroupCommit(std::string path);
    ~GroupCommit();
    GroupCommit(const GroupCommit&) = delete;
    GroupCommit& operator=(const GroupCommit&) = delete;

    // Waits for the writer connection and opens a savepoint on it. On success the caller holds
    // the connection and must end with exactly one of commit() or rollback().
    Result<Connection*> enter();
    // RELEASEs the savepoint and returns once a COMMIT covering it is durable, or with the error
    // that rolled back the group. The connection is no longer held afterwards.
    Status commit();
    // ROLLBACK TO the savepoint; the connection is no longer held afterwards.
    void rollback();

    // A whole write transaction: runs `work` on the writer connection inside a savepoint of
    // its own; `work` returns true to keep its changes, false to undo them. Returns ok once a
    // COMMIT covering kept changes is durable (at once for undone ones), or the error that
    // kept them from being committed. Flat combining: whichever caller finds the connection
    // free runs every queued `work` in turn, each in its savepoint, and COMMITs them as one
    // group, so that the connection does not pass from thread to thread (a wake-up each) per
    // transaction. `work` therefore may run on another caller's thread. An exception from
    // `work` undoes its changes and is rethrown on its caller's thread.
    Status run(const std::function<bool(Connection&)>& work);

    // Tests only: called before each COMMIT of a group; returning true turns it into a failure
    // (a commit hook that vetoes), as an I/O error would.
    void set_commit_veto_for_testing(std::function<bool()> veto);
    // Writers waiting in enter() now (tests use it to set up a group).
    int queued() const;
    // Successful COMMITs so far (each covers one group); for tests and benchmarks.
    std::uint64_t durable_commits() const;
    WriterStats stats() const;
    CheckpointStats checkpoint_stats() const { return checkpointer_.stats(); }

private:
    struct Group;
    struct Job;
    using Clock = std::chrono::steady_clock;

    // REQUIRES: held by the caller, `lock` owns mu_. Runs queued jobs into the outer
    // transaction and commits them (or hands the connection on); every job it took is done
    // when it returns, with `lock` owning mu_ again.
    void lead(std::unique_lock<std::mutex>& lock);
    // REQUIRES: held, `lock` not owning mu_. Opens the connection and the outer transaction
    // when needed.
    Status open_outer(std::unique_lock<std::mutex>& lock);
    // REQUIRES: held, `lock` owns mu_, `members` transactions released into the outer
    // transaction. Waits for or runs the group's COMMIT (see commit()); returns its status
    // with `lock` owning mu_ and the connection no longer held by the caller.
    Status join_group(std::unique_lock<std::mutex>& lock, int members);

    // REQUIRES: held, `lock` owns mu_. Hands the connection to a queued writer, or, with nobody
    // queued, ends the outer transaction (COMMIT for the members, ROLLBACK when empty).
    // Returns the COMMIT's status when it ran one.
    Status leave(std::unique_lock<std::mutex>& lock);
    // REQUIRES: held, group_ set, `lock` owns mu_. COMMITs (or rolls back a poisoned group).
    Status finish_group(std::unique_lock<std::mutex>& lock);
    // REQUIRES: held. The outer transaction was rolled back by SQLite (I/O error): fail its group.
    void outer_lost(std::unique_lock<std::mutex>& lock, const Error& why);
    // REQUIRES: held. ROLLBACK TO and RELEASE the savepoint.
    Status undo_savepoint();
    // REQUIRES: held, `lock` owns mu_. Rolls the outer transaction back (unless SQLite already
    // did) and fails its group with the error returned, which names `why` (ok: by SQLite).
    Error abandon_outer(std::unique_lock<std::mutex>& lock, const Status& why);
    // REQUIRES: held (or in the destructor), `sql` a string literal.
    Status exec(const char* what, const char* sql);
    // REQUIRES: mu_ held. Sets held_ and accounts the held time.
    void hold(bool held);

    const std::string path_;
    std::function<bool()> veto_;

    mutable std::mutex mu_;
    std::condition_variable gate_cv_;  // the connection became free
    std::condition_variable done_cv_;  // a group finished
    bool held_ = false;                // guarded by mu_
    int queued_ = 0;                   // writers waiting in enter(); guarded by mu_
    std::shared_ptr<Group> group_;     // released members awaiting COMMIT; guarded by mu_
    std::deque<Job*> jobs_;            // run() calls waiting for a leader; guarded by mu_
    std::condition_variable job_cv_;   // a job finished, or the connection became free
    std::uint64_t commits_ = 0;        // guarded by mu_
    int last_group_members_ = 0;       // guarded by mu_
    Clock::duration last_commit_{};    // how long the last COMMIT took; guarded by mu_
    Clock::time_point held_since_{};   // guarded by mu_
    WriterStats stats_;                // guarded by mu_

    // Checkpoints the WAL off the writer (declared before conn_: its WAL hook points here).
    Checkpointer checkpointer_;

    // Touched only by the holder.
    std::unique_ptr<Connection> conn_;
    bool outer_open_ = false;  // BEGIN IMMEDIATE done, not yet ended
};

}  // namespace kakuin::store::sqlite
