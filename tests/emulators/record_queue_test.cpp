// The hand-over of records from the I/O threads to the log writer: nothing lost, nothing reordered, producers held
// back (not dropped) by a full queue, flushes that wait for the writer, a writer woken early by a pile-up, slots
// handed back to the producers with their buffers.
#include "emulators/record_queue.hpp"

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "telemetry/event.hpp"

namespace sclab::emulators {
namespace {

using namespace std::chrono_literals;
using event_queue = record_queue<telemetry::event>;

telemetry::event numbered(std::uint64_t n) {
    telemetry::event e;
    e.kind = telemetry::event_kind::http_request;
    e.record_id = std::to_string(n);
    return e;
}

TEST(RecordQueue, EveryEventFromEveryProducerArrivesOnceInEachProducersOrder) {
    event_queue queue(64, 16);  // small: producers keep running into a full queue
    constexpr int producers = 4, per_producer = 20'000;
    std::vector<std::thread> threads;
    for (int p = 0; p < producers; ++p)
        threads.emplace_back([&, p] {
            for (int i = 0; i < per_producer; ++i) ASSERT_TRUE(queue.push(numbered(p * 1'000'000 + i)));
        });
    std::vector<int> next(producers, 0);
    int received = 0;
    while (received < producers * per_producer) {
        const auto batch = queue.take(50ms);
        const std::size_t n = batch.size();
        for (const auto& e : batch) {
            const int id = std::stoi(e.record_id);
            ASSERT_EQ(id % 1'000'000, next[id / 1'000'000]++) << "producer " << id / 1'000'000;
        }
        received += static_cast<int>(n);
        queue.written(n);
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(queue.take(1ms).size(), 0u);
    for (int p = 0; p < producers; ++p) EXPECT_EQ(next[p], per_producer);
}

TEST(RecordQueue, AFullQueueHoldsTheProducerBackUntilTheWriterTakes) {
    event_queue queue(2, 2);
    ASSERT_TRUE(queue.push(numbered(1)));
    ASSERT_TRUE(queue.push(numbered(2)));
    std::atomic<bool> third_queued{false};
    std::thread producer([&] {
        queue.push(numbered(3));
        third_queued = true;
    });
    std::this_thread::sleep_for(100ms);
    EXPECT_FALSE(third_queued.load());  // waiting for room, not dropped, not over capacity
    EXPECT_EQ(queue.take(1ms).size(), 2u);
    producer.join();
    EXPECT_TRUE(third_queued.load());
    const auto batch = queue.take(1ms);
    ASSERT_EQ(batch.size(), 1u);
    EXPECT_EQ(batch[0].record_id, "3");
}

TEST(RecordQueue, ASleepingWriterIsWokenByAPileUpNotByEachEvent) {
    event_queue queue(1000, 10);
    std::thread producer([&] {
        std::this_thread::sleep_for(50ms);
        for (int i = 0; i < 9; ++i) queue.push(numbered(i));  // below the wake batch: the writer sleeps on
        std::this_thread::sleep_for(300ms);
        queue.push(numbered(9));  // the tenth wakes it
    });
    const auto start = std::chrono::steady_clock::now();
    const std::size_t n = queue.take(10s).size();
    const auto slept = std::chrono::steady_clock::now() - start;
    producer.join();
    EXPECT_EQ(n, 10u);
    EXPECT_GE(slept, 300ms);
    EXPECT_LT(slept, 5s);
}

TEST(RecordQueue, AWriterThatSleepsTakesWhatIsThereWhenItsWaitEnds) {
    event_queue queue(1000, 100);
    queue.push(numbered(1));
    EXPECT_EQ(queue.take(10s).size(), 1u);  // events already queued: taken at once, however few
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(queue.take(100ms).size(), 0u);
    EXPECT_GE(std::chrono::steady_clock::now() - start, 100ms);
}

TEST(RecordQueue, WaitUntilWrittenWakesTheWriterAndWaitsForItsReport) {
    event_queue queue(1000, 1000);
    std::atomic<bool> written{false};
    std::thread writer([&] {
        std::size_t n = 0;
        while ((n = queue.take(10s).size()) == 0) {
        }
        std::this_thread::sleep_for(100ms);  // a slow write
        written = true;
        queue.written(n);
    });
    queue.push(numbered(1));
    const auto start = std::chrono::steady_clock::now();
    queue.wait_until_written();  // far below the wake batch: the flush itself must wake the writer
    EXPECT_TRUE(written.load());
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
    writer.join();
}

TEST(RecordQueue, AfterCloseNothingIsQueuedAndWhatWasQueuedIsStillTaken) {
    event_queue queue(10, 10);
    queue.push(numbered(1));
    queue.close();
    EXPECT_TRUE(queue.closed());
    EXPECT_FALSE(queue.push(numbered(2)));
    EXPECT_EQ(queue.take(10s).size(), 1u);  // no sleeping once closed
    EXPECT_EQ(queue.take(10s).size(), 0u);
}

TEST(RecordQueue, CloseReleasesAProducerWaitingForRoom) {
    event_queue queue(1, 1);
    queue.push(numbered(1));
    std::atomic<int> result{-1};
    std::thread producer([&] { result = queue.push(numbered(2)) ? 1 : 0; });
    std::this_thread::sleep_for(50ms);
    queue.close();
    producer.join();
    EXPECT_EQ(result.load(), 0);  // refused (and counted by the caller), not left hanging
}

// A producer fills the slots of the batch before last: what the writer has finished with, never what it holds.
// Their strings keep their buffers, which is the point of recycling.
TEST(RecordQueue, ProducersRefillTheSlotsOfABatchTheWriterIsDoneWith) {
    record_queue<std::string> queue(8, 8);
    const std::string long_text(200, 'x');  // beyond the small-string buffer
    ASSERT_TRUE(queue.push([&](std::string& slot) { slot = long_text; }));
    auto first = queue.take(1ms);
    ASSERT_EQ(first.size(), 1u);
    const char* first_buffer = first[0].data();
    ASSERT_TRUE(queue.push([&](std::string& slot) {
        EXPECT_TRUE(slot.empty());  // a new slot: the writer still holds the first
        slot = "second";
    }));
    EXPECT_EQ(first[0], long_text);  // untouched while the writer holds it
    ASSERT_EQ(queue.take(1ms).size(), 1u);
    std::string seen;
    const char* refilled_buffer = nullptr;
    ASSERT_TRUE(queue.push([&](std::string& slot) {
        seen = slot;  // the slot the first record was in, handed back by the second take()
        slot.assign(100, 'y');
        refilled_buffer = slot.data();
    }));
    EXPECT_EQ(seen, long_text);
    EXPECT_EQ(refilled_buffer, first_buffer);  // written into the buffer it already had: no allocation
    const auto third = queue.take(1ms);
    ASSERT_EQ(third.size(), 1u);
    EXPECT_EQ(third[0], std::string(100, 'y'));
}

TEST(RecordQueue, AClosedQueueDoesNotCallTheFill) {
    record_queue<std::string> queue(4, 4);
    queue.close();
    bool called = false;
    EXPECT_FALSE(queue.push([&](std::string&) { called = true; }));
    EXPECT_FALSE(called);
}

}  // namespace
}  // namespace sclab::emulators
