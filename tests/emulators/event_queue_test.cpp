// The hand-over of events from the I/O threads to the log writer: nothing lost, nothing reordered, producers held
// back (not dropped) by a full queue, flushes that wait for the writer, a writer woken early by a pile-up.
#include "emulators/event_queue.hpp"

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace sclab::emulators {
namespace {

using namespace std::chrono_literals;

telemetry::event numbered(std::uint64_t n) {
    telemetry::event e;
    e.kind = telemetry::event_kind::http_request;
    e.record_id = std::to_string(n);
    return e;
}

TEST(EventQueue, EveryEventFromEveryProducerArrivesOnceInEachProducersOrder) {
    event_queue queue(64, 16);  // small: producers keep running into a full queue
    constexpr int producers = 4, per_producer = 20'000;
    std::vector<std::thread> threads;
    for (int p = 0; p < producers; ++p)
        threads.emplace_back([&, p] {
            for (int i = 0; i < per_producer; ++i) ASSERT_TRUE(queue.push(numbered(p * 1'000'000 + i)));
        });
    std::vector<int> next(producers, 0);
    std::vector<telemetry::event> batch;
    int received = 0;
    while (received < producers * per_producer) {
        const std::size_t n = queue.take(batch, 50ms);
        for (const auto& e : batch) {
            const int id = std::stoi(e.record_id);
            ASSERT_EQ(id % 1'000'000, next[id / 1'000'000]++) << "producer " << id / 1'000'000;
        }
        received += static_cast<int>(n);
        queue.written(n);
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(queue.take(batch, 1ms), 0u);
    for (int p = 0; p < producers; ++p) EXPECT_EQ(next[p], per_producer);
}

TEST(EventQueue, AFullQueueHoldsTheProducerBackUntilTheWriterTakes) {
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
    std::vector<telemetry::event> batch;
    EXPECT_EQ(queue.take(batch, 1ms), 2u);
    producer.join();
    EXPECT_TRUE(third_queued.load());
    ASSERT_EQ(queue.take(batch, 1ms), 1u);
    EXPECT_EQ(batch[0].record_id, "3");
}

TEST(EventQueue, ASleepingWriterIsWokenByAPileUpNotByEachEvent) {
    event_queue queue(1000, 10);
    std::vector<telemetry::event> batch;
    std::thread producer([&] {
        std::this_thread::sleep_for(50ms);
        for (int i = 0; i < 9; ++i) queue.push(numbered(i));  // below the wake batch: the writer sleeps on
        std::this_thread::sleep_for(300ms);
        queue.push(numbered(9));  // the tenth wakes it
    });
    const auto start = std::chrono::steady_clock::now();
    const std::size_t n = queue.take(batch, 10s);
    const auto slept = std::chrono::steady_clock::now() - start;
    producer.join();
    EXPECT_EQ(n, 10u);
    EXPECT_GE(slept, 300ms);
    EXPECT_LT(slept, 5s);
}

TEST(EventQueue, AWriterThatSleepsTakesWhatIsThereWhenItsWaitEnds) {
    event_queue queue(1000, 100);
    queue.push(numbered(1));
    std::vector<telemetry::event> batch;
    EXPECT_EQ(queue.take(batch, 10s), 1u);  // events already queued: taken at once, however few
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(queue.take(batch, 100ms), 0u);
    EXPECT_GE(std::chrono::steady_clock::now() - start, 100ms);
}

TEST(EventQueue, WaitUntilWrittenWakesTheWriterAndWaitsForItsReport) {
    event_queue queue(1000, 1000);
    std::atomic<bool> written{false};
    std::thread writer([&] {
        std::vector<telemetry::event> batch;
        std::size_t n = 0;
        while ((n = queue.take(batch, 10s)) == 0) {
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

TEST(EventQueue, AfterCloseNothingIsQueuedAndWhatWasQueuedIsStillTaken) {
    event_queue queue(10, 10);
    queue.push(numbered(1));
    queue.close();
    EXPECT_TRUE(queue.closed());
    EXPECT_FALSE(queue.push(numbered(2)));
    std::vector<telemetry::event> batch;
    EXPECT_EQ(queue.take(batch, 10s), 1u);  // no sleeping once closed
    EXPECT_EQ(queue.take(batch, 10s), 0u);
}

TEST(EventQueue, CloseReleasesAProducerWaitingForRoom) {
    event_queue queue(1, 1);
    queue.push(numbered(1));
    std::atomic<int> result{-1};
    std::thread producer([&] { result = queue.push(numbered(2)) ? 1 : 0; });
    std::this_thread::sleep_for(50ms);
    queue.close();
    producer.join();
    EXPECT_EQ(result.load(), 0);  // refused (and counted by the caller), not left hanging
}

}  // namespace
}  // namespace sclab::emulators
