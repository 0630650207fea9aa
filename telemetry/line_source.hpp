// Streams the lines of a file (or standard input) with memory bounded by the longest line, not the file.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "telemetry/byte_buffer.hpp"

namespace sclab::telemetry {

// Opens `path` for reading; "-" is standard input (and `path` becomes "<stdin>" for messages).
// Sets `owns` when the caller must close the descriptor. Throws input_error naming the file.
int open_input(std::string& path, bool& owns);

// Reads what is available from `fd` into [data, data + size), retrying on EINTR: the bytes read, 0 at end of
// input. Throws input_error naming `path` and `line` (where the reader was) when the read fails.
std::size_t read_input(int fd, char* data, std::size_t size, const std::string& path, std::uint64_t line);

class line_source {
public:
    // path "-" reads standard input. Throws input_error when the file cannot be opened.
    explicit line_source(std::string path, std::size_t max_line_bytes = 64u << 20);
    ~line_source();
    line_source(const line_source&) = delete;
    line_source& operator=(const line_source&) = delete;

    // The next line without its "\n" (a "\r\n" loses its "\r" too). The view lives until the next call.
    // Returns false at end of input. Throws input_error on a read failure or an over-long line.
    bool next(std::string_view& line);

    // 1-based number of the line `next` last returned.
    std::uint64_t line_number() const { return line_number_; }
    // True when the line `next` last returned ended at end of file with no "\n": a truncated write.
    bool last_line_unterminated() const { return unterminated_; }
    const std::string& name() const { return path_; }

private:
    bool fill();

    std::string path_;
    int fd_ = -1;
    bool owns_fd_ = false;
    bool eof_ = false;
    byte_buffer buffer_;
    std::size_t begin_ = 0, end_ = 0;
    std::size_t max_line_;
    std::uint64_t line_number_ = 0;
    bool unterminated_ = false;
};

}  // namespace sclab::telemetry
