// Events on their way from the I/O threads to the thread that formats and writes the logs.
//
// Formatting five log records is most of the work of a request; done on the I/O thread it would delay every
// request queued behind it. push() moves the event in under a short lock and, unless the writer has let
// `wake_batch` events pile up while asleep, makes no system call: a busy server pays no wake-up per event. The
// writer takes everything queued in one swap. The queue is bounded: a producer that finds it full waits for
// room, so no record is ever dropped for lack of space (back-pressure slows the I/O threads instead).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

#include "telemetry/event.hpp"

namespace sclab::emulators {

class event_queue {
public:
    // `capacity`: events waiting at most; `wake_batch`: how many wake a sleeping writer early (at most capacity).
    event_queue(std::size_t capacity, std::size_t wake_batch);

    // Queues the event; waits while the queue is full. False (the event not queued) once close() was called.
    bool push(telemetry::event&& e);

    // Swaps every queued event into `batch` (whose old contents are dropped, its storage reused). When none is
    // queued, sleeps until wake_batch are, a flush is asked for, close() is called, or `wait` has passed.
    // Returns the number of events taken; after close(), an empty take means the queue is drained for good.
    std::size_t take(std::vector<telemetry::event>& batch, std::chrono::milliseconds wait);

    // Called by the writer once it has written what it took: wait_until_written() callers see it.
    void written(std::size_t count);

    // Wakes the writer and waits until every event pushed before the call has been written (or the queue is
    // closed and drained).
    void wait_until_written();

    // From now on push() refuses; the writer still takes what is queued.
    void close();
    bool closed() const;

private:
    const std::size_t capacity_;
    const std::size_t wake_batch_;
    mutable std::mutex mutex_;
    std::condition_variable writer_wake_;   // the writer, asleep in take()
    std::condition_variable room_;          // producers waiting for a full queue to drain
    std::condition_variable progress_;      // wait_until_written() callers
    std::vector<telemetry::event> events_;
    std::uint64_t pushed_ = 0;              // events ever queued
    std::uint64_t taken_ = 0;               // events ever taken by the writer
    std::uint64_t written_ = 0;             // events the writer reported written
    std::uint64_t flush_wanted_ = 0;        // pushed_ as of the latest wait_until_written() call
    bool writer_asleep_ = false;
    bool closed_ = false;
};

}  // namespace sclab::emulators
