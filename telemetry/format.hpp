// Readers, writers and the registry of formats.
//
// A format is a pair: a reader and a writer that agree, plus `retain`, the statement of what survives a
// write and a read (round-trip tests check exactly that). Adding a format means one file in formats/ that
// defines `const format_info& <name>_format()` and one line in format_registry.cpp.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "telemetry/event.hpp"
#include "telemetry/input_error.hpp"
#include "telemetry/line_source.hpp"
#include "telemetry/output_file.hpp"

namespace sclab::telemetry {

struct read_options {
    // strict: the first malformed record is an input_error (exit 2). lenient: skip it, count it, keep going.
    bool strict = true;
    // lenient mode keeps this many problems verbatim for the report; the rest are only counted.
    std::size_t problems_kept = 20;
};

// Strict mode throws; lenient mode counts and keeps the first few.
class problem_log {
public:
    explicit problem_log(const read_options& options) : options_(options) {}
    void report(const std::string& file, std::uint64_t line, std::string reason);
    std::uint64_t skipped() const { return skipped_; }
    const std::vector<input_error>& kept() const { return kept_; }

private:
    read_options options_;
    std::uint64_t skipped_ = 0;
    std::vector<input_error> kept_;
};

class event_reader {
public:
    virtual ~event_reader() = default;
    // Fills `out` with the next event (every field reset first). Returns false at end of input.
    virtual bool next(event& out) = 0;
    virtual const problem_log& problems() const = 0;
};

class event_writer {
public:
    virtual ~event_writer() = default;
    // Appends one event; returns false, writing nothing, when the format cannot carry the event's kind.
    virtual bool write(const event& e) = 0;
    // Writes any footer. The caller commits the output_file afterwards.
    virtual void finish() {}
};

// The part of a line-oriented format that understands one line.
class line_parser {
public:
    virtual ~line_parser() = default;
    // Returns true when the line held an event (now in `out`, which arrives reset), false for a line with
    // none (a header, a comment, a blank line). Throws record_error for a malformed line.
    virtual bool parse(std::string_view line, event& out) = 0;
    // At end of input: throws record_error when the file is visibly incomplete (e.g. a missing footer).
    virtual void finish() {}
};

// The reader every line-oriented format uses: strict/lenient handling, file:line in every problem, and a
// last line without "\n" reported as truncated rather than taken.
class line_event_reader final : public event_reader {
public:
    line_event_reader(std::string path, const read_options& options, std::unique_ptr<line_parser> parser);
    bool next(event& out) override;
    const problem_log& problems() const override { return problems_; }

private:
    line_source source_;
    problem_log problems_;
    std::unique_ptr<line_parser> parser_;
    bool finished_ = false;
};

using kind_set = std::uint32_t;
constexpr kind_set kinds_of(std::initializer_list<event_kind> kinds) {
    kind_set s = 0;
    for (event_kind k : kinds) s |= kind_set{1} << static_cast<int>(k);
    return s;
}

struct format_info {
    std::string_view name;         // as given to --from / --to, e.g. "sysmon-xml"
    std::string_view description;  // one line for `sclab convert --list`
    kind_set kinds;                // the event kinds the format can carry
    std::unique_ptr<event_reader> (*open_reader)(const std::string& path, const read_options& options);
    std::unique_ptr<event_writer> (*open_writer)(output_file& out);
    // The event as it comes back after a write and a read: fields the format does not carry cleared,
    // times truncated to its precision, kinds mapped (an http_request written as Squid reads back as a
    // network_session). Only meaningful for kinds in `kinds`.
    event (*retain)(const event& e);

    bool carries(event_kind k) const { return (kinds >> static_cast<int>(k)) & 1u; }
};

std::span<const format_info* const> all_formats();
// nullptr when there is no such format.
const format_info* find_format(std::string_view name);

}  // namespace sclab::telemetry
