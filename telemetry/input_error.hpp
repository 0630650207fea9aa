// Errors a user can cause. The CLI turns each into one message and exit code 2.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace sclab::telemetry {

// A problem in a file the user gave us: names the file, the line (0 when not line-based) and the reason.
class input_error : public std::runtime_error {
public:
    input_error(std::string file, std::uint64_t line, std::string reason);
    const std::string& file() const { return file_; }
    std::uint64_t line() const { return line_; }
    const std::string& reason() const { return reason_; }

private:
    std::string file_;
    std::uint64_t line_;
    std::string reason_;
};

// A bad flag or combination of flags.
class usage_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Thrown by a format's record parser for one malformed record; the reader adds file and line.
class record_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace sclab::telemetry
