#include "telemetry/input_error.hpp"

namespace sclab::telemetry {

namespace {
std::string compose(const std::string& file, std::uint64_t line, const std::string& reason) {
    std::string s = file;
    if (line != 0) {
        s.push_back(':');
        s.append(std::to_string(line));
    }
    s.append(": ").append(reason);
    return s;
}
}  // namespace

input_error::input_error(std::string file, std::uint64_t line, std::string reason)
    : std::runtime_error(compose(file, line, reason)), file_(std::move(file)), line_(line), reason_(std::move(reason)) {}

}  // namespace sclab::telemetry
