#include "emulators/event_queue.hpp"

#include <algorithm>

namespace sclab::emulators {

event_queue::event_queue(std::size_t capacity, std::size_t wake_batch)
    : capacity_(std::max<std::size_t>(capacity, 1)), wake_batch_(std::clamp<std::size_t>(wake_batch, 1, capacity_)) {}

bool event_queue::push(telemetry::event&& e) {
    std::unique_lock lock(mutex_);
    while (!closed_ && events_.size() >= capacity_) {
        writer_wake_.notify_one();
        room_.wait(lock);
    }
    if (closed_) return false;
    events_.push_back(std::move(e));
    ++pushed_;
    if (writer_asleep_ && events_.size() >= wake_batch_) {
        writer_asleep_ = false;  // one wake-up per batch, not one per event
        lock.unlock();
        writer_wake_.notify_one();
    }
    return true;
}

std::size_t event_queue::take(std::vector<telemetry::event>& batch, std::chrono::milliseconds wait) {
    batch.clear();  // the previous batch's events end here, on the writer's thread
    std::unique_lock lock(mutex_);
    if (events_.empty() && !closed_ && flush_wanted_ <= taken_) {
        writer_asleep_ = true;
        writer_wake_.wait_for(lock, wait, [this] {
            return closed_ || events_.size() >= wake_batch_ || flush_wanted_ > taken_;
        });
        writer_asleep_ = false;
    }
    batch.swap(events_);
    taken_ += batch.size();
    lock.unlock();
    room_.notify_all();
    return batch.size();
}

void event_queue::written(std::size_t count) {
    {
        std::lock_guard lock(mutex_);
        written_ += count;
    }
    progress_.notify_all();
}

void event_queue::wait_until_written() {
    std::unique_lock lock(mutex_);
    const std::uint64_t target = pushed_;
    if (written_ >= target) return;
    flush_wanted_ = std::max(flush_wanted_, target);
    writer_wake_.notify_one();
    progress_.wait(lock, [&] { return written_ >= target; });
}

void event_queue::close() {
    {
        std::lock_guard lock(mutex_);
        closed_ = true;
    }
    writer_wake_.notify_all();
    room_.notify_all();
}

bool event_queue::closed() const {
    std::lock_guard lock(mutex_);
    return closed_;
}

}  // namespace sclab::emulators
