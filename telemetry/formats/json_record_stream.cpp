#include "telemetry/formats/json_record_stream.hpp"
#include "telemetry/line_source.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace sclab::telemetry {

namespace {

bool is_space(int c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string describe(int c) {
    if (c < 0) return "end of file";
    if (c >= 0x21 && c < 0x7f) return std::string("'") + static_cast<char>(c) + "'";
    return "byte " + std::to_string(c);
}

}  // namespace

json_record_stream::json_record_stream(std::string path, const json_stream_options& options, problem_log& problems)
    : path_(std::move(path)), options_(options), problems_(problems),
      buffer_(std::max<std::size_t>(options.buffer_bytes, 1)) {
    fd_ = open_input(path_, owns_fd_);
}

json_record_stream::~json_record_stream() {
    if (owns_fd_) ::close(fd_);
}

void json_record_stream::report(std::uint64_t line, std::string reason) {
    problems_.report(path_, line, std::move(reason));
}

// Drops the bytes before anchor_, reads more, and shifts `index` (a position the caller holds) to match.
// The buffer grows only when one record fills it.
bool json_record_stream::fill(std::size_t& index) {
    if (eof_) return false;
    if (anchor_ > 0) {
        std::memmove(buffer_.data(), buffer_.data() + anchor_, end_ - anchor_);
        pos_ -= anchor_;
        end_ -= anchor_;
        index -= anchor_;
        anchor_ = 0;
    }
    if (end_ == buffer_.size()) {
        if (buffer_.size() >= options_.max_record_bytes)
            throw input_error(path_, line_, "a record longer than " + std::to_string(options_.max_record_bytes) +
                                                " bytes: is this the right format?");
        buffer_.resize(std::min(buffer_.size() * 2, options_.max_record_bytes));
    }
    const std::size_t n = read_input(fd_, buffer_.data() + end_, buffer_.size() - end_, path_, line_);
    end_ += n;
    eof_ = n == 0;
    return n > 0;
}

int json_record_stream::peek() {
    if (pos_ == end_) {
        anchor_ = pos_;
        std::size_t unused = pos_;
        if (!fill(unused)) return -1;
    }
    return static_cast<unsigned char>(buffer_[pos_]);
}

void json_record_stream::advance_to(std::size_t index) {
    line_ += static_cast<std::uint64_t>(std::count(buffer_.data() + pos_, buffer_.data() + index, '\n'));
    pos_ = index;
}

bool json_record_stream::skip_space() {
    for (;;) {
        int c = peek();
        if (c < 0) return false;
        if (!is_space(c)) return true;
        advance_to(pos_ + 1);
    }
}

// Resynchronises after garbage: the rest of the current line is dropped.
void json_record_stream::skip_line() {
    for (int c = peek(); c >= 0; c = peek()) {
        advance_to(pos_ + 1);
        if (c == '\n') return;
    }
}

// With pos_ at '{': true when this object is the wrapper ({"<wrapper_key>": [), with `after_bracket` just
// past its '['. Looks ahead without consuming; only the first key is examined.
json_record_stream::wrapper json_record_stream::opens_wrapper(std::size_t& after_bracket) {
    if (options_.wrapper_key.empty()) return wrapper::no;
    anchor_ = pos_;
    std::size_t i = pos_ + 1;
    auto at = [&](std::size_t& idx) -> int {
        if (idx == end_ && !fill(idx)) return -1;
        return static_cast<unsigned char>(buffer_[idx]);
    };
    auto skip = [&](std::size_t& idx) {
        int c = at(idx);
        while (c >= 0 && is_space(c)) {
            ++idx;
            c = at(idx);
        }
        return c;
    };
    if (skip(i) != '"') return wrapper::no;
    ++i;
    for (char expected : options_.wrapper_key) {
        if (at(i) != static_cast<unsigned char>(expected)) return wrapper::no;
        ++i;
    }
    if (at(i) != '"') return wrapper::no;
    ++i;
    if (skip(i) != ':') return wrapper::no;
    ++i;
    if (skip(i) != '[') {
        // The key is right but the value is not an array: say so, rather than parse the wrapper as a record.
        report(line_, "\"" + std::string(options_.wrapper_key) + "\" should be an array of records");
        return wrapper::malformed;
    }
    after_bracket = i + 1;
    return wrapper::yes;
}

// True when `bytes` follow at `index`; `index` ends past them.
bool json_record_stream::peek_bytes(std::size_t& index, std::string_view bytes) {
    anchor_ = pos_;
    for (char b : bytes) {
        if (index == end_ && !fill(index)) return false;
        if (buffer_[index] != b) return false;
        ++index;
    }
    return true;
}

// With pos_ at '{' (anchor_ there too): finds the end of the value, across refills. `end` is one past the
// closing brace, or (broken_line) the start of the line that opens the next record, or (broken_string)
// just past the line break inside a string. Heuristics that keep one bad record from swallowing the
// rest: JSON strings cannot hold a raw line break, and no writer or pretty-printer puts a nested '{' at
// the start of a line, so either means the record was cut and the next one begins.
json_record_stream::scan_end json_record_stream::scan_record(std::size_t& end) {
    std::size_t i = pos_;
    bool in_string = false, escape = false, line_start = false;
    int depth = 0;
    bool too_deep = false;
    for (;;) {
        if (i == end_ && !fill(i)) {
            end = i;
            return scan_end::truncated;
        }
        const char c = buffer_[i];
        if (in_string) {
            if (escape) escape = false;
            else if (c == '\\') escape = true;
            else if (c == '"') in_string = false;
            else if (c == '\n') {
                end = i + 1;
                return scan_end::broken_string;
            }
        } else {
            if (line_start && c == '{' && depth > 0) {
                end = i;
                return scan_end::broken_line;
            }
            line_start = c == '\n';
            switch (c) {
                case '"': in_string = true; break;
                case '{':
                case '[':
                    if (++depth > options_.max_depth) too_deep = true;
                    break;
                case '}':
                case ']':
                    if (--depth == 0) {
                        end = i + 1;
                        return too_deep ? scan_end::too_deep : scan_end::complete;
                    }
                    break;
                default: break;
            }
        }
        ++i;
    }
}

// After a record on its own (JSON lines), only blanks may follow on its line: a line holds one record.
// Consumes the blanks; the record's bytes before pos_ stay in the buffer (anchor_ holds them).
bool json_record_stream::rest_of_line_is_blank() {
    for (;;) {
        if (pos_ == end_) {
            std::size_t unused = pos_;
            if (!fill(unused)) return true;
        }
        const char c = buffer_[pos_];
        if (c == '\n') return true;
        if (c != ' ' && c != '\t' && c != '\r') return false;
        ++pos_;
    }
}

void json_record_stream::set_label() {
    label_.clear();
    if (state_ != state::array_value) return;
    if (in_wrapper_) label_ = options_.wrapper_key;
    label_ += '[';
    label_ += std::to_string(index_);
    label_ += "]: ";
}

std::string json_record_stream::array_name() const {
    return in_wrapper_ ? "the \"" + std::string(options_.wrapper_key) + "\" array" : "the array";
}

void json_record_stream::enter_array(bool is_wrapper) {
    state_ = state::array_value;
    in_wrapper_ = is_wrapper;
    index_ = 0;
    comma_allowed_ = false;
}

bool json_record_stream::next(std::string_view& record, std::uint64_t& line) {
    anchor_ = pos_;  // the previous record may go now
    for (;;) {
        if (state_ == state::done) return false;
        if (!skip_space()) {
            if (state_ == state::array_value || state_ == state::array_separator)
                report(line_, "the file ends inside " + array_name() + " (no closing ']'): the writer was cut off");
            else if (state_ == state::wrapper_end)
                report(line_, "the file ends after " + array_name() +
                                  " without the closing '}': the writer was cut off");
            state_ = state::done;
            return false;
        }
        const int c = peek();
        bool deliver = true;  // false: the object is scanned only to skip it
        switch (state_) {
            case state::top: {
                if (c == 0xEF) {  // a UTF-8 byte order mark, as Windows tools write
                    std::size_t i = pos_;
                    if (peek_bytes(i, "\xEF\xBB\xBF")) {
                        advance_to(i);
                        continue;
                    }
                }
                if (c == '[') {
                    advance_to(pos_ + 1);
                    enter_array(false);
                    continue;
                }
                if (c != '{') {
                    report(line_, "expected a JSON object, found " + describe(c) + "; skipping the rest of the line");
                    skip_line();
                    continue;
                }
                std::size_t after_bracket = 0;
                switch (opens_wrapper(after_bracket)) {
                    case wrapper::yes:
                        advance_to(after_bracket);
                        enter_array(true);
                        continue;
                    case wrapper::malformed: deliver = false; break;
                    case wrapper::no: break;
                }
                break;
            }
            case state::array_value:
                if (c == ']') {  // empty array, or a trailing comma: the records themselves are intact
                    advance_to(pos_ + 1);
                    state_ = in_wrapper_ ? state::wrapper_end : state::top;
                    continue;
                }
                if (c == ',' && comma_allowed_) {
                    advance_to(pos_ + 1);
                    comma_allowed_ = false;
                    continue;
                }
                if (c != '{') {
                    set_label();
                    report(line_, label_ + "expected a JSON object, found " + describe(c) +
                                      "; skipping the rest of the line");
                    ++index_;
                    skip_line();
                    comma_allowed_ = true;
                    continue;
                }
                break;
            case state::array_separator:
                if (c == ',' || c == ']') {
                    advance_to(pos_ + 1);
                    state_ = c == ',' ? state::array_value : (in_wrapper_ ? state::wrapper_end : state::top);
                } else {
                    report(line_, "expected ',' or ']' after element " + std::to_string(index_ - 1) + " of " +
                                      array_name() + ", found " + describe(c) + "; skipping the rest of the line");
                    skip_line();
                    state_ = state::array_value;
                    comma_allowed_ = true;
                }
                continue;
            case state::wrapper_end:
                if (c == '}') {
                    advance_to(pos_ + 1);
                } else {
                    report(line_, "expected '}' after " + array_name() + ", found " + describe(c) +
                                      " (only the records array is read); skipping the rest of the line");
                    skip_line();
                }
                state_ = state::top;
                continue;
            case state::done: return false;
        }

        // A record (or an object to skip) starts here.
        set_label();
        const bool in_array = state_ == state::array_value;
        const std::uint64_t start_line = line_;
        anchor_ = pos_;
        std::size_t end = 0;
        const scan_end how = scan_record(end);
        advance_to(end);
        if (in_array) {
            ++index_;
            state_ = state::array_separator;
        }
        switch (how) {
            case scan_end::complete:
                if (!in_array && !rest_of_line_is_blank()) {
                    report(line_, "unexpected text after the record on this line; skipping the record and the line");
                    skip_line();
                    continue;
                }
                if (!deliver) continue;
                // [anchor_, pos_): the peek past the record may have refilled and moved the buffer.
                record = std::string_view(buffer_.data() + anchor_, pos_ - anchor_);
                line = start_line;
                return true;
            case scan_end::truncated:
                report(start_line, label_ + "the file ends inside this record: the writer was cut off");
                state_ = state::done;
                return false;
            case scan_end::too_deep:
                report(start_line,
                       label_ + "record nested deeper than " + std::to_string(options_.max_depth) + " levels");
                continue;
            case scan_end::broken_string:
            case scan_end::broken_line:
                report(start_line,
                       label_ + (how == scan_end::broken_string
                                     ? "a string runs past the end of the line: the record is cut or not JSON"
                                     : "the record is not closed before the next line starts another: the record is cut"));
                if (in_array) {
                    state_ = state::array_value;
                    comma_allowed_ = true;
                }
                continue;
        }
    }
}

}  // namespace sclab::telemetry
