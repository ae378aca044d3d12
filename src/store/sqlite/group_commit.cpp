#include "store/sqlite/group_commit.h"

#include "store/sqlite/connection.h"

#include <algorithm>

namespace kakuin::store::sqlite {

// Members released into the open outer transaction, waiting for its COMMIT.
struct GroupCommit::Group {
    Clock::time_point opened;
    int members = 0;
    bool committing = false;  // the COMMIT runs: members wait for it whatever their deadline
    bool poisoned = false;    // a member gave up: roll the group back instead of committing
    bool done = false;
    Status result;
};

// A run() call: its work, and what became of it.
struct GroupCommit::Job {
    const std::function<bool(Connection&)>* work = nullptr;
    bool started = false;  // a leader took it from the queue
    bool done = false;     // result (or thrown) is final
    Status result;
    std::exception_ptr thrown;
};

namespace {
constexpr std::chrono::milliseconds kWait{kBusyTimeoutMs};

// Whether a group of `members` opened at `opened` still takes members.
bool group_has_room(int members, std::chrono::steady_clock::time_point opened, bool poisoned) {
    return members < kMaxGroupMembers &&
           std::chrono::steady_clock::now() - opened < kMaxGroupDelay && !poisoned;
}

int commit_hook(void* arg) {
    const auto* veto = static_cast<const std::function<bool()>*>(arg);
    return *veto && (*veto)() ? 1 : 0;  // non-zero turns the COMMIT into a ROLLBACK
}
}  // namespace

GroupCommit::GroupCommit(std::string path) : path_(std::move(path)), checkpointer_(path_) {}

GroupCommit::~GroupCommit() {
    if (conn_ && outer_open_) (void)exec("rollback", "ROLLBACK");
}

void GroupCommit::set_commit_veto_for_testing(std::function<bool()> veto) {
    std::lock_guard lock(mu_);
    veto_ = std::move(veto);
}

int GroupCommit::queued() const {
    std::lock_guard lock(mu_);
    return queued_;
}

std::uint64_t GroupCommit::durable_commits() const {
    std::lock_guard lock(mu_);
    return commits_;
}

WriterStats GroupCommit::stats() const {
    std::lock_guard lock(mu_);
    WriterStats s = stats_;
    if (held_) s.held_time += Clock::now() - held_since_;
    return s;
}

void GroupCommit::hold(bool held) {
    const Clock::time_point now = Clock::now();
    if (held) {
        held_since_ = now;
    } else if (held_) {
        stats_.held_time += now - held_since_;
    }
    held_ = held;
    if (!held && !jobs_.empty()) job_cv_.notify_all();  // one of them may lead now
}

// Prepared once per connection (the literal is the cache key): BEGIN, SAVEPOINT, RELEASE and
// COMMIT run for every write transaction, on the writer that the others wait for.
Status GroupCommit::exec(const char* what, const char* sql) {
    KAKUIN_TRY(Stmt s, conn_->prepare(what, sql));
    return s.run();
}

Result<Connection*> GroupCommit::enter() {
    std::unique_lock lock(mu_);
    ++queued_;
    const bool free = gate_cv_.wait_for(lock, kWait, [this] { return !held_; });
    --queued_;
    if (!free) {
        return make_error(ErrorCode::storage_failure,
                          "begin: the database is busy (another writer held it too long)");
    }
    hold(true);
    lock.unlock();

    auto give_up = [&](Error e) -> Result<Connection*> {
        lock.lock();
        (void)leave(lock);
        return e;
    };
    if (Status s = open_outer(lock); !s.ok()) return give_up(s.take_error());
    if (Status s = exec("savepoint", "SAVEPOINT w"); !s.ok()) return give_up(s.take_error());
    return conn_.get();
}

Status GroupCommit::open_outer(std::unique_lock<std::mutex>& lock) {
    if (!conn_) {
        auto c = Connection::open(path_);
        if (!c.ok()) return c.take_error();
        conn_ = std::move(c).value();
        sqlite3_commit_hook(conn_->db(), commit_hook, &veto_);
        checkpointer_.install(conn_->db());
        // Every write transaction is a savepoint: SQLite copies each page it first touches
        // into the savepoint's journal, which spills into a temporary file (create, write,
        // unlink) past 64 KiB: an issuance touches more. In memory it is a copy; its size is
        // bounded by the pages one write transaction touches.
        if (Status s = exec("pragmas", "PRAGMA temp_store=MEMORY"); !s.ok()) {
            conn_.reset();
            return s;
        }
    }
    if (outer_open_ && sqlite3_get_autocommit(conn_->db())) {
        lock.lock();
        outer_lost(lock, make_error(ErrorCode::storage_failure,
                                    "commit: the group's transaction was rolled back by SQLite"));
        lock.unlock();
    }
    if (!outer_open_) {
        KAKUIN_TRY_STATUS(exec("begin", "BEGIN IMMEDIATE"));
        outer_open_ = true;
    }
    return {};
}

Status GroupCommit::commit() {
    if (Status released = exec("commit", "RELEASE w"); !released.ok()) {
        rollback();
        return released;
    }
    std::unique_lock lock(mu_);
    if (sqlite3_get_autocommit(conn_->db())) {  // RELEASE cannot end the outer transaction
        Error lost = make_error(ErrorCode::storage_failure,
                                "commit: the group's transaction was rolled back by SQLite");
        outer_lost(lock, lost);
        (void)leave(lock);
        return lost;
    }
    return join_group(lock, 1);
}

Status GroupCommit::join_group(std::unique_lock<std::mutex>& lock, int members) {
    if (!group_) {
        group_ = std::make_shared<Group>();
        group_->opened = Clock::now();
    }
    std::shared_ptr<Group> g = group_;
    g->members += members;
    const bool room = group_has_room(g->members, g->opened, g->poisoned);
    if (room && queued_ == 0 && last_group_members_ > 1) {
        // Commit delay: nobody is queued yet, but writers were concurrent a moment ago.
        hold(false);
        const auto delay = std::min<Clock::duration>(last_commit_ / 2, kMaxCommitDelay);
        done_cv_.wait_for(lock, delay, [&] { return g->done || g->committing; });
        if (g->done) return g->result;
        if (!held_ && queued_ == 0 && group_ == g) {  // nobody came: commit now
            hold(true);
            return finish_group(lock);
        }
        // Another writer has the connection (or is about to): it commits for both of us.
    } else {
        if (!room || queued_ == 0) return finish_group(lock);
        // A queued writer takes the connection; the last of the group commits for everyone.
        hold(false);
        gate_cv_.notify_one();
    }
    if (!done_cv_.wait_for(lock, kWait, [&] { return g->done || g->committing; })) {
        g->poisoned = true;
        return make_error(ErrorCode::storage_failure,
                          "commit: the group's COMMIT did not come in time; nothing was written");
    }
    done_cv_.wait(lock, [&] { return g->done; });  // the COMMIT itself is bounded by the disk
    return g->result;
}

Status GroupCommit::run(const std::function<bool(Connection&)>& work) {
    Job job;
    job.work = &work;
    std::unique_lock lock(mu_);
    jobs_.push_back(&job);
    const Clock::time_point deadline = Clock::now() + kWait;
    while (!job.done) {
        if (job.started) {  // a leader runs it; its own waits are bounded
            job_cv_.wait(lock, [&] { return job.done; });
            break;
        }
        if (!held_) {
            hold(true);
            lead(lock);
            continue;
        }
        if (job_cv_.wait_until(lock, deadline) == std::cv_status::timeout && !job.started &&
            held_) {
            jobs_.erase(std::find(jobs_.begin(), jobs_.end(), &job));
            return make_error(ErrorCode::storage_failure,
                              "begin: the database is busy (another writer held it too long)");
        }
    }
    lock.unlock();
    if (job.thrown) std::rethrow_exception(job.thrown);
    return job.result;
}

void GroupCommit::lead(std::unique_lock<std::mutex>& lock) {
    std::vector<Job*> kept;  // released into the outer transaction, awaiting its COMMIT
    auto finish = [&](Job* j, const Status& st) {
        j->result = st;
        j->done = true;
    };
    const Clock::time_point started = Clock::now();
    lock.unlock();
    Status ready = open_outer(lock);
    lock.lock();
    if (!ready.ok()) {  // every queued job would fail the same way
        for (Job* j : jobs_) {
            j->started = true;
            finish(j, ready);
        }
        jobs_.clear();
        (void)leave(lock);
        job_cv_.notify_all();
        return;
    }
    for (;;) {
        const int members = (group_ ? group_->members : 0) + static_cast<int>(kept.size());
        if (jobs_.empty() || !group_has_room(members, group_ ? group_->opened : started,
                                             group_ && group_->poisoned))
            break;
        Job* j = jobs_.front();
        jobs_.pop_front();
        j->started = true;
        lock.unlock();

        bool keep = false;
        bool broken = false;  // its savepoint could not be undone on its own
        Status st = exec("savepoint", "SAVEPOINT w");
        if (st.ok()) {
            try {
                keep = (*j->work)(*conn_);
            } catch (...) {
                j->thrown = std::current_exception();
                keep = false;
            }
            if (keep) st = exec("commit", "RELEASE w");
            if (!keep || !st.ok()) {  // undo this job only
                if (Status undone = undo_savepoint(); !undone.ok()) {
                    broken = true;
                    st = std::move(undone);
                }
                keep = false;
            }
        }
        const bool lost = sqlite3_get_autocommit(conn_->db()) != 0;  // SQLite rolled it back
        lock.lock();
        if (broken || lost) {
            // Nothing released into the outer transaction can be committed any more.
            const Error why = abandon_outer(lock, st);
            finish(j, why);
            for (Job* k : kept) finish(k, why);
            if (!sqlite3_get_autocommit(conn_->db())) conn_.reset();  // stuck: reopen next time
            (void)leave(lock);
            job_cv_.notify_all();
            return;
        }
        if (keep) {
            kept.push_back(j);
        } else {
            finish(j, st);  // undone as asked (ok), or the error that undid it
        }
    }
    if (kept.empty()) {
        (void)leave(lock);
    } else {
        const Status committed = join_group(lock, static_cast<int>(kept.size()));
        for (Job* k : kept) finish(k, committed);
    }
    job_cv_.notify_all();
}

void GroupCommit::rollback() {
    const Status s = undo_savepoint();
    std::unique_lock lock(mu_);
    if (!s.ok() || sqlite3_get_autocommit(conn_->db())) {
        // The savepoint could not be undone on its own (or SQLite already rolled back the outer
        // transaction): the group's transaction cannot be trusted; end it without committing.
        (void)abandon_outer(lock, s);
    }
    (void)leave(lock);
}

Status GroupCommit::undo_savepoint() {
    KAKUIN_TRY_STATUS(exec("rollback", "ROLLBACK TO w"));
    return exec("rollback", "RELEASE w");
}

Error GroupCommit::abandon_outer(std::unique_lock<std::mutex>& lock, const Status& why) {
    if (!sqlite3_get_autocommit(conn_->db())) (void)exec("rollback", "ROLLBACK");
    Error e = make_error(ErrorCode::storage_failure,
                         "commit: the group's transaction was rolled back (" +
                             (why.ok() ? std::string("by SQLite") : why.error().detail) + ")");
    outer_lost(lock, e);
    return e;
}

Status GroupCommit::leave(std::unique_lock<std::mutex>& lock) {
    if (queued_ > 0) {  // the next writer continues the outer transaction
        hold(false);
        gate_cv_.notify_one();
        return {};
    }
    if (group_) return finish_group(lock);
    // Nobody waits and nothing was released: end the empty outer transaction, which holds
    // SQLite's write lock against other processes and pins an old WAL snapshot.
    lock.unlock();
    if (outer_open_) {
        (void)exec("rollback", "ROLLBACK");
        outer_open_ = false;
        if (!sqlite3_get_autocommit(conn_->db())) conn_.reset();  // stuck: reopen next time
    }
    lock.lock();
    hold(false);
    gate_cv_.notify_one();
    return {};
}

Status GroupCommit::finish_group(std::unique_lock<std::mutex>& lock) {
    std::shared_ptr<Group> g = std::move(group_);
    group_.reset();
    g->committing = true;
    const bool poisoned = g->poisoned;
    lock.unlock();

    Status st;
    const Clock::time_point started = Clock::now();
    if (poisoned) {
        st = make_error(ErrorCode::storage_failure,
                        "commit: another member of the group gave up waiting; nothing was written");
    } else {
        st = exec("commit", "COMMIT");
    }
    const Clock::duration took = Clock::now() - started;
    if (!sqlite3_get_autocommit(conn_->db())) (void)exec("rollback", "ROLLBACK");
    outer_open_ = false;
    if (!sqlite3_get_autocommit(conn_->db())) conn_.reset();  // stuck: reopen next time

    lock.lock();
    if (st.ok()) {
        ++commits_;
        last_commit_ = took;
    }
    stats_.commit_time += took;
    ++stats_.groups;
    stats_.members += static_cast<std::uint64_t>(g->members);
    last_group_members_ = g->members;
    g->result = st;
    g->done = true;
    done_cv_.notify_all();
    hold(false);
    gate_cv_.notify_one();
    return st;
}

void GroupCommit::outer_lost(std::unique_lock<std::mutex>& lock, const Error& why) {
    (void)lock;
    outer_open_ = false;
    if (!group_) return;
    std::shared_ptr<Group> g = std::move(group_);
    group_.reset();
    g->result = why;
    g->done = true;
    done_cv_.notify_all();
}

}  // namespace kakuin::store::sqlite
