#include "auth/argon2_memory.h"

#include <argon2.h>
#include <sys/mman.h>

#include <algorithm>
#include <cstdint>
#include <thread>

namespace kakuin::auth {
namespace {

constexpr std::size_t kHugePage = std::size_t{2} << 20;

// Maps `capacity` bytes (a multiple of 2 MiB) starting on a 2 MiB boundary: maps 2 MiB more
// and unmaps what lies before and after the aligned part.
std::uint8_t* map_aligned(std::size_t capacity) {
    const std::size_t mapped = capacity + kHugePage;
    void* p = mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return nullptr;
    auto* base = static_cast<std::uint8_t*>(p);
    const std::size_t misalign = reinterpret_cast<std::uintptr_t>(base) % kHugePage;
    const std::size_t lead = misalign == 0 ? 0 : kHugePage - misalign;
    const std::size_t tail = mapped - lead - capacity;
    if (lead > 0) munmap(base, lead);
    if (tail > 0) munmap(base + lead + capacity, tail);
    std::uint8_t* data = base + lead;
    // Advice only: without transparent huge pages the buffer still works, with 4 KiB pages.
    madvise(data, capacity, MADV_HUGEPAGE);
    madvise(data, capacity, MADV_DONTDUMP);
    return data;
}

}  // namespace

Argon2MemoryPool::Argon2MemoryPool(std::size_t max_idle) : max_idle_(max_idle) {}

Argon2MemoryPool::~Argon2MemoryPool() {
    for (const auto& b : idle_) munmap(b.data, b.capacity);
    for (const auto& b : lent_) munmap(b.data, b.capacity);
}

std::uint8_t* Argon2MemoryPool::take(std::size_t bytes) {
    if (bytes > SIZE_MAX / 2) return nullptr;
    {
        std::lock_guard lock(mutex_);
        auto best = idle_.end();
        for (auto it = idle_.begin(); it != idle_.end(); ++it)
            if (it->capacity >= bytes && (best == idle_.end() || it->capacity < best->capacity))
                best = it;
        if (best != idle_.end()) {
            lent_.push_back(*best);
            idle_.erase(best);
            return lent_.back().data;
        }
    }
    const std::size_t capacity =
        std::max<std::size_t>(1, (bytes + kHugePage - 1) / kHugePage) * kHugePage;
    std::uint8_t* data = map_aligned(capacity);
    if (data == nullptr) return nullptr;
    std::lock_guard lock(mutex_);
    lent_.push_back({data, capacity});
    return data;
}

void Argon2MemoryPool::give_back(std::uint8_t* buffer, std::size_t /*bytes*/) {
    std::vector<Buffer> drop;
    {
        std::lock_guard lock(mutex_);
        const auto it = std::find_if(lent_.begin(), lent_.end(),
                                     [&](const Buffer& b) { return b.data == buffer; });
        if (it == lent_.end()) return;  // not from this pool
        idle_.push_back(*it);
        lent_.erase(it);
        trim_locked(drop);
    }
    for (const auto& b : drop) munmap(b.data, b.capacity);
}

void Argon2MemoryPool::trim_locked(std::vector<Buffer>& drop) {
    std::sort(idle_.begin(), idle_.end(),
              [](const Buffer& a, const Buffer& b) { return a.capacity > b.capacity; });
    while (idle_.size() > max_idle_) {
        drop.push_back(idle_.back());
        idle_.pop_back();
    }
}

void Argon2MemoryPool::set_max_idle(std::size_t max_idle) {
    std::vector<Buffer> drop;
    {
        std::lock_guard lock(mutex_);
        max_idle_ = max_idle;
        trim_locked(drop);
    }
    for (const auto& b : drop) munmap(b.data, b.capacity);
}

std::size_t Argon2MemoryPool::idle() const {
    std::lock_guard lock(mutex_);
    return idle_.size();
}

std::size_t Argon2MemoryPool::in_use() const {
    std::lock_guard lock(mutex_);
    return lent_.size();
}

Argon2MemoryPool& argon2_memory_pool() {
    static Argon2MemoryPool pool(std::max(1u, std::thread::hardware_concurrency()));
    return pool;
}

int argon2_memory_allocate(std::uint8_t** memory, std::size_t bytes) {
    *memory = argon2_memory_pool().take(bytes);
    return *memory != nullptr ? ARGON2_OK : ARGON2_MEMORY_ALLOCATION_ERROR;
}

void argon2_memory_free(std::uint8_t* memory, std::size_t bytes) {
    argon2_memory_pool().give_back(memory, bytes);
}

}  // namespace kakuin::auth
