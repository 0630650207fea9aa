// The header fields' allocator: freed blocks come back for the next field of their size class on the same thread,
// a thread keeps a bounded number, big blocks are never kept, and Beast's fields work on it.
#include "emulators/header_allocator.hpp"

#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "emulators/http_types.hpp"

namespace sclab::emulators {
namespace {

TEST(HeaderAllocator, AFreedBlockIsHandedOutAgainForTheSameSizeClass) {
    header_allocator<char> alloc;
    char* first = alloc.allocate(100);
    const std::size_t cached = header_pool::cached_blocks();
    alloc.deallocate(first, 100);
    if (!header_pool::pooling()) {  // sanitizer build: every block goes back to the heap
        EXPECT_EQ(header_pool::cached_blocks(), cached);
        return;
    }
    EXPECT_EQ(header_pool::cached_blocks(), cached + 1);
    char* again = alloc.allocate(120);  // 100 and 120 bytes share the 65-128 byte class
    EXPECT_EQ(again, first);
    EXPECT_EQ(header_pool::cached_blocks(), cached);
    alloc.deallocate(again, 120);
}

TEST(HeaderAllocator, BlocksLargerThanTheLargestClassAreNeverKept) {
    header_allocator<char> alloc;
    const std::size_t cached = header_pool::cached_blocks();
    char* big = alloc.allocate(header_pool::largest_pooled + 1);
    alloc.deallocate(big, header_pool::largest_pooled + 1);
    EXPECT_EQ(header_pool::cached_blocks(), cached);
}

TEST(HeaderAllocator, AThreadKeepsABoundedNumberOfFreeBlocksPerClass) {
    std::size_t kept = 0;
    std::thread([&] {  // a fresh thread: its lists start empty
        header_allocator<char> alloc;
        std::vector<char*> blocks;
        for (std::size_t i = 0; i < header_pool::kept_per_size_class + 50; ++i) blocks.push_back(alloc.allocate(64));
        for (char* b : blocks) alloc.deallocate(b, 64);
        kept = header_pool::cached_blocks();
    }).join();  // its exit returns the blocks it kept (LeakSanitizer would report them otherwise)
    EXPECT_EQ(kept, header_pool::pooling() ? header_pool::kept_per_size_class : 0);
}

TEST(HeaderAllocator, ABlockFreedOnAnotherThreadJoinsThatThreadsList) {
    header_allocator<char> alloc;
    char* block = alloc.allocate(200);
    std::size_t kept = 0;
    std::thread([&] {
        alloc.deallocate(block, 200);
        kept = header_pool::cached_blocks();
    }).join();
    EXPECT_EQ(kept, header_pool::pooling() ? 1u : 0u);
}

TEST(HeaderAllocator, BeastFieldsOnItHoldTheirValuesAcrossMovesAndReuse) {
    response first;
    for (int i = 0; i < 40; ++i) first.insert("x-field-" + std::to_string(i), std::string(static_cast<std::size_t>(i) * 20, 'v'));
    response moved = std::move(first);
    response recycled;
    recycled.set(http::field::server, "old");
    recycled = std::move(moved);  // frees the old field into the pool, takes the 40
    recycled.set(http::field::server, "cloudflare");  // may reuse the freed block
    int seen = 0;
    for (const auto& f : recycled) {
        if (f.name() == http::field::server) continue;
        EXPECT_EQ(f.value(), std::string(static_cast<std::size_t>(seen) * 20, 'v')) << f.name_string();
        ++seen;
    }
    EXPECT_EQ(seen, 40);
    EXPECT_EQ(recycled[http::field::server], "cloudflare");
}

}  // namespace
}  // namespace sclab::emulators
