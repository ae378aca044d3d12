// WAL checkpoints for the SQLite store's writer, run by a thread of their own. Internal to the
// SQLite store.
//
// SQLite's default (wal_autocheckpoint) runs a checkpoint inside the COMMIT that took the WAL
// past 1000 frames: the writer connection, and every writer queued behind it, waits while pages
// are copied into the database file and both files are fsynced. Here the writer connection's
// WAL hook (install()) only tells this thread, which runs a PASSIVE checkpoint on a connection
// of its own: it never waits for readers or writers, and the writer goes on. The WAL stays
// bounded as before: SQLite restarts it from its beginning at the next write once a checkpoint
// has copied all of it (and no reader still uses it); if the WAL still reaches kHardFrames (the
// thread failed or cannot keep up), the COMMIT that saw it checkpoints inline, as SQLite's
// default would. A checkpoint only copies committed, already durable frames: it changes nothing
// a COMMIT promised.
//
// Thread-safe. The destructor stops the thread (after the checkpoint it may be running).
#pragma once

#include <sqlite3.h>

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/result.h"

namespace kakuin::store::sqlite {

class Connection;

// WAL frames (pages) after which, and after each further as many, a COMMIT asks for a
// background checkpoint (1000: SQLite's default autocheckpoint).
inline constexpr int kCheckpointFrames = 1000;
// WAL frames at which the COMMIT checkpoints inline (≈ 32 MiB of 4 KiB pages). Under a steady
// load the WAL reaches it: SQLite restarts the WAL only at a write that begins after a
// checkpoint copied all of it, which the writer's back-to-back groups leave no time for; the
// inline checkpoint then copies only what came after the thread's last one.
inline constexpr int kHardFrames = 8000;

struct CheckpointStats {
    std::uint64_t background = 0;  // checkpoints run by the thread
    std::uint64_t inline_ = 0;     // checkpoints run inside a COMMIT (WAL at kHardFrames)
    std::uint64_t failed = 0;      // checkpoints that returned an error (other than busy)
    int last_wal_frames = 0;       // the WAL's size after the last COMMIT, in frames
    std::uint64_t frames = 0;      // frames (pages) the writer's COMMITs appended to the WAL
};

class Checkpointer {
public:
    // `soft`/`hard`: the frame counts above (tests use smaller ones).
    explicit Checkpointer(std::string path, int soft = kCheckpointFrames, int hard = kHardFrames);
    ~Checkpointer();
    Checkpointer(const Checkpointer&) = delete;
    Checkpointer& operator=(const Checkpointer&) = delete;

    // Replaces `writer`'s WAL hook (and so SQLite's automatic checkpoints) by this one.
    // REQUIRES: this outlives `writer` or a later install on another connection.
    void install(sqlite3* writer);
    CheckpointStats stats() const;

private:
    static int wal_hook(void* self, sqlite3* db, const char* name, int frames);
    // Called on the writer's thread after each COMMIT with the WAL's size in frames.
    void committed(sqlite3* db, const char* name, int frames);
    void run();
    // Runs one PASSIVE checkpoint on the thread's connection (opened on first use).
    void checkpoint();

    const std::string path_;
    const int soft_;
    const int hard_;

    mutable std::mutex mu_;
    std::condition_variable cv_;
    bool wanted_ = false;  // guarded by mu_
    int next_at_;          // WAL frames at which to wake the thread next; guarded by mu_
    bool stop_ = false;    // guarded by mu_
    CheckpointStats stats_;  // guarded by mu_

    std::unique_ptr<Connection> conn_;  // the thread's own
    std::thread thread_;                // last: starts after the members above
};

}  // namespace kakuin::store::sqlite
