// Records on their way from the I/O threads to the thread that formats and writes the logs.
//
// Formatting five log records is most of the work of a request; done on the I/O thread it would delay every
// request queued behind it. push() fills a slot under a short lock and, unless the writer has let `wake_batch`
// records pile up while asleep, makes no system call: a busy server pays no wake-up per record. The writer takes
// everything queued in one swap. The queue is bounded: a producer that finds it full waits for room, so no record
// is ever dropped for lack of space (back-pressure slows the I/O threads instead).
//
// Slots are recycled: the slots of a batch the writer is done with are the ones producers fill next, their
// strings and containers with their buffers still allocated. A record is written into warm memory instead of
// being built and moved (a telemetry::event is ninety strings), and memory is never freed by the writer on behalf
// of a producer (glibc would then take the producer's arena lock, on every free, against its mallocs).
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <span>
#include <utility>
#include <vector>

namespace sclab::emulators {

template <class Record>
class record_queue {
public:
    // `capacity`: records waiting at most; `wake_batch`: how many wake a sleeping writer early (at most capacity).
    record_queue(std::size_t capacity, std::size_t wake_batch)
        : capacity_(std::max<std::size_t>(capacity, 1)), wake_batch_(std::clamp<std::size_t>(wake_batch, 1, capacity_)) {}

    // Queues a record written by `fill(Record& slot)` into a slot, under the queue's lock. The slot holds whatever
    // record it carried last: `fill` must set every field the writer reads. Waits while the queue is full. False
    // (`fill` not called) once close() was called.
    template <class Fill>
    bool push(Fill&& fill) {
        std::unique_lock lock(mutex_);
        while (!closed_ && filled_ >= capacity_) {
            writer_wake_.notify_one();
            room_.wait(lock);
        }
        if (closed_) return false;
        if (filled_ == filling_.size()) filling_.emplace_back();
        fill(filling_[filled_]);
        ++filled_;
        ++pushed_;
        if (writer_asleep_ && filled_ >= wake_batch_) {
            writer_asleep_ = false;  // one wake-up per batch, not one per record
            lock.unlock();
            writer_wake_.notify_one();
        }
        return true;
    }
    bool push(Record&& record) {
        return push([&](Record& slot) { slot = std::move(record); });
    }

    // Takes every queued record, in the order each producer pushed them. When none is queued, sleeps until
    // wake_batch are, a flush is asked for, close() is called, or `wait` has passed. The span is the writer's until
    // its next take(), which hands those slots back to the producers. After close(), an empty take means the queue
    // is drained for good.
    std::span<Record> take(std::chrono::milliseconds wait) {
        std::unique_lock lock(mutex_);
        if (filled_ == 0 && !closed_ && flush_wanted_ <= taken_) {
            writer_asleep_ = true;
            writer_wake_.wait_for(lock, wait, [this] {
                return closed_ || filled_ >= wake_batch_ || flush_wanted_ > taken_;
            });
            writer_asleep_ = false;
        }
        filling_.swap(batch_);
        const std::size_t n = std::exchange(filled_, 0);
        taken_ += n;
        lock.unlock();
        room_.notify_all();
        return std::span<Record>(batch_.data(), n);
    }

    // Called by the writer once it has written what it took: wait_until_written() callers see it.
    void written(std::size_t count) {
        {
            std::lock_guard lock(mutex_);
            written_ += count;
        }
        progress_.notify_all();
    }

    // Wakes the writer and waits until every record pushed before the call has been written.
    void wait_until_written() {
        std::unique_lock lock(mutex_);
        const std::uint64_t target = pushed_;
        if (written_ >= target) return;
        flush_wanted_ = std::max(flush_wanted_, target);
        writer_wake_.notify_one();
        progress_.wait(lock, [&] { return written_ >= target; });
    }

    // From now on push() refuses; the writer still takes what is queued.
    void close() {
        {
            std::lock_guard lock(mutex_);
            closed_ = true;
        }
        writer_wake_.notify_all();
        room_.notify_all();
    }
    bool closed() const {
        std::lock_guard lock(mutex_);
        return closed_;
    }

private:
    const std::size_t capacity_;
    const std::size_t wake_batch_;
    mutable std::mutex mutex_;
    std::condition_variable writer_wake_;  // the writer, asleep in take()
    std::condition_variable room_;         // producers waiting for a full queue to drain
    std::condition_variable progress_;     // wait_until_written() callers
    std::vector<Record> filling_;          // [0, filled_) queued; the rest spare slots, warm
    std::size_t filled_ = 0;
    std::vector<Record> batch_;            // the writer's, read without the lock until its next take()
    std::uint64_t pushed_ = 0;             // records ever queued
    std::uint64_t taken_ = 0;              // records ever taken by the writer
    std::uint64_t written_ = 0;            // records the writer reported written
    std::uint64_t flush_wanted_ = 0;       // pushed_ as of the latest wait_until_written() call
    bool writer_asleep_ = false;
    bool closed_ = false;
};

}  // namespace sclab::emulators
