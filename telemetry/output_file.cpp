#include "telemetry/output_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "telemetry/input_error.hpp"

namespace sclab::telemetry {

namespace {
std::string errno_text() { return std::strerror(errno); }
}  // namespace

output_file::output_file(std::string path, mode m, std::size_t flush_bytes)
    : path_(std::move(path)), mode_(m), flush_bytes_(flush_bytes) {
    buffer_.reserve(flush_bytes_ + (64u << 10));
    if (path_ == "-") {
        fd_ = 1;
        return;
    }
    // A device or a pipe (/dev/null, a FIFO a SIEM forwarder reads) is written in place: renaming a temporary
    // file over it would replace the device with a regular file.
    struct stat st {};
    if (mode_ == mode::atomic && ::stat(path_.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) mode_ = mode::append_records;
    if (mode_ == mode::atomic) {
        temp_path_ = path_ + ".partial-" + std::to_string(::getpid());
        fd_ = ::open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    } else {
        fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    }
    if (fd_ < 0) throw input_error(mode_ == mode::atomic ? temp_path_ : path_, 0, "cannot create: " + errno_text());
    owns_fd_ = true;
}

output_file::~output_file() {
    if (committed_ || !owns_fd_) return;
    if (mode_ == mode::append_records) {
        // Whole records only ever sit in the buffer, so flushing here cannot cut one.
        try {
            flush();
        } catch (...) {
        }
        ::close(fd_);
    } else {
        ::close(fd_);
        ::unlink(temp_path_.c_str());
    }
}

void output_file::flush() {
    const char* p = buffer_.data();
    std::size_t left = buffer_.size();
    while (left > 0) {
        ssize_t n = ::write(fd_, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw input_error(path_, 0, "write failed: " + errno_text());
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    bytes_written_ += buffer_.size();
    buffer_.clear();
}

void output_file::commit() {
    if (committed_) return;
    flush();
    if (owns_fd_) {
        if (::fsync(fd_) != 0 && errno != EINVAL) throw input_error(path_, 0, "fsync failed: " + errno_text());
        ::close(fd_);
        if (mode_ == mode::atomic && std::rename(temp_path_.c_str(), path_.c_str()) != 0)
            throw input_error(path_, 0, "cannot rename " + temp_path_ + " into place: " + errno_text());
    }
    committed_ = true;
}

}  // namespace sclab::telemetry
