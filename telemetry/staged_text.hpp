// Text gathered in a small buffer and moved into a std::string a few hundred bytes at a time.
//
// A log record is dozens of short pieces (keys, separators, a port, a method). Appended one by one, each is a call
// into the library with its own capacity check and a call to memcpy: what the emulator's log writer spent most of
// its time on. Here a piece is a bounds check and a few moves; a piece longer than the buffer is worth goes to the
// string directly, after what was staged.
//
// The string lags behind until flush(), flushed() or the destructor: code that appends to the string itself
// must go through flushed().
#pragma once

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "telemetry/byte_scan.hpp"

namespace sclab::telemetry {

class staged_text {
public:
    static constexpr std::size_t capacity = 512;
    // Pieces longer than this go straight to the string: copying them twice gains nothing.
    static constexpr std::size_t staged_piece_max = capacity / 2;
    static constexpr std::size_t max_digits = 20;  // a uint64, an int64 with its sign

    explicit staged_text(std::string& out) : out_(out) {}
    ~staged_text() { flush(); }
    staged_text(const staged_text&) = delete;
    staged_text& operator=(const staged_text&) = delete;

    // Where the next `size` bytes (at most capacity) go; then advance_to(the end of what was written).
    char* room(std::size_t size) {
        if (capacity - staged_ < size) flush();
        return stage_ + staged_;
    }
    void advance_to(const char* end) { staged_ = static_cast<std::size_t>(end - stage_); }

    void put(char c) {
        *room(1) = c;
        ++staged_;
    }
    void put(std::string_view text) {
        if (text.size() > staged_piece_max) {
            flush();
            out_.append(text);
            return;
        }
        char* p = room(text.size());
        copy_short(p, text.data(), text.size());
        staged_ += text.size();
    }
    template <class Integer>
    void put_number(Integer value) {
        char* p = room(max_digits);
        advance_to(std::to_chars(p, p + max_digits, value).ptr);
    }

    // Moves everything staged into the string.
    void flush() {
        if (staged_ != 0) out_.append(stage_, staged_);
        staged_ = 0;
    }
    // The string, holding everything written so far: for code that appends to it directly.
    std::string& flushed() {
        flush();
        return out_;
    }

private:
    std::string& out_;
    std::size_t staged_ = 0;
    char stage_[capacity];
};

}  // namespace sclab::telemetry
