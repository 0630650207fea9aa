// Splits a file of Windows event XML into its <Event ...>...</Event> elements, whatever the line layout:
//   - one event per line (Splunk XmlWinEventLog, and what sclab writes);
//   - `wevtutil qe LOG /f:xml`: events concatenated with nothing between them, often one huge line;
//   - Event Viewer "Save All Events As... XML": an <Events> wrapper after an <?xml ...?> declaration (UTF-8 BOM
//     possible), each event pretty-printed over many lines;
//   - `Get-WinEvent ... | ForEach-Object { $_.ToXml() }`: one event after another, CRLF line ends, and a
//     4104 ScriptBlockText with real line breaks inside its <Data>.
// Between events only whitespace, the XML declaration (or other <?...?>), comments and the <Events> wrapper
// tags may appear; anything else is junk, reported once per line (or up to the next event on that line).
// Memory is bounded by the largest event, not the file. Every problem names the line the event (or the junk)
// STARTS on.
//
// No XML parser: events never nest, and '<' only ever starts markup inside them (text escapes it as &lt;),
// so an event is the text from "<Event" up to the first "</Event>" after it. Fast path: a line that ends
// with "</Event>" is taken whole after one memchr for its end (the pass the line count needs anyway), and the
// parser, which rejects text after </Event>, proves it held one event; otherwise memmem finds the end tag.
// Cut events and lines holding several events are sorted out only when a parse fails
// (resplit_after_parse_failure), so the common path costs what the line-based reader did. No virtual call.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "telemetry/byte_buffer.hpp"
#include "telemetry/format.hpp"

namespace sclab::telemetry::windows_event {

class event_splitter {
public:
    static constexpr std::size_t default_buffer_bytes = initial_read_buffer_bytes;
    // Windows caps one event's payload at 64 KB (ETW's limit; PowerShell splits longer script blocks over
    // several 4104 events for that reason: MessageNumber / MessageTotal). Rendered as XML, with every byte
    // escaped as &#NN; at worst, an event stays under ~0.5 MiB. 16 MiB is far above any real event and still
    // bounds the memory a file without any </Event> can take.
    static constexpr std::size_t default_max_event_bytes = 16u << 20;

    // path "-" reads standard input. Throws input_error when the file cannot be opened.
    explicit event_splitter(std::string path, std::size_t buffer_bytes = default_buffer_bytes,
                            std::size_t max_event_bytes = default_max_event_bytes);
    ~event_splitter();
    event_splitter(const event_splitter&) = delete;
    event_splitter& operator=(const event_splitter&) = delete;

    // The next complete event, from "<Event" to "</Event>" inclusive, with XML line-end handling applied
    // when it holds a CR LF (then CR LF and lone CR read as LF, as every XML parser does; a &#13; reference
    // still means CR). The view lives until the next call. Returns false at end of input. Junk between
    // events, an event cut off at end of file and an over-large event go to `problems` (which throws in
    // strict mode). Throws input_error on a read failure or a UTF-16 file.
    bool next(std::string_view& event_text, problem_log& problems);

    // Call when the event `next` just returned does not parse; true means "drop the parse error, call next".
    // If the text held several events (taken by the fast path: see the .cpp), it is split again carefully. If
    // it holds the start of another event, it was cut off before that one (two exports pasted together, a
    // lost </Event>): reports it as truncated on its start line and moves back to that next start.
    bool resplit_after_parse_failure(problem_log& problems);

    // 1-based line on which the event `next` last returned (or last reported) starts.
    std::uint64_t event_line() const { return event_line_; }
    const std::string& name() const { return path_; }

private:
    bool fill();
    bool have(std::size_t offset);
    bool name_at(std::size_t offset, std::string_view name);
    void advance_to(std::size_t index);
    bool skip_space();
    bool skip_past(std::string_view terminator);
    bool skip_to_event_start(std::size_t from_offset);
    void check_encoding();
    void report_junk(problem_log& problems);
    // Finds the end of the event starting at pos_. Returns true with `length` set when it is complete;
    // false after reporting a problem (then `at_eof` tells whether input ended).
    bool find_event_end(problem_log& problems, std::size_t& length, bool& at_eof);
    bool event_ends_its_line(std::size_t& length);
    std::size_t nested_start(std::size_t from, std::size_t to);
    void report_cut_before(std::size_t nested, problem_log& problems);

    std::string path_;
    int fd_ = -1;
    bool owns_fd_ = false;
    bool eof_ = false;
    bool encoding_checked_ = false;
    byte_buffer buffer_;
    std::size_t pos_ = 0, end_ = 0;  // unread bytes are buffer_[pos_, end_)
    std::size_t max_event_;
    std::uint64_t line_ = 1;  // the line buffer_[pos_] is on
    std::uint64_t event_line_ = 0;
    std::size_t last_start_ = 0, last_length_ = 0;  // the event `next` returned, for resplit_after_parse_failure
    bool last_was_fast_ = false;
    std::uint64_t base_ = 0;           // stream offset of buffer_[0]
    std::uint64_t careful_until_ = 0;  // stream offset before which events are split the careful way
    std::string normalized_;  // the event with its CRs handled, when it held any
};

}  // namespace sclab::telemetry::windows_event
