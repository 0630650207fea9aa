// The Windows event XML splitter (under the sysmon-xml and powershell-4104 readers) with fuzzer-chosen read
// sizes: the input goes through a pipe one chunk at a time, so every read() the splitter makes ends where the
// fuzzer chose (as when it reads a slow `-` stdin), and the splitter starts with a fuzzer-chosen buffer.
// Checked, beyond "no crash, no sanitizer report, no exception but input_error":
//   - the outcome (events with their start lines, problems with line and reason, in order) is the one a read
//     of the whole file with the default buffer gives: the split never depends on where reads end;
//   - strict mode stops with exactly the first problem of that outcome, after exactly the events before it;
//   - every event starts with "<Event" and is the input's own text (CR LF read as LF), events in input order
//     and not overlapping: no byte invented, none given twice;
//   - next() keeps returning false once input has ended.
// Each event is judged as the reader's parser would: either by scan_event (the shared scanner both parsers
// call first) or rejected outright (every event goes through resplit_after_parse_failure); the fuzzer picks.
//
// Input: the text, then the parameters at its end (FuzzedDataProvider takes integers from the back, so a
// sample file used as a seed keeps all but its last few bytes).
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <fuzzer/FuzzedDataProvider.h>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "fuzz_input_file.hpp"
#include "telemetry/formats/windows_event_xml.hpp"
#include "telemetry/formats/windows_event_xml_splitter.hpp"
#include "telemetry/input_error.hpp"

using namespace sclab::telemetry;
using windows_event::event_splitter;

namespace {

// The parameters the fuzzer chose for the current input, printed with a failure.
std::string chosen;

// A broken invariant: say which, then abort so libFuzzer keeps the input.
void check(bool ok, const char* what) {
    if (ok) return;
    std::fprintf(stderr, "windows_event_xml_splitter_fuzzer: %s (%s)\n", what, chosen.c_str());
    std::abort();
}

// Writes `text` into a pipe in the given chunk sizes, each only once the reader has drained the one before, so
// every read() returns at most the rest of one chunk. Chunks of at most PIPE_BUF bytes are written atomically:
// the read sizes depend on the input alone, never on timing, as a reproducer needs.
class chunked_pipe {
public:
    chunked_pipe(std::string_view text, std::vector<std::size_t> chunks) {
        check(::pipe2(fds_, O_CLOEXEC) == 0, "pipe2");
        writer_ = std::thread([this, text, chunks = std::move(chunks)] { write_chunks(text, chunks); });
    }
    ~chunked_pipe() {
        stop_ = true;  // the splitter may stop early (strict mode): the writer must not wait for it
        writer_.join();
        ::close(fds_[0]);
        if (fds_[1] >= 0) ::close(fds_[1]);
    }
    chunked_pipe(const chunked_pipe&) = delete;
    chunked_pipe& operator=(const chunked_pipe&) = delete;

    // The splitter takes a path: this opens the pipe's read end again.
    std::string path() const { return "/proc/self/fd/" + std::to_string(fds_[0]); }

private:
    void write_chunks(std::string_view text, const std::vector<std::size_t>& chunks) {
        std::size_t at = 0;
        for (std::size_t n : chunks) {
            check(n <= PIPE_BUF && ::write(fds_[1], text.data() + at, n) == static_cast<ssize_t>(n), "pipe write");
            at += n;
            int unread = 0;
            while (!stop_ && ::ioctl(fds_[1], FIONREAD, &unread) == 0 && unread > 0) ::sched_yield();
            if (stop_) return;
        }
        ::close(fds_[1]);  // end of input
        fds_[1] = -1;
    }

    int fds_[2] = {-1, -1};
    std::atomic<bool> stop_{false};
    std::thread writer_;
};

struct item {
    bool is_event;
    std::uint64_t line;
    std::string text;  // the event, or the problem's reason
    bool operator==(const item&) const = default;
};

struct outcome {
    std::vector<item> items;
    std::optional<item> thrown;  // the input_error that ended the read (strict mode, UTF-16, read failure)
};

struct split_settings {
    std::size_t buffer_bytes, max_event_bytes;
    bool use_scanner;  // judge events with scan_event; otherwise reject every one
    bool strict;
};

// Drives the splitter as event_xml_reader does, recording events and problems in the order they come.
outcome split(const std::string& path, const split_settings& s) {
    outcome out;
    problem_log problems(read_options{.strict = s.strict, .problems_kept = std::numeric_limits<std::size_t>::max()});
    std::size_t problems_seen = 0;
    auto take_problems = [&] {
        for (; problems_seen < problems.kept().size(); ++problems_seen) {
            const input_error& p = problems.kept()[problems_seen];
            out.items.push_back({false, p.line(), p.reason()});
        }
    };
    try {
        event_splitter splitter(path, s.buffer_bytes, s.max_event_bytes);
        windows_event::scanned_event scanned;
        std::string_view text;
        while (splitter.next(text, problems)) {
            take_problems();
            check(text.starts_with("<Event"), "an event that does not start with <Event");
            const item event{true, splitter.event_line(), std::string(text)};
            std::string error = "rejected";
            if (s.use_scanner) {
                try {
                    windows_event::scan_event(text, scanned);
                    out.items.push_back(event);
                    continue;
                } catch (const record_error& e) {
                    error = e.what();
                }
            }
            if (splitter.resplit_after_parse_failure(problems)) {
                take_problems();
                continue;
            }
            // Not several events nor a cut one: as split, the event stands (rejecting all) or is malformed.
            if (s.use_scanner) problems.report(splitter.name(), splitter.event_line(), error);
            else out.items.push_back(event);
            take_problems();
        }
        take_problems();
        check(!splitter.next(text, problems), "next() found an event after returning false");
        take_problems();
    } catch (const input_error& e) {
        take_problems();
        out.thrown = item{false, e.line(), e.reason()};
    }
    return out;
}

// XML end-of-line handling, written here independently of the splitter: CR LF and a lone CR read as LF.
std::string normalize_line_ends(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\r') {
            out.push_back(text[i]);
            continue;
        }
        out.push_back('\n');
        if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    }
    return out;
}

// For a reproducer: the two outcomes that differ, printed before the abort.
void print(const char* title, const outcome& o) {
    std::fprintf(stderr, "%s:\n", title);
    auto one = [](const char* kind, const item& i) {
        std::string shown;
        for (unsigned char c : i.text) {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\x%02x", c);
            shown += c >= 0x20 && c < 0x7f ? std::string(1, static_cast<char>(c)) : std::string(hex);
        }
        std::fprintf(stderr, "  %s line %llu: %s\n", kind, static_cast<unsigned long long>(i.line), shown.c_str());
    };
    for (const item& i : o.items) one(i.is_event ? "event" : "problem", i);
    if (o.thrown) one("thrown", *o.thrown);
}

void check_same(const outcome& got, const outcome& expected, const char* what) {
    if (got.items == expected.items && got.thrown == expected.thrown) return;
    print("expected", expected);
    print("got", got);
    check(false, what);
}

// Every event is the input's own text, in order, none overlapping; every line is one the input has.
void check_against_input(const outcome& o, std::string_view input) {
    const std::string normalized = normalize_line_ends(input);
    std::uint64_t lines = 1;
    for (char c : input) lines += c == '\n';
    std::size_t cursor = 0;
    std::uint64_t last_event_line = 0;
    for (const item& i : o.items) {
        check(i.line <= lines, "a line number past the input's last line");
        if (!i.is_event) continue;
        check(i.line > 0 && i.line >= last_event_line, "event start lines out of order");
        last_event_line = i.line;
        // The first match is at or before the event's real place, so later events are still found after it.
        const std::size_t at = normalized.find(normalize_line_ends(i.text), cursor);
        check(at != std::string::npos, "an event that is not the input's text, in order");
        cursor = at + normalize_line_ends(i.text).size();
    }
}

// Strict mode: the lenient outcome up to its first problem, then that problem thrown.
void check_strict(const outcome& strict, const outcome& lenient) {
    std::vector<item> before;
    std::optional<item> first_problem = lenient.thrown;
    for (const item& i : lenient.items) {
        if (!i.is_event) {
            first_problem = i;
            break;
        }
        before.push_back(i);
    }
    check_same(strict, outcome{before, first_problem}, "strict mode did not stop at the first problem, after the events before it");
}

// Chunk sizes summing to `size`, each in [lo, max_chunk] (at most PIPE_BUF); lo keeps a large input to ~256
// chunks, so it does not cost thousands of thread hand-overs.
std::vector<std::size_t> chunk_sizes(std::size_t size, std::size_t max_chunk, std::uint64_t seed) {
    const std::size_t lo = std::min<std::size_t>(std::max<std::size_t>(1, size / 256), PIPE_BUF);
    const std::size_t hi = std::clamp<std::size_t>(max_chunk, lo, PIPE_BUF);
    std::vector<std::size_t> chunks;
    for (std::size_t left = size; left > 0;) {
        seed = seed * 6364136223846793005u + 1442695040888963407u;  // an LCG: the sizes only need to vary
        const std::size_t n = std::min(left, lo + static_cast<std::size_t>(seed >> 33) % (hi - lo + 1));
        chunks.push_back(n);
        left -= n;
    }
    return chunks;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider params(data, size);
    const std::uint8_t flags = params.ConsumeIntegral<std::uint8_t>();
    const bool use_scanner = (flags & 1) != 0;
    // A small bound reaches the over-large-event path with small inputs.
    const std::size_t max_event =
        (flags & 2) != 0 ? params.ConsumeIntegralInRange<std::size_t>(1, 4096) : event_splitter::default_max_event_bytes;
    // The buffer never grows past max_event plus the splitter's 64-byte lookahead (windows_event_xml_splitter.cpp):
    // a first buffer above that would let one run hold more bytes than another can, so both stay below it.
    const std::size_t cap = max_event + 64;
    const std::size_t buffer = std::min(params.ConsumeIntegralInRange<std::size_t>(16, 4096), cap);
    const std::size_t max_chunk = params.ConsumeIntegralInRange<std::size_t>(1, PIPE_BUF);
    const std::uint64_t seed = params.ConsumeIntegral<std::uint16_t>();
    const std::string input = params.ConsumeRemainingBytesAsString();
    chosen = std::string(use_scanner ? "scan_event" : "reject all") + ", max_event " + std::to_string(max_event) +
             ", buffer " + std::to_string(buffer) + ", chunks up to " + std::to_string(max_chunk) + ", seed " +
             std::to_string(seed) + ", " + std::to_string(input.size()) + " bytes of text";

    sclab::fuzzing::write_fuzz_input(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
    const std::string& file = sclab::fuzzing::fuzz_input_path();
    const outcome expected =
        split(file, {std::min(event_splitter::default_buffer_bytes, cap), max_event, use_scanner, false});
    check_against_input(expected, input);
    outcome chunked;
    {
        chunked_pipe pipe(input, chunk_sizes(input.size(), max_chunk, seed));
        chunked = split(pipe.path(), {buffer, max_event, use_scanner, false});
    }
    check_same(chunked, expected, "chunked reads split differently from a whole-file read");
    check_strict(split(file, {buffer, max_event, use_scanner, true}), expected);
    return 0;
}
