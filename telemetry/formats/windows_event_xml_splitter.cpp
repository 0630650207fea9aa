#include "telemetry/formats/windows_event_xml_splitter.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "telemetry/byte_scan.hpp"
#include "telemetry/input_error.hpp"
#include "telemetry/line_source.hpp"

namespace sclab::telemetry::windows_event {

namespace {

constexpr std::size_t junk_quote_limit = 40;
constexpr std::size_t lookahead_slack = 64;  // bytes past max_event the buffer may hold to see an end tag

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// The character after a tag name: whitespace, '>' or '/'.
bool ends_name(char c) { return c == '>' || c == '/' || is_space(c); }

// XML end-of-line handling (XML 1.0 §2.11): CR LF and a lone CR become LF.
void normalize_line_ends(std::string_view text, std::string& out) {
    out.clear();
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\r') {
            out.push_back(text[i]);
            continue;
        }
        out.push_back('\n');
        if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    }
}

std::string size_text(std::size_t bytes) {
    return bytes % (1u << 20) == 0 ? std::to_string(bytes >> 20) + " MiB" : std::to_string(bytes) + " bytes";
}

}  // namespace

event_splitter::event_splitter(std::string path, std::size_t buffer_bytes, std::size_t max_event_bytes)
    : path_(std::move(path)), buffer_(std::max<std::size_t>(buffer_bytes, 16)), max_event_(max_event_bytes) {
    fd_ = open_input(path_, owns_fd_);
}

event_splitter::~event_splitter() {
    if (owns_fd_) ::close(fd_);
}

// Moves the unread bytes to the front and reads more, growing the buffer (up to just past max_event) when
// the unread bytes fill it. False when nothing could be added: end of input, or a full buffer at its cap
// (the callers treat that as an over-large event before it matters).
bool event_splitter::fill() {
    if (eof_) return false;
    if (pos_ > 0) {
        base_ += pos_;
        std::memmove(buffer_.data(), buffer_.data() + pos_, end_ - pos_);
        end_ -= pos_;
        pos_ = 0;
    }
    if (end_ == buffer_.size()) {
        const std::size_t cap = max_event_ + lookahead_slack;
        if (buffer_.size() >= cap) return false;
        buffer_.resize(std::min(buffer_.size() * 2, cap));
    }
    const std::size_t n = read_input(fd_, buffer_.data() + end_, buffer_.size() - end_, path_, line_);
    end_ += n;
    eof_ = n == 0;
    return n > 0;
}

// True when the byte at pos_ + offset is in the buffer (reading more if needed).
bool event_splitter::have(std::size_t offset) {
    while (pos_ + offset >= end_)
        if (!fill()) return false;
    return true;
}

// `name` at pos_ + offset, followed by the end of a name (or by end of input: a start tag cut right there).
bool event_splitter::name_at(std::size_t offset, std::string_view name) {
    if (!have(offset + name.size() - 1)) return false;
    if (std::memcmp(buffer_.data() + pos_ + offset, name.data(), name.size()) != 0) return false;
    return !have(offset + name.size()) || ends_name(buffer_[pos_ + offset + name.size()]);
}

void event_splitter::advance_to(std::size_t index) {
    line_ += count_newlines(std::string_view(buffer_.data() + pos_, index - pos_));
    pos_ = index;
}

// Skips whitespace between events; false at end of input.
bool event_splitter::skip_space() {
    for (;;) {
        while (pos_ < end_ && is_space(buffer_[pos_])) {
            if (buffer_[pos_] == '\n') ++line_;
            ++pos_;
        }
        if (pos_ < end_) return true;
        if (!fill()) return false;
    }
}

// Skips past `terminator`, keeping memory bounded; false (everything consumed) when input ends first.
bool event_splitter::skip_past(std::string_view terminator) {
    for (;;) {
        const std::string_view unread(buffer_.data() + pos_, end_ - pos_);
        const std::size_t at = unread.find(terminator);
        if (at != std::string_view::npos) {
            advance_to(pos_ + at + terminator.size());
            return true;
        }
        // Keep a tail that could be the start of the terminator.
        if (unread.size() >= terminator.size()) advance_to(end_ - (terminator.size() - 1));
        if (!fill()) {
            advance_to(end_);
            return false;
        }
    }
}

// Moves to the next "<Event" start tag at or after pos_ + from_offset; false (everything consumed) at end.
bool event_splitter::skip_to_event_start(std::size_t from_offset) {
    std::size_t off = from_offset;
    for (;;) {
        if (pos_ + off < end_) {
            const void* lt = std::memchr(buffer_.data() + pos_ + off, '<', end_ - pos_ - off);
            if (lt != nullptr) {
                // Drop what precedes the '<' first: in a buffer full up to its cap, name_at could not read past
                // "<Event" and would take it for a start tag cut at end of input.
                advance_to(static_cast<std::size_t>(static_cast<const char*>(lt) - buffer_.data()));
                if (name_at(1, "Event")) return true;
                off = 1;
                continue;
            }
        }
        advance_to(end_);
        off = 0;
        if (!fill()) return false;
    }
}

// Windows PowerShell 5.1's `>` and Out-File write UTF-16LE: say so rather than report every byte as junk.
void event_splitter::check_encoding() {
    encoding_checked_ = true;
    if (!have(1)) return;
    const auto b0 = static_cast<unsigned char>(buffer_[pos_]), b1 = static_cast<unsigned char>(buffer_[pos_ + 1]);
    if ((b0 == 0xFF && b1 == 0xFE) || (b0 == 0xFE && b1 == 0xFF) || (b0 == '<' && b1 == 0))
        throw input_error(path_, 1,
                          "UTF-16 text (as Windows PowerShell's '>' writes it): save it as UTF-8 first, e.g. "
                          "Get-Content in.xml | Set-Content -Encoding UTF8 out.xml");
    if (have(2) && b0 == 0xEF && b1 == 0xBB && static_cast<unsigned char>(buffer_[pos_ + 2]) == 0xBF) pos_ += 3;
}

void event_splitter::report_junk(problem_log& problems) {
    const std::uint64_t line = line_;
    std::string quote;
    for (std::size_t i = 0; have(i) && i < junk_quote_limit && buffer_[pos_ + i] != '\n'; ++i)
        quote.push_back(buffer_[pos_ + i]);
    while (!quote.empty() && is_space(quote.back())) quote.pop_back();
    // The junk ends at the end of its line or where an event starts, so lenient counts are per line as in
    // every line-based format. Junk is rare: a plain loop is fine here.
    for (std::size_t off = 1;; ++off) {
        if (!have(off)) {
            advance_to(end_);
            break;
        }
        const char c = buffer_[pos_ + off];
        if (c == '\n' || (c == '<' && name_at(off + 1, "Event"))) {
            advance_to(pos_ + off + (c == '\n' ? 1 : 0));
            break;
        }
    }
    problems.report(path_, line,
                    "not a Windows event: text outside any <Event> element: '" + quote + "'" +
                        (quote.size() == junk_quote_limit ? "..." : ""));
}

// Offset (from pos_) of the first "<Event" start tag in [from, to), or npos. Only on the rare paths.
std::size_t event_splitter::nested_start(std::size_t from, std::size_t to) {
    for (std::size_t off = from; off + 6 <= to; ++off)
        if (buffer_[pos_ + off] == '<' && name_at(off + 1, "Event")) return off;
    return std::string_view::npos;
}

void event_splitter::report_cut_before(std::size_t nested, problem_log& problems) {
    const std::uint64_t line = event_line_;
    advance_to(pos_ + nested);
    problems.report(path_, line,
                    "truncated event: <Event> not closed by </Event> before the next <Event> on line " +
                        std::to_string(line_));
}

bool event_splitter::find_event_end(problem_log& problems, std::size_t& length, bool& at_eof) {
    static constexpr std::string_view end_tag = "</Event";
    at_eof = false;
    std::size_t off = 6;  // past "<Event"
    for (;;) {
        // memmem skips most bytes; "</Event" also matches </EventID>, </EventRecordID> and </EventData>.
        const void* hit = pos_ + off < end_ ? ::memmem(buffer_.data() + pos_ + off, end_ - pos_ - off,
                                                        end_tag.data(), end_tag.size())
                                            : nullptr;
        if (hit == nullptr) {
            const std::size_t size = end_ - pos_;
            if (size >= max_event_) break;
            off = std::max(off, size - std::min(size, end_tag.size() - 1));  // a tag may straddle the refill
            if (!fill()) {
                if (end_ - pos_ >= max_event_) break;
                const std::size_t nested = nested_start(1, end_ - pos_);
                if (nested != std::string_view::npos) {
                    report_cut_before(nested, problems);
                    return false;
                }
                advance_to(end_);
                at_eof = true;
                problems.report(path_, event_line_,
                                "truncated event: <Event> not closed by </Event> at end of file (the export or "
                                "the writer was cut off)");
                return false;
            }
            continue;
        }
        off = static_cast<std::size_t>(static_cast<const char*>(hit) - (buffer_.data() + pos_));
        std::size_t q = off + end_tag.size();
        if (have(q) && !ends_name(buffer_[pos_ + q])) {  // </EventData> and the like
            off = q;
            continue;
        }
        while (have(q) && is_space(buffer_[pos_ + q])) ++q;
        // Not '>' (or end of input): the event ends here and the scanner names the problem.
        length = have(q) && buffer_[pos_ + q] == '>' ? q + 1 : q;
        if (length > max_event_) break;
        return true;
    }
    // Over-large: drop it and look for the next event.
    const std::uint64_t line = event_line_;
    skip_to_event_start(1);
    problems.report(path_, line,
                    "event larger than " + size_text(max_event_) +
                        " without </Event>: not a Windows event export? (a real event is under 1 MiB)");
    return false;
}

// The fast path: an event alone on its line (or last on it), as sclab and Splunk write them. One memchr for
// the line end, which the line count needs anyway; the parser proves there is no earlier </Event> (and when
// there is one, resplit_after_parse_failure re-splits this line the careful way).
bool event_splitter::event_ends_its_line(std::size_t& length) {
    if (base_ + pos_ < careful_until_) return false;
    const void* nl = std::memchr(buffer_.data() + pos_, '\n', end_ - pos_);
    if (nl == nullptr) {
        careful_until_ = base_ + end_;  // a long line: the careful search takes it
        return false;
    }
    const std::size_t line_end = static_cast<std::size_t>(static_cast<const char*>(nl) - buffer_.data());
    std::size_t e = line_end;
    while (e > pos_ && is_space(buffer_[e - 1])) --e;
    static constexpr std::string_view end_tag = "</Event>";
    if (e - pos_ < 6 + end_tag.size() || e - pos_ > max_event_ ||
        std::memcmp(buffer_.data() + e - end_tag.size(), end_tag.data(), end_tag.size()) != 0) {
        careful_until_ = base_ + line_end;
        return false;
    }
    length = e - pos_;
    return true;
}

bool event_splitter::resplit_after_parse_failure(problem_log& problems) {
    if (last_length_ == 0) return false;
    // Step back to the event just returned: its bytes are still in the buffer (no read since).
    pos_ = last_start_;
    line_ = event_line_;
    const std::size_t length = last_length_;
    last_length_ = 0;
    if (last_was_fast_) {
        // Several events on the line (wevtutil without newlines between them): split it the careful way.
        const std::string_view text(buffer_.data() + pos_, length);
        for (std::size_t at = text.find("</Event", 6); at != std::string_view::npos;
             at = text.find("</Event", at + 1)) {
            if (at + 7 < text.size() && !ends_name(text[at + 7])) continue;
            if (at + 8 < length) {  // "</Event>" is 8 bytes: it ends before the text does
                careful_until_ = base_ + pos_ + length;
                return true;
            }
            break;
        }
    }
    const std::size_t nested = nested_start(1, length);
    if (nested == std::string_view::npos) {
        advance_to(pos_ + length);
        return false;
    }
    report_cut_before(nested, problems);
    return true;
}

bool event_splitter::next(std::string_view& event_text, problem_log& problems) {
    if (!encoding_checked_) check_encoding();
    last_length_ = 0;
    for (;;) {
        if (!skip_space()) return false;
        if (buffer_[pos_] != '<') {
            report_junk(problems);
            continue;
        }
        if (name_at(1, "Event")) {
            event_line_ = line_;
            std::size_t length = 0;
            bool at_eof = false;
            last_was_fast_ = event_ends_its_line(length);
            if (!last_was_fast_ && !find_event_end(problems, length, at_eof)) {
                if (at_eof) return false;
                continue;
            }
            event_text = std::string_view(buffer_.data() + pos_, length);
            // Only an event with a CR LF, the line end Windows writes, is normalised (lone CRs with it). A lone CR
            // in an event without any CR LF stays as it is: not worth normalising every event for.
            last_start_ = pos_;
            last_length_ = length;
            if (!last_was_fast_) line_ += count_newlines(event_text);
            pos_ += length;  // (the fast path's event holds no newline: its line ends after it)
            if (event_text.find("\r\n") != std::string_view::npos) {
                normalize_line_ends(event_text, normalized_);
                event_text = normalized_;
            }
            return true;
        }
        // The wrapper, the declaration, comments: skipped.
        const std::uint64_t line = line_;
        const char* unclosed = nullptr;
        if (name_at(1, "Events") || (have(1) && buffer_[pos_ + 1] == '/' && name_at(2, "Events"))) {
            if (!skip_past(">")) unclosed = "<Events> tag";
        } else if (have(1) && buffer_[pos_ + 1] == '?') {
            if (!skip_past("?>")) unclosed = "<?...?> declaration";
        } else if (have(3) && std::memcmp(buffer_.data() + pos_, "<!--", 4) == 0) {
            if (!skip_past("-->")) unclosed = "comment";
        } else {
            report_junk(problems);
            continue;
        }
        if (unclosed != nullptr) {
            problems.report(path_, line, std::string("unclosed ") + unclosed + " at end of file");
            return false;
        }
    }
}

}  // namespace sclab::telemetry::windows_event
