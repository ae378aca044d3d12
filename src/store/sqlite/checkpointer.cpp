#include "store/sqlite/checkpointer.h"

#include "store/sqlite/connection.h"

namespace kakuin::store::sqlite {

Checkpointer::Checkpointer(std::string path, int soft, int hard)
    : path_(std::move(path)), soft_(soft), hard_(hard), next_at_(soft), thread_([this] { run(); }) {}

Checkpointer::~Checkpointer() {
    {
        std::lock_guard lock(mu_);
        stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
}

void Checkpointer::install(sqlite3* writer) { sqlite3_wal_hook(writer, &Checkpointer::wal_hook, this); }

CheckpointStats Checkpointer::stats() const {
    std::lock_guard lock(mu_);
    return stats_;
}

int Checkpointer::wal_hook(void* self, sqlite3* db, const char* name, int frames) {
    static_cast<Checkpointer*>(self)->committed(db, name, frames);
    return SQLITE_OK;  // the COMMIT is durable whatever a checkpoint does
}

void Checkpointer::committed(sqlite3* db, const char* name, int frames) {
    bool wake = false;
    {
        std::lock_guard lock(mu_);
        if (frames < stats_.last_wal_frames) {  // the WAL restarted
            next_at_ = soft_;
            stats_.frames += static_cast<std::uint64_t>(frames);
        } else {
            stats_.frames += static_cast<std::uint64_t>(frames - stats_.last_wal_frames);
        }
        stats_.last_wal_frames = frames;
        // One checkpoint per soft_ frames of growth: each costs two fsyncs, which share the
        // disk with the COMMITs' own.
        if (frames >= next_at_) {
            next_at_ = frames + soft_;
            wanted_ = wake = true;
        }
    }
    if (wake) cv_.notify_one();
    if (frames < hard_) return;
    // The thread has not kept up (or failed): copy what is left here, as SQLite's default
    // autocheckpoint would, so that the next write can restart the WAL.
    const int rc = sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    std::lock_guard lock(mu_);
    if (rc == SQLITE_OK) {
        ++stats_.inline_;
    } else if (rc != SQLITE_BUSY) {
        ++stats_.failed;
    }
}

void Checkpointer::run() {
    std::unique_lock lock(mu_);
    for (;;) {
        cv_.wait(lock, [this] { return wanted_ || stop_; });
        if (stop_) return;
        wanted_ = false;  // a COMMIT during the checkpoint may ask again
        lock.unlock();
        checkpoint();
        lock.lock();
    }
}

void Checkpointer::checkpoint() {
    if (!conn_) {
        auto c = Connection::open(path_);
        if (!c.ok()) {
            std::lock_guard lock(mu_);
            ++stats_.failed;
            return;
        }
        conn_ = std::move(c).value();
    }
    // PASSIVE: copies the frames no reader still needs, without waiting for anyone.
    const int rc = sqlite3_wal_checkpoint_v2(conn_->db(), "main", SQLITE_CHECKPOINT_PASSIVE,
                                             nullptr, nullptr);
    std::lock_guard lock(mu_);
    if (rc == SQLITE_OK) {
        ++stats_.background;
    } else if (rc != SQLITE_BUSY) {
        ++stats_.failed;
        conn_.reset();  // reopen next time
    }
}

}  // namespace kakuin::store::sqlite
