// The read buffer of the streaming readers (line_source, json_record_stream, the Windows event splitter): a
// std::vector<char> that never zero-fills, and the size it starts at. A reader used to start with a zeroed 1 MiB
// buffer; for a small file that was most of the cost of reading it (three quarters of a fuzz run's time, page
// faults on memory no read reached). Bytes past what was read are never looked at.
#pragma once

#include <cstddef>
#include <cstring>
#include <memory>

namespace sclab::telemetry {

// Where a reader's buffer starts; it doubles while one line or record does not fit. Reading a 1 GB file in 64 KiB
// steps is as fast as in 1 MiB steps (`sclab convert` of 1M Squid lines or ECS records: the same within noise).
inline constexpr std::size_t initial_read_buffer_bytes = 64u << 10;

class byte_buffer {
public:
    explicit byte_buffer(std::size_t size) : data_(std::make_unique_for_overwrite<char[]>(size)), size_(size) {}

    char* data() { return data_.get(); }
    const char* data() const { return data_.get(); }
    std::size_t size() const { return size_; }
    char& operator[](std::size_t i) { return data_[i]; }
    char operator[](std::size_t i) const { return data_[i]; }

    // Grows to `size` bytes (never shrinks), keeping the bytes it held.
    void resize(std::size_t size) {
        if (size <= size_) return;
        auto bigger = std::make_unique_for_overwrite<char[]>(size);
        std::memcpy(bigger.get(), data_.get(), size_);
        data_ = std::move(bigger);
        size_ = size;
    }

private:
    std::unique_ptr<char[]> data_;
    std::size_t size_;
};

}  // namespace sclab::telemetry
