#include "telemetry/line_source.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "telemetry/input_error.hpp"

namespace sclab::telemetry {

int open_input(std::string& path, bool& owns) {
    owns = false;
    if (path == "-") {
        path = "<stdin>";
        return 0;
    }
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw input_error(path, 0, std::string("cannot open: ") + std::strerror(errno));
    owns = true;
    return fd;
}

std::size_t read_input(int fd, char* data, std::size_t size, const std::string& path, std::uint64_t line) {
    for (;;) {
        const ssize_t n = ::read(fd, data, size);
        if (n >= 0) return static_cast<std::size_t>(n);
        if (errno != EINTR) throw input_error(path, line, std::string("read failed: ") + std::strerror(errno));
    }
}

line_source::line_source(std::string path, std::size_t max_line_bytes)
    : path_(std::move(path)), buffer_(initial_read_buffer_bytes), max_line_(max_line_bytes) {
    fd_ = open_input(path_, owns_fd_);
}

line_source::~line_source() {
    if (owns_fd_) ::close(fd_);
}

// Moves the unread tail to the front and reads more; grows the buffer when one line fills it.
bool line_source::fill() {
    if (eof_) return false;
    if (begin_ > 0) {
        std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
        end_ -= begin_;
        begin_ = 0;
    }
    if (end_ == buffer_.size()) {
        if (buffer_.size() >= max_line_)
            throw input_error(path_, line_number_ + 1,
                              "line longer than " + std::to_string(max_line_) + " bytes; is this the right format?");
        buffer_.resize(std::min(buffer_.size() * 2, max_line_));
    }
    const std::size_t n = read_input(fd_, buffer_.data() + end_, buffer_.size() - end_, path_, line_number_ + 1);
    end_ += n;
    eof_ = n == 0;
    return n > 0;
}

bool line_source::next(std::string_view& line) {
    std::size_t scanned = begin_;
    for (;;) {
        const char* start = buffer_.data() + begin_;
        const void* nl = std::memchr(buffer_.data() + scanned, '\n', end_ - scanned);
        if (nl != nullptr) {
            std::size_t len = static_cast<const char*>(nl) - start;
            begin_ += len + 1;
            if (len > 0 && start[len - 1] == '\r') --len;
            line = std::string_view(start, len);
            ++line_number_;
            unterminated_ = false;
            return true;
        }
        std::size_t pending = end_ - begin_;
        if (!fill()) {
            if (end_ == begin_) return false;
            line = std::string_view(buffer_.data() + begin_, end_ - begin_);
            begin_ = end_;
            ++line_number_;
            unterminated_ = true;
            return true;
        }
        scanned = begin_ + pending;
    }
}

}  // namespace sclab::telemetry
