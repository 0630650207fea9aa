#include "telemetry/formats/json_record_stream.hpp"
#include "telemetry/byte_scan.hpp"
#include "telemetry/line_source.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>

// SSE2 is part of every x86-64 CPU, so no runtime dispatch is needed; other targets (or a build with
// SCLAB_PORTABLE_SCAN defined, to test that path) take the byte-at-a-time scanner alone.
#if defined(__SSE2__) && !defined(SCLAB_PORTABLE_SCAN)
#define SCLAB_SCAN_SSE2 1
#include <emmintrin.h>
#endif

namespace sclab::telemetry {

namespace {

bool is_space(int c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Where a record scan stopped: `more` needs more bytes; the others end the record (see scan_record).
enum class scan_stop { more, complete, broken_string, broken_line };

// What the record scanner knows between two bytes, so a scan resumes after a refill and passes between the
// byte loop and the block scanner at any byte.
struct scan_state {
    int depth = 0;
    bool too_deep = false;
    bool in_string = false;
    bool escaped = false;        // in a string, after a '\\': the next byte is taken whatever it is
    bool after_newline = false;  // outside strings, the last byte was '\n': a '{' now starts a line
};

// The reference scanner, a byte at a time over data[i, limit). On a stop, i is the `end` scan_record
// returns: one past the closing bracket or the string's line break, or at the '{' that starts a line.
scan_stop scan_bytes(const char* data, std::size_t& i, std::size_t limit, scan_state& s, int max_depth) {
    for (; i < limit; ++i) {
        const char c = data[i];
        if (s.in_string) {
            if (s.escaped) s.escaped = false;
            else if (c == '\\') s.escaped = true;
            else if (c == '"') s.in_string = false;
            else if (c == '\n') {
                ++i;
                return scan_stop::broken_string;
            }
            continue;
        }
        if (s.after_newline && c == '{' && s.depth > 0) return scan_stop::broken_line;
        s.after_newline = c == '\n';
        switch (c) {
            case '"': s.in_string = true; break;
            case '{':
            case '[':
                if (++s.depth > max_depth) s.too_deep = true;
                break;
            case '}':
            case ']':
                if (--s.depth == 0) {
                    ++i;
                    return scan_stop::complete;
                }
                break;
            default: break;
        }
    }
    return scan_stop::more;
}

#ifdef SCLAB_SCAN_SSE2
// One bit per byte of a 64-byte block.
struct block_masks {
    std::uint64_t quote = 0, backslash = 0, newline = 0, open = 0, close = 0;  // open: '{' '[', close: '}' ']'
};

block_masks classify_block(const char* p) {
    const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'), newline = _mm_set1_epi8('\n');
    // c | 0x20 turns '[' into '{' and ']' into '}' and nothing else into either.
    const __m128i case_bit = _mm_set1_epi8(0x20), open = _mm_set1_epi8('{'), close = _mm_set1_epi8('}');
    block_masks m;
    for (int k = 0; k < 4; ++k) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
        const __m128i folded = _mm_or_si128(v, case_bit);
        auto bits = [&](__m128i hits) {
            return static_cast<std::uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(hits))) << (16 * k);
        };
        m.quote |= bits(_mm_cmpeq_epi8(v, quote));
        m.backslash |= bits(_mm_cmpeq_epi8(v, backslash));
        m.newline |= bits(_mm_cmpeq_epi8(v, newline));
        m.open |= bits(_mm_cmpeq_epi8(folded, open));
        m.close |= bits(_mm_cmpeq_epi8(folded, close));
    }
    return m;
}

// Bit k: the parity of bits 0..k, i.e. whether byte k is inside a string when `quotes` are its unescaped quotes
// (an opening quote counts as inside, a closing one as outside).
std::uint64_t prefix_xor(std::uint64_t x) {
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    return x;
}

// scan_bytes, 64 bytes per step while 64 remain before `limit`: the string state of every byte comes from
// the quote and backslash masks at once, then only brackets and line breaks are visited one by one. The
// masks read every backslash as an escape, which is the byte loop's reading as long as each backslash is in
// a string; a backslash outside one (never in JSON) escapes nothing there, so such a block is left
// (scan_stop::more with i at it) to scan_bytes, as are the last < 64 bytes.
scan_stop scan_blocks(const char* data, std::size_t& i, std::size_t limit, scan_state& s, int max_depth) {
    for (; limit - i >= 64; i += 64) {
        const block_masks m = classify_block(data + i);
        // Each backslash not itself escaped escapes the next byte. Taken as if every backslash were in a
        // string; the check below sends the block to scan_bytes when one is not.
        std::uint64_t escaped = s.escaped ? 1 : 0;
        bool escape_carry = false;
        for (std::uint64_t escapes = m.backslash & ~escaped; escapes != 0;) {
            const int k = std::countr_zero(escapes);
            if (k == 63) {
                escape_carry = true;
                break;
            }
            const std::uint64_t next = std::uint64_t{2} << k;
            escaped |= next;
            escapes &= ~(next | (next >> 1));
        }
        std::uint64_t in_string = prefix_xor(m.quote & ~escaped);
        if (s.in_string) in_string = ~in_string;
        if ((m.backslash & ~in_string) != 0) return scan_stop::more;

        const std::uint64_t newline_outside = m.newline & ~in_string;
        const std::uint64_t broken_string = m.newline & in_string & ~escaped;
        const std::uint64_t line_starts = newline_outside << 1 | (s.after_newline ? 1 : 0);
        const std::uint64_t opens = m.open & ~in_string;
        for (std::uint64_t events = opens | (m.close & ~in_string) | broken_string; events != 0;
             events &= events - 1) {
            const int k = std::countr_zero(events);
            const std::uint64_t bit = std::uint64_t{1} << k;
            if ((broken_string & bit) != 0) {
                i += static_cast<std::size_t>(k) + 1;
                return scan_stop::broken_string;
            }
            if ((opens & bit) != 0) {
                if ((line_starts & bit) != 0 && data[i + static_cast<std::size_t>(k)] == '{' && s.depth > 0) {
                    i += static_cast<std::size_t>(k);
                    return scan_stop::broken_line;
                }
                if (++s.depth > max_depth) s.too_deep = true;
            } else if (--s.depth == 0) {
                i += static_cast<std::size_t>(k) + 1;
                return scan_stop::complete;
            }
        }
        s.in_string = (in_string >> 63) != 0;
        s.escaped = escape_carry;
        s.after_newline = (newline_outside >> 63) != 0;
    }
    return scan_stop::more;
}
#endif

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
    line_ += count_newlines(std::string_view(buffer_.data() + pos_, index - pos_));
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
        // (Appended, not "\"" + std::string(...): GCC 12 at -O3 warns, wrongly, of overlapping copies in operator+.)
        std::string message = "\"";
        message.append(options_.wrapper_key).append("\" should be an array of records");
        report(line_, message);
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
// scan_bytes is the definition; scan_blocks gives the same answers 64 bytes at a time where it can.
json_record_stream::scan_end json_record_stream::scan_record(std::size_t& end) {
    std::size_t i = pos_;
    scan_state s;
    for (;;) {
        if (i == end_ && !fill(i)) {
            end = i;
            return scan_end::truncated;
        }
        const char* data = buffer_.data();
#ifdef SCLAB_SCAN_SSE2
        scan_stop stop = scan_blocks(data, i, end_, s, options_.max_depth);
        // The block scanner leaves the last < 64 bytes, or one block it cannot take, to the byte loop.
        if (stop == scan_stop::more) stop = scan_bytes(data, i, std::min(end_, i + 64), s, options_.max_depth);
#else
        const scan_stop stop = scan_bytes(data, i, end_, s, options_.max_depth);
#endif
        end = i;
        switch (stop) {
            case scan_stop::more: break;
            case scan_stop::complete: return s.too_deep ? scan_end::too_deep : scan_end::complete;
            case scan_stop::broken_string: return scan_end::broken_string;
            case scan_stop::broken_line: return scan_end::broken_line;
        }
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
