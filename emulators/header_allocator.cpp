#include "emulators/header_allocator.hpp"

#include <array>
#include <cstdint>

namespace sclab::emulators::header_pool {

namespace {

// Gives a block back with its size where the compiler has sized deallocation (GCC by default; clang, which builds
// the fuzz targets, only with -fsized-deallocation), plainly otherwise.
void release(void* block, [[maybe_unused]] std::size_t bytes) {
#if defined(__cpp_sized_deallocation)
    ::operator delete(block, bytes);
#else
    ::operator delete(block);
#endif
}

constexpr std::size_t class_step = 64;  // block sizes 64, 128, ... largest_pooled: at most ~590 KB kept per thread
constexpr std::size_t class_count = largest_pooled / class_step;

struct free_block {
    free_block* next;
};

// The calling thread's free lists. Its destructor (at thread exit) returns every block to the heap.
struct thread_cache {
    std::array<free_block*, class_count> head{};
    std::array<std::uint32_t, class_count> count{};
    ~thread_cache();
};

// Trivially destructible, so still readable while (and after) thread_cache's destructor runs: a header freed by a
// thread_local destroyed later on the same thread goes straight to operator delete.
thread_local bool cache_gone = false;
thread_local thread_cache cache;

thread_cache::~thread_cache() {
    cache_gone = true;
    for (std::size_t c = 0; c < class_count; ++c) {
        while (free_block* b = head[c]) {
            head[c] = b->next;
            release(b, (c + 1) * class_step);
        }
    }
}

constexpr std::size_t class_of(std::size_t bytes) { return bytes == 0 ? 0 : (bytes - 1) / class_step; }

// ASan and friends see every block's life only when each block is its own allocation.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool pooled = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
constexpr bool pooled = false;
#else
constexpr bool pooled = true;
#endif
#else
constexpr bool pooled = true;
#endif

}  // namespace

void* allocate(std::size_t bytes) {
    const std::size_t c = class_of(bytes);
    if (!pooled || c >= class_count) return ::operator new(bytes);
    if (cache_gone) return ::operator new((c + 1) * class_step);
    thread_cache& local = cache;
    if (free_block* b = local.head[c]) {
        local.head[c] = b->next;
        --local.count[c];
        return b;
    }
    return ::operator new((c + 1) * class_step);
}

void deallocate(void* block, std::size_t bytes) noexcept {
    const std::size_t c = class_of(bytes);
    if (!pooled || c >= class_count) return release(block, bytes);
    if (cache_gone) return release(block, (c + 1) * class_step);
    thread_cache& local = cache;
    if (local.count[c] >= kept_per_size_class) return release(block, (c + 1) * class_step);
    auto* b = static_cast<free_block*>(block);
    b->next = local.head[c];
    local.head[c] = b;
    ++local.count[c];
}

bool pooling() noexcept { return pooled; }

std::size_t cached_blocks() noexcept {
    if (cache_gone) return 0;
    std::size_t n = 0;
    for (std::uint32_t k : cache.count) n += k;
    return n;
}

}  // namespace sclab::emulators::header_pool
