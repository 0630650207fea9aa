// What the three cloud audit formats (CloudTrail, Cloudflare audit logs, Google Cloud audit logs) share:
// RFC 3339 times, the reader (records streamed out of the file, parsed with simdjson), the part of an event
// they keep, and vendor extras.
//
// Extras: each format's record is a tree of JSON objects. At some of them ("levels") members the model has
// no field for become extras named "<level prefix><member>" (e.g. "userIdentity.sessionContext"), valued
// with the member's compact JSON text, and the writer puts them back in the same object. So a round trip
// through the format keeps fields it does not model (tlsDetails, sessionContext, authorizationInfo...).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "telemetry/event.hpp"
#include "telemetry/format.hpp"
#include "telemetry/formats/json_record_stream.hpp"
#include "telemetry/json_fast.hpp"
#include "telemetry/json_text.hpp"

namespace sclab::telemetry {

// RFC 3339: 2024-05-01T12:00:00Z, 0..9 fraction digits, "Z" or a numeric offset such as +05:30.
bool parse_rfc3339(std::string_view text, time_ns& out);
// A required RFC 3339 member; record_error naming it when absent or malformed.
time_ns required_rfc3339(json_element object, std::string_view key);

// Parses one record into an event; throws record_error when it is not one.
using audit_record_parser = void (*)(json_element record, event& out);

// The event_reader of the cloud audit formats: records out of a json_record_stream (a wrapper object, an
// array, JSON lines), each parsed with simdjson; strict/lenient through problem_log, each problem with the
// file, the record's first line and its place in the array ("Records[3]: ...").
class audit_record_reader final : public event_reader {
public:
    audit_record_reader(std::string path, const read_options& options, const json_stream_options& stream_options,
                        audit_record_parser parser);
    bool next(event& out) override;
    const problem_log& problems() const override { return problems_; }

private:
    problem_log problems_;
    json_record_stream stream_;
    fast_json_parser json_;
    audit_record_parser parser_;
};

bool contains(std::span<const std::string_view> names, std::string_view name);

struct json_level {
    std::string_view prefix;                        // "" for the record itself, "userIdentity." for a member object
    std::span<const std::string_view> modeled;      // members the format maps to model fields (or nested levels)
    std::span<const std::string_view> placed = {};  // members kept as extras that the format writes in place itself
};

// Adds each member of `object` that `level` does not model as an extra (placed members included), valued with
// its canonical JSON text.
void collect_extras(json_element object, const json_level& level, event& out);
// Writes, inside the object of levels[level], the extras that belong there and that the format does not
// write itself. An extra belongs to the level with the longest matching prefix.
void write_extras(json_writer& w, const event& e, std::span<const json_level> levels, std::size_t level);
// One extra's value: its JSON text compacted when valid, else the text as a JSON string.
void write_extra_value(json_writer& w, std::string_view value);
// The value an extra comes back with after write_extra_value and a read.
std::string extra_as_written(std::string_view value);
// The extra's value when it is valid JSON (compacted), else "": for placed members that fall back to a
// default when absent.
std::string valid_extra(const event& e, std::string_view key);

// The event as a cloud audit format keeps it: kind, time truncated to `time_unit`, the audit fields with the
// format's provider and kept JSON text in compact form, and the extras the writer writes (normalised,
// sorted by key as the readers return them). Host, user, record and run ids and other kinds' fields go.
// Each format then clears the audit fields it does not carry.
event retained_cloud_event(const event& e, std::string_view provider, time_ns time_unit,
                           std::span<const json_level> levels);

// Readers sort extras by key, so they do not depend on the order of the members or of the levels.
void sort_extras(event& e);

}  // namespace sclab::telemetry
