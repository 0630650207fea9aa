// PowerShell script block logging, Event ID 4104 in Microsoft-Windows-PowerShell/Operational, as Splunk
// XmlWinEventLog renders it: one <Event> per line (FIDELITY.md §3). Carries script_block.
//
// System values checked against public captures (Windows 10 exports, 2020): Provider Guid
// {a0c1853b-5c40-4b15-8766-3cf1c58f985a} (older Windows renders it upper-case; the reader ignores the Guid),
// Version 1, Level 5, Task 2, Opcode 15, Keywords 0x0, a Correlation ActivityID, and Security UserID the SID of
// the user running PowerShell. Execution ProcessID is the powershell.exe that ran the block: it maps to
// process.pid. PowerShell logs a block it finds suspicious at Level 3 (Warning) even without script block
// logging turned on; such a Level travels in extra "System.Level".
//
// ScriptBlockText holds any text, newlines included: they are written as character references (&#10;), which
// every XML reader decodes, so the record stays one line. (A real forwarder writes them raw, across lines; the
// reader takes those too, in any export layout: see windows_event_xml_splitter.hpp. Raw CR LF reads as LF, as
// in any XML parser.)
#include <array>
#include <limits>

#include "telemetry/format.hpp"
#include "telemetry/formats/windows_event_xml.hpp"
#include "telemetry/formats/windows_event_xml_reader.hpp"
#include "telemetry/text.hpp"
#include "telemetry/time_format.hpp"

namespace sclab::telemetry {

namespace {

namespace wx = windows_event;

constexpr std::string_view powershell_provider = "Microsoft-Windows-PowerShell";
constexpr std::string_view powershell_guid = "{a0c1853b-5c40-4b15-8766-3cf1c58f985a}";
constexpr std::string_view powershell_channel = "Microsoft-Windows-PowerShell/Operational";
constexpr std::uint32_t script_block_event_id = 4104;
// Level 5 (Verbose); no user SID unless the event says (then it travels in extra, like the ActivityID).
constexpr wx::system_defaults powershell_system{.level = 5, .user_sid = "", .process_id_in_extra = false};

constexpr std::uint64_t max_u32 = std::numeric_limits<std::uint32_t>::max();

// Long scripts are split over several events: MessageNumber of MessageTotal, sharing one ScriptBlockId.
constexpr std::array script_block_fields = {
    wx::field_codec{"MessageNumber", true,
                    [](std::string& out, const event& e) { append_uint(out, e.script.message_number); },
                    [](event& e, const wx::data_field& f, wx::read_context& ctx) {
                        e.script.message_number = static_cast<std::uint32_t>(wx::read_uint(f, ctx, max_u32));
                    }},
    wx::field_codec{"MessageTotal", true,
                    [](std::string& out, const event& e) { append_uint(out, e.script.message_total); },
                    [](event& e, const wx::data_field& f, wx::read_context& ctx) {
                        e.script.message_total = static_cast<std::uint32_t>(wx::read_uint(f, ctx, max_u32));
                    }},
    SCLAB_WINDOWS_TEXT_FIELD("ScriptBlockText", true, script.text),
    SCLAB_WINDOWS_TEXT_FIELD("ScriptBlockId", true, script.id),
    SCLAB_WINDOWS_TEXT_FIELD("Path", false, script.path),  // empty for interactive and -Command blocks
};

class powershell_writer final : public event_writer {
public:
    explicit powershell_writer(output_file& out) : out_(out) {}

    bool write(const event& e) override {
        if (e.kind != event_kind::script_block) return false;
        wx::system_block s;
        s.provider_name = powershell_provider;
        s.provider_guid = powershell_guid;
        s.event_id = script_block_event_id;
        s.version = 1;
        s.task = 2;
        s.opcode = 15;
        s.keywords = "0x0";
        s.time_created = e.time;
        s.record_id = wx::record_id_number(e.record_id);
        s.process_id = e.process.pid;
        s.channel = powershell_channel;
        s.computer = e.host;
        wx::system_from_extra(e, powershell_system, s);
        std::string& out = out_.buffer();
        wx::append_event_start(out, s);
        wx::append_fields(out, e, script_block_fields);
        wx::append_event_end(out);
        out_.record_done();
        return true;
    }

private:
    output_file& out_;
};

class powershell_parser final : public line_parser {
public:
    bool parse(std::string_view line, event& e) override {
        if (line.find_first_not_of(" \t\r") == std::string_view::npos) return false;
        wx::scan_event(line, scanned_);
        const wx::system_block& s = scanned_.system;
        if (s.provider_name != powershell_provider)
            throw record_error("not a PowerShell event: Provider Name is " + wx::quote_value(s.provider_name));
        if (s.event_id != script_block_event_id)
            throw record_error("PowerShell EventID " + std::to_string(s.event_id) +
                               " is not one powershell-4104 carries (4104)");
        e.kind = event_kind::script_block;
        e.time = s.time_created;
        e.host = s.computer;
        e.record_id = wx::record_id_text(s.record_id);
        e.process.pid = s.process_id;
        wx::system_to_extra(s, powershell_system, e);
        wx::read_fields(scanned_, script_block_fields, e, context_);
        return true;
    }

private:
    wx::scanned_event scanned_;
    wx::read_context context_;
};

event retain_powershell(const event& e) {
    event r;
    r.kind = e.kind;
    r.time = truncate_time(e.time, 100);  // TimeCreated has 7 fraction digits
    r.host = e.host;
    r.record_id = wx::record_id_text(wx::record_id_number(e.record_id));
    r.process.pid = e.process.pid;
    r.script = e.script;
    wx::retain_system_extra(e, powershell_system, r);
    wx::retain_unknown_data(e, script_block_fields, r);
    return r;
}

std::unique_ptr<event_reader> open_powershell_reader(const std::string& path, const read_options& options) {
    return std::make_unique<wx::event_xml_reader>(path, options, std::make_unique<powershell_parser>());
}
std::unique_ptr<event_writer> open_powershell_writer(output_file& out) {
    return std::make_unique<powershell_writer>(out);
}

}  // namespace

const format_info& powershell_4104_format() {
    static const format_info info{
        .name = "powershell-4104",
        .description = "PowerShell script block logging (Event ID 4104) as Splunk XmlWinEventLog, one <Event> per line"
                       " (reads any export layout)",
        .kinds = kinds_of({event_kind::script_block}),
        .open_reader = open_powershell_reader,
        .open_writer = open_powershell_writer,
        .retain = retain_powershell,
    };
    return info;
}

}  // namespace sclab::telemetry
