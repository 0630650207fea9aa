// Streams JSON records out of a file with memory bounded by the largest record, not the file: an
// incremental scanner finds each record's bytes (tracking strings, escapes and nesting across buffer
// refills) and only that record is parsed. Used by the cloud audit formats, whose files come as
//   - a wrapper object holding the records in an array (CloudTrail's {"Records":[...]}),
//   - a top-level array of records (gcloud logging read --format=json, Logpush batch options),
//   - one record per line, or records pretty-printed one after another (SIEM exports, jq).
// A file that ends inside a record or an array (a cut write) is reported, never taken as complete.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "telemetry/byte_buffer.hpp"
#include "telemetry/format.hpp"
#include "telemetry/json_text.hpp"

namespace sclab::telemetry {

struct json_stream_options {
    // The key of a wrapper object that holds the records in an array ("Records" for CloudTrail); it must
    // be the wrapper's first member. Empty: no wrapper is recognised.
    std::string_view wrapper_key;
    std::size_t buffer_bytes = initial_read_buffer_bytes;  // grows to hold one record
    std::size_t max_record_bytes = 64u << 20;  // a longer record is an input_error (wrong format?)
    // Deeper records are rejected: nlohmann's dump() recurses, so unbounded nesting could exhaust the stack.
    int max_depth = 256;
};

class json_record_stream {
public:
    // path "-" reads standard input. Throws input_error when the file cannot be opened.
    json_record_stream(std::string path, const json_stream_options& options, problem_log& problems);
    ~json_record_stream();
    json_record_stream(const json_record_stream&) = delete;
    json_record_stream& operator=(const json_record_stream&) = delete;

    // The next record's JSON text (valid until the next call) and the line it starts on. Problems between
    // records (garbage, a cut file) go to the problem_log; false at end of input.
    bool next(std::string_view& record, std::uint64_t& line);
    // Where the last record sits in its array, e.g. "Records[3]: ", or "" for a record on its own.
    const std::string& label() const { return label_; }
    const std::string& name() const { return path_; }

private:
    enum class state { top, array_value, array_separator, wrapper_end, done };
    enum class scan_end { complete, truncated, broken_string, broken_line, too_deep };
    enum class wrapper { no, yes, malformed };

    bool fill(std::size_t& index);
    int peek();
    void advance_to(std::size_t index);
    bool skip_space();
    void skip_line();
    wrapper opens_wrapper(std::size_t& after_bracket);
    bool peek_bytes(std::size_t& index, std::string_view bytes);
    void enter_array(bool is_wrapper);
    std::string array_name() const;
    scan_end scan_record(std::size_t& end);
    bool rest_of_line_is_blank();
    void set_label();
    void report(std::uint64_t line, std::string reason);

    std::string path_;
    json_stream_options options_;
    problem_log& problems_;
    int fd_ = -1;
    bool owns_fd_ = false;
    bool eof_ = false;
    byte_buffer buffer_;
    std::size_t anchor_ = 0;  // bytes before this may be dropped on the next refill
    std::size_t pos_ = 0, end_ = 0;
    std::uint64_t line_ = 1;  // the line of buffer_[pos_]
    state state_ = state::top;
    bool in_wrapper_ = false;      // the current array is the wrapper's, not a top-level array
    bool comma_allowed_ = false;   // after skipping a bad line inside an array, a leading ',' is fine
    std::uint64_t index_ = 0;      // position of the next value in the current array
    std::string label_;
};

}  // namespace sclab::telemetry
