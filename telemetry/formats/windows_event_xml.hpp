// Windows event XML on one line, as the Splunk forwarder renders it for `XmlWinEventLog` (FIDELITY.md §3):
// <Event xmlns='...'><System>...</System><EventData><Data Name='...'>...</Data>...</EventData></Event>
// The shared half of every Windows-event format (Sysmon, PowerShell): writing and scanning the <System> block,
// iterating <Data> elements, and the `extra` keys for System values the event model has no slot for.
//
// No XML library: a small strict scanner for exactly this shape. It takes single- or double-quoted attributes
// (Windows exports use double quotes), whitespace between elements, and skips a trailing <RenderingInfo>
// (Splunk adds it unless suppress_text is set); anything else is a record_error naming the column.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "telemetry/event.hpp"

namespace sclab::telemetry::windows_event {

// The <System> block. On write, strings are plain text (the writer escapes them). After scan_event, strings
// are plain text too: views into the line, or into the scanned_event when the line held entities.
struct system_block {
    std::string_view provider_name, provider_guid;  // guid with braces
    std::uint32_t event_id = 0;
    std::uint32_t version = 0, level = 0, task = 0, opcode = 0;
    std::string_view keywords;                    // "0x8000000000000000"
    time_ns time_created = 0;                     // written with 7 fraction digits (100 ns), as Windows does
    std::uint64_t record_id = 0;                  // 0: unknown
    std::string_view activity_id;                 // Correlation ActivityID; empty writes <Correlation/>
    std::uint64_t process_id = 0, thread_id = 0;  // Execution: the process that logged the event
    std::string_view channel, computer;
    std::string_view user_sid;  // Security UserID; empty writes <Security/>
};

// ---- writing: start (System and <EventData>), then data fields, then end --------------------------------

// Element text as Windows renders it: & < > escaped, quotes left as they are (real captures show
// CommandLine "C:\..." with raw quotes). Line breaks and other control characters except tab become
// character references (&#10;) so the record stays on one line.
void append_event_text(std::string& out, std::string_view text);

void append_event_start(std::string& out, const system_block& s);
// <Data Name='name'>value</Data>, value escaped so the record stays on one line.
void append_data(std::string& out, std::string_view name, std::string_view value);
// For values a format formats itself: open, append the (already escaped) value, close.
void append_data_open(std::string& out, std::string_view name);
inline void append_data_close(std::string& out) { out += "</Data>"; }
// "</EventData></Event>\n"
void append_event_end(std::string& out);

// ---- reading -----------------------------------------------------------------------------------------

struct data_field {
    std::string_view name;       // plain (Name attributes with entities are unescaped)
    std::string_view raw_value;  // still escaped: see unescape_value
};

class scanned_event {
public:
    system_block system;
    std::vector<data_field> data;

private:
    friend void scan_event(std::string_view line, scanned_event& out);
    // Unescaped copies of the System strings (one per string) and Data names that held entities; reused
    // line after line.
    std::array<std::string, 7> system_text_;
    // A deque: growing it never moves the strings earlier views point into.
    std::deque<std::string> name_text_;
};

// Scans the text of one event (surrounding whitespace allowed; it may span lines, see
// windows_event_xml_splitter.hpp). Throws record_error on anything that is
// not this shape: not an <Event>, a bad number or time in <System>, a missing Provider/EventID/TimeCreated/
// Computer, unclosed elements, text after </Event>.
void scan_event(std::string_view line, scanned_event& out);

// Unescapes a Data value into `out`. Throws record_error naming the field on a bad entity.
void unescape_value(const data_field& field, std::string& out);
// The plain text of a Data value: the raw view when it holds no entity, else `scratch` filled.
std::string_view plain_value(const data_field& field, std::string& scratch);

// A short quote of a value for an error message.
std::string quote_value(std::string_view text);

// ---- EventData through a table of field codecs -------------------------------------------------------
// A format lists its Data fields once, in the order it writes them, each with how to write and read it.
// Reading takes the fields in any order (schema versions differ), fails on a missing required field or a
// repeated one, and keeps fields it does not know in extra "EventData.<Name>", which writing puts back last.

struct read_context {
    std::string scratch, formatted;  // reused buffers for values that need unescaping or comparing
};

struct field_codec {
    std::string_view name;
    bool required;
    void (*write)(std::string& out, const event& e);                     // appends the escaped value
    void (*read)(event& e, const data_field& field, read_context& ctx);  // throws record_error
};

// Every codec's <Data> in order, then the unknown-field extras.
void append_fields(std::string& out, const event& e, std::span<const field_codec> fields);
// The scanned Data fields into `e`. At most 64 codecs.
void read_fields(const scanned_event& scanned, std::span<const field_codec> fields, event& e, read_context& ctx);
bool is_known_field(std::span<const field_codec> fields, std::string_view name);
// retain(): the unknown-field extras as a read gives them back, in order (after any the caller kept first).
void retain_unknown_data(const event& from, std::span<const field_codec> fields, event& to);

// Helpers for codecs. Each throws record_error naming the field.
std::uint64_t read_uint(const data_field& field, read_context& ctx, std::uint64_t max);
bool read_bool(const data_field& field, read_context& ctx);  // "true" / "false", as Windows writes them

// A codec for a plain text field: `member` is an expression on `e` (e.g. process.image).
#define SCLAB_WINDOWS_TEXT_FIELD(field_name, required, member)                                       \
    ::sclab::telemetry::windows_event::field_codec {                                                 \
        field_name, required,                                                                        \
            [](std::string& out, const ::sclab::telemetry::event& e) {                               \
                ::sclab::telemetry::windows_event::append_event_text(out, e.member);                 \
            },                                                                                       \
            [](::sclab::telemetry::event& e, const ::sclab::telemetry::windows_event::data_field& f, \
               ::sclab::telemetry::windows_event::read_context&) {                                   \
                ::sclab::telemetry::windows_event::unescape_value(f, e.member);                      \
            }                                                                                        \
    }

// ---- System values in `extra` ------------------------------------------------------------------------
// The event model has no slot for these; they travel in `extra` under the XML path, so a round trip through
// a Windows-event format keeps them. A value equal to the format's default is not stored.
inline constexpr std::string_view extra_process_id = "System.Execution.ProcessID";
inline constexpr std::string_view extra_thread_id = "System.Execution.ThreadID";
inline constexpr std::string_view extra_user_sid = "System.Security.UserID";
inline constexpr std::string_view extra_activity_id = "System.Correlation.ActivityID";
inline constexpr std::string_view extra_level = "System.Level";
// Data fields a format has no slot for: "EventData.<Name>".
inline constexpr std::string_view extra_data_prefix = "EventData.";

struct system_defaults {
    std::uint32_t level;
    std::string_view user_sid;  // the SID written when the event has no extra ("" writes <Security/>)
    // True when Execution ProcessID is the logging service's (Sysmon: kept in extra); false when the format
    // maps it to the event's own process (PowerShell 4104: the powershell.exe that ran the script block).
    bool process_id_in_extra;
};

// Reader: System values into `extra` (those differing from the defaults).
void system_to_extra(const system_block& s, const system_defaults& d, event& e);
// Writer: fills process_id, thread_id, user_sid, activity_id and level from `extra` or the defaults.
void system_from_extra(const event& e, const system_defaults& d, system_block& s);
// retain(): the System extras exactly as a read gives them back, in the reader's order.
void retain_system_extra(const event& from, const system_defaults& d, event& to);

// event.record_id <-> EventRecordID: a decimal number, 0 meaning none.
std::uint64_t record_id_number(std::string_view record_id);
std::string record_id_text(std::uint64_t record_id);

}  // namespace sclab::telemetry::windows_event
