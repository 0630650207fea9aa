// The allocator of the HTTP header fields the emulators parse and answer with.
//
// Beast allocates every header field on its own (basic_fields: one block per name and value), so a platform's
// response of a dozen headers is a dozen allocations and, once its access record is written, a dozen frees; a
// request adds a few more. glibc's per-thread cache keeps only 7 free blocks of a size, so most of these went
// through malloc's slow path and back. header_allocator keeps freed blocks on a free list per thread and per size
// class (64-byte steps up to 512 bytes; larger fields go to operator new), up to a bound per class. A block
// freed on another thread than the one that allocated it joins that thread's list: blocks are plain heap memory.
#pragma once

#include <cstddef>
#include <new>
#include <type_traits>

namespace sclab::emulators {

namespace header_pool {
inline constexpr std::size_t largest_pooled = 512;       // bytes; larger blocks come from operator new each time
inline constexpr std::size_t kept_per_size_class = 256;  // free blocks a thread keeps of each size class

void* allocate(std::size_t bytes);
void deallocate(void* block, std::size_t bytes) noexcept;
// False in sanitizer builds, where every block is its own allocation so the sanitizer sees each one's life.
bool pooling() noexcept;
// Free blocks the calling thread keeps.
std::size_t cached_blocks() noexcept;
}  // namespace header_pool

template <class T>
struct header_allocator {
    static_assert(alignof(T) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__, "header_pool hands out operator new's alignment");
    using value_type = T;
    // Stateless: any instance frees what another allocated, so containers move their blocks, never copy them.
    using is_always_equal = std::true_type;
    using propagate_on_container_move_assignment = std::true_type;

    header_allocator() noexcept = default;
    template <class U>
    header_allocator(const header_allocator<U>&) noexcept {}

    T* allocate(std::size_t n) {
        if (n > static_cast<std::size_t>(-1) / sizeof(T)) throw std::bad_array_new_length();
        return static_cast<T*>(header_pool::allocate(n * sizeof(T)));
    }
    void deallocate(T* p, std::size_t n) noexcept { header_pool::deallocate(p, n * sizeof(T)); }

    template <class U>
    bool operator==(const header_allocator<U>&) const noexcept {
        return true;
    }
};

}  // namespace sclab::emulators
