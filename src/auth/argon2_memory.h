// Memory for Argon2id hashes. Each PIN check fills and reads its whole cost (19 MiB at the
// default) in a data-dependent order, so with 4 KiB pages most of its time goes to TLB misses.
// These buffers are anonymous mappings aligned to 2 MiB and advised MADV_HUGEPAGE (the kernel
// backs them with huge pages when transparent huge pages are "always" or "madvise"), kept
// between hashes instead of going back to malloc, whose arenas a busy server fragments, and
// excluded from core dumps. libargon2 wipes a hash's memory before handing it back (its
// free_memory clears it first), so a kept buffer holds nothing of a PIN.
//
// libargon2's allocation callbacks carry no user pointer: the pool is the process's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

namespace kakuin::auth {

class Argon2MemoryPool {
public:
    // Keeps at most `max_idle` returned buffers; the rest are unmapped.
    explicit Argon2MemoryPool(std::size_t max_idle);
    ~Argon2MemoryPool();
    Argon2MemoryPool(const Argon2MemoryPool&) = delete;
    Argon2MemoryPool& operator=(const Argon2MemoryPool&) = delete;

    // A buffer of at least `bytes` (the smallest idle one that fits, else a new mapping), or
    // nullptr when the system has no memory for it.
    std::uint8_t* take(std::size_t bytes);
    // Returns a buffer from take(); `bytes` is the size that was asked for.
    void give_back(std::uint8_t* buffer, std::size_t bytes);

    void set_max_idle(std::size_t max_idle);
    std::size_t idle() const;    // buffers kept, ready for the next hash
    std::size_t in_use() const;  // buffers handed out and not yet returned

private:
    struct Buffer {
        std::uint8_t* data;  // 2 MiB aligned
        std::size_t capacity;
    };
    // Drops the smallest idle buffers beyond max_idle_ (after a cost change the old size is
    // not wanted any more) into `drop`, unmapped by the caller outside the lock.
    void trim_locked(std::vector<Buffer>& drop);

    mutable std::mutex mutex_;
    std::size_t max_idle_;
    std::vector<Buffer> idle_;
    std::vector<Buffer> lent_;
};

// The pool libargon2's callbacks use; keeps one buffer per Argon2 gate permit (set by
// `kakuin serve` with the gate's limit).
Argon2MemoryPool& argon2_memory_pool();

// libargon2's allocate_cbk / free_cbk over argon2_memory_pool().
int argon2_memory_allocate(std::uint8_t** memory, std::size_t bytes);
void argon2_memory_free(std::uint8_t* memory, std::size_t bytes);

}  // namespace kakuin::auth
