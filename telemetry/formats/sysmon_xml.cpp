// Sysmon events as Splunk indexes them (sourcetype XmlWinEventLog, FIDELITY.md §3): one <Event> per line with
// single-quoted attributes. The reader also takes real exports in any line layout (wevtutil, Event Viewer,
// Get-WinEvent ToXml: see windows_event_xml_splitter.hpp). Carries EID 1 (process_creation), 3
// (network_connection), 11 (file_creation) and 22 (dns_query), each with its EventData fields in Sysmon's own
// order.
//
// Mapping decisions (the model's comments say why each field exists):
//  - TimeCreated SystemTime (100 ns) is event.time: it is what Splunk takes as _time. UtcTime is written from
//    it (milliseconds); a record whose UtcTime says something else keeps that text in extra
//    "EventData.UtcTime". For EID 1 UtcTime is the process's start, so it maps to process.creation_time.
//  - Hostnames and port names are written verbatim, "-" when empty, as Sysmon does. DestinationHostname is what
//    the sensor associates with the address (a PTR name or "-"), never the name the process asked for.
//  - Execution ProcessID/ThreadID (Sysmon's own service), a Security UserID other than S-1-5-18, RuleName
//    other than "-", and Data fields of newer schemas travel in extra (keys in windows_event_xml.hpp).
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

constexpr std::string_view sysmon_provider = "Microsoft-Windows-Sysmon";
constexpr std::string_view sysmon_guid = "{5770385f-c22a-43e0-bf4c-06f5698ffbd9}";
constexpr std::string_view sysmon_channel = "Microsoft-Windows-Sysmon/Operational";
constexpr std::string_view sysmon_keywords = "0x8000000000000000";
// Sysmon logs as a LocalSystem service at Level 4 (Information).
constexpr wx::system_defaults sysmon_system{.level = 4, .user_sid = "S-1-5-18", .process_id_in_extra = true};

constexpr std::string_view extra_rule_name = "EventData.RuleName";
constexpr std::string_view extra_utc_time = "EventData.UtcTime";

constexpr std::uint64_t max_u16 = std::numeric_limits<std::uint16_t>::max();
constexpr std::uint64_t max_u32 = std::numeric_limits<std::uint32_t>::max();
constexpr std::uint64_t max_u64 = std::numeric_limits<std::uint64_t>::max();

// Sysmon's User is the acting process's account; the model keeps it as event.user and process.user.
std::string_view user_of(const event& e) { return e.user.empty() ? std::string_view(e.process.user) : e.user; }
std::string_view dash_if_empty(std::string_view v) { return v.empty() ? "-" : v; }

// `text` is the field's plain value.
time_ns parse_utc(const wx::data_field& f, std::string_view text) {
    time_ns t = 0;
    if (!parse_sysmon_utc(text, t))
        throw record_error("Data '" + std::string(f.name) + "' is not a Sysmon time (YYYY-MM-DD hh:mm:ss.mmm): " +
                           wx::quote_value(text));
    return t;
}
time_ns read_utc(const wx::data_field& f, wx::read_context& ctx) {
    return parse_utc(f, wx::plain_value(f, ctx.scratch));
}

// ---- fields every EID shares -----------------------------------------------------------------------------

constexpr wx::field_codec rule_name{
    "RuleName", false,
    [](std::string& out, const event& e) { wx::append_event_text(out, dash_if_empty(e.extra_value(extra_rule_name))); },
    [](event& e, const wx::data_field& f, wx::read_context& ctx) {
        const std::string_view v = wx::plain_value(f, ctx.scratch);
        if (!v.empty() && v != "-") e.set_extra(std::string(extra_rule_name), std::string(v));
    }};

// UtcTime of EID 3, 11, 22: when the thing happened, which TimeCreated repeats to the 100 ns.
bool utc_time_extra_valid(std::string_view v) {
    time_ns t = 0;
    return !v.empty() && parse_sysmon_utc(v, t);
}
constexpr wx::field_codec utc_time{
    "UtcTime", true,
    [](std::string& out, const event& e) {
        const std::string_view kept = e.extra_value(extra_utc_time);
        if (utc_time_extra_valid(kept)) out += kept;
        else append_sysmon_utc(out, e.time);
    },
    [](event& e, const wx::data_field& f, wx::read_context& ctx) {
        const std::string_view v = wx::plain_value(f, ctx.scratch);
        parse_utc(f, v);
        ctx.formatted.clear();
        append_sysmon_utc(ctx.formatted, e.time);
        if (v != ctx.formatted) e.set_extra(std::string(extra_utc_time), std::string(v));
    }};

// UtcTime of EID 1: the new process's start.
constexpr wx::field_codec process_start_time{
    "UtcTime", true,
    [](std::string& out, const event& e) {
        append_sysmon_utc(out, e.process.creation_time != 0 ? e.process.creation_time : e.time);
    },
    [](event& e, const wx::data_field& f, wx::read_context& ctx) { e.process.creation_time = read_utc(f, ctx); }};

constexpr wx::field_codec process_guid = SCLAB_WINDOWS_TEXT_FIELD("ProcessGuid", true, process.guid);
constexpr wx::field_codec process_id{
    "ProcessId", true, [](std::string& out, const event& e) { append_uint(out, e.process.pid); },
    [](event& e, const wx::data_field& f, wx::read_context& ctx) { e.process.pid = wx::read_uint(f, ctx, max_u64); }};
constexpr wx::field_codec image = SCLAB_WINDOWS_TEXT_FIELD("Image", true, process.image);
constexpr wx::field_codec user{
    "User", false, [](std::string& out, const event& e) { wx::append_event_text(out, user_of(e)); },
    [](event& e, const wx::data_field& f, wx::read_context&) {
        wx::unescape_value(f, e.user);
        e.process.user = e.user;
    }};

// ---- EID 1: process creation -------------------------------------------------------------------------

struct hash_slot {
    std::string_view algorithm;  // as Sysmon spells it in Hashes
    std::string process_info::*member;
};
constexpr std::array<hash_slot, 4> hash_slots = {{{"SHA1", &process_info::sha1},
                                                  {"MD5", &process_info::md5},
                                                  {"SHA256", &process_info::sha256},
                                                  {"IMPHASH", &process_info::imphash}}};

// "SHA1=...,MD5=...,SHA256=...,IMPHASH=...": the algorithms the Sysmon config asks for, in this order.
void write_hashes(std::string& out, const event& e) {
    bool first = true;
    for (const hash_slot& h : hash_slots) {
        const std::string& v = e.process.*h.member;
        if (v.empty()) continue;
        if (!first) out.push_back(',');
        first = false;
        out += h.algorithm;
        out.push_back('=');
        wx::append_event_text(out, v);
    }
}

// Any order, any subset; an algorithm Sysmon does not have is an error rather than silently dropped.
void read_hashes(event& e, const wx::data_field& f, wx::read_context& ctx) {
    std::string_view rest = wx::plain_value(f, ctx.scratch);
    while (!rest.empty()) {
        const std::size_t comma = rest.find(',');
        const std::string_view piece = rest.substr(0, comma);
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        if (piece.empty()) continue;
        const std::size_t eq = piece.find('=');
        if (eq == std::string_view::npos)
            throw record_error("Data 'Hashes' holds " + wx::quote_value(piece) + ", not ALGORITHM=value");
        const std::string_view algorithm = piece.substr(0, eq);
        const hash_slot* slot = nullptr;
        for (const hash_slot& h : hash_slots)
            if (algorithm.size() == h.algorithm.size() && starts_with_ci(algorithm, h.algorithm)) slot = &h;
        if (slot == nullptr)
            throw record_error("Data 'Hashes' names an unknown algorithm " + wx::quote_value(algorithm) +
                               " (Sysmon has SHA1, MD5, SHA256, IMPHASH)");
        e.process.*slot->member = std::string(piece.substr(eq + 1));
    }
}

constexpr wx::field_codec terminal_session_id{
    "TerminalSessionId", false,
    [](std::string& out, const event& e) {
        if (e.process.terminal_session_id) append_uint(out, *e.process.terminal_session_id);
    },
    [](event& e, const wx::data_field& f, wx::read_context& ctx) {
        if (f.raw_value.empty()) return;
        e.process.terminal_session_id = static_cast<std::uint32_t>(wx::read_uint(f, ctx, max_u32));
    }};

constexpr wx::field_codec parent_process_id{
    "ParentProcessId", false, [](std::string& out, const event& e) { append_uint(out, e.parent.pid); },
    [](event& e, const wx::data_field& f, wx::read_context& ctx) { e.parent.pid = wx::read_uint(f, ctx, max_u64); }};

constexpr std::array eid1_fields = {
    rule_name,
    process_start_time,
    process_guid,
    process_id,
    image,
    SCLAB_WINDOWS_TEXT_FIELD("FileVersion", false, process.file_version),
    SCLAB_WINDOWS_TEXT_FIELD("Description", false, process.description),
    SCLAB_WINDOWS_TEXT_FIELD("Product", false, process.product),
    SCLAB_WINDOWS_TEXT_FIELD("Company", false, process.company),
    SCLAB_WINDOWS_TEXT_FIELD("OriginalFileName", false, process.original_file_name),
    SCLAB_WINDOWS_TEXT_FIELD("CommandLine", true, process.command_line),
    SCLAB_WINDOWS_TEXT_FIELD("CurrentDirectory", false, process.current_directory),
    user,
    SCLAB_WINDOWS_TEXT_FIELD("LogonGuid", false, process.logon_guid),
    SCLAB_WINDOWS_TEXT_FIELD("LogonId", false, process.logon_id),
    terminal_session_id,
    SCLAB_WINDOWS_TEXT_FIELD("IntegrityLevel", false, process.integrity_level),
    wx::field_codec{"Hashes", false, write_hashes, read_hashes},
    SCLAB_WINDOWS_TEXT_FIELD("ParentProcessGuid", false, parent.guid),
    parent_process_id,
    SCLAB_WINDOWS_TEXT_FIELD("ParentImage", false, parent.image),
    SCLAB_WINDOWS_TEXT_FIELD("ParentCommandLine", false, parent.command_line),
    SCLAB_WINDOWS_TEXT_FIELD("ParentUser", false, parent.user),
};

// ---- EID 3: network connection -----------------------------------------------------------------------

// Sysmon's network fields for one side (Source, Destination).
using endpoint_side = endpoint network_info::*;

// <Side>IsIpv6: derived from the address when writing, only checked when reading.
template <endpoint_side Side>
constexpr wx::field_codec is_ipv6_field(std::string_view name) {
    return {name, false,
            [](std::string& out, const event& e) {
                out += (e.network.*Side).ip.find(':') != std::string::npos ? "true" : "false";
            },
            [](event&, const wx::data_field& f, wx::read_context& ctx) { wx::read_bool(f, ctx); }};
}

// <Side>Hostname, <Side>PortName: verbatim, "-" when the sensor has none.
template <endpoint_side Side, std::string endpoint::*Member>
constexpr wx::field_codec dash_text_field(std::string_view name) {
    return {name, false,
            [](std::string& out, const event& e) {
                wx::append_event_text(out, dash_if_empty((e.network.*Side).*Member));
            },
            [](event& e, const wx::data_field& f, wx::read_context&) {
                wx::unescape_value(f, (e.network.*Side).*Member);
            }};
}

template <endpoint_side Side>
constexpr wx::field_codec port_field(std::string_view name) {
    return {name, true, [](std::string& out, const event& e) { append_uint(out, (e.network.*Side).port); },
            [](event& e, const wx::data_field& f, wx::read_context& ctx) {
                (e.network.*Side).port = static_cast<std::uint16_t>(wx::read_uint(f, ctx, max_u16));
            }};
}

constexpr endpoint_side source = &network_info::source;
constexpr endpoint_side destination = &network_info::destination;

constexpr std::array eid3_fields = {
    rule_name,
    utc_time,
    process_guid,
    process_id,
    image,
    user,
    SCLAB_WINDOWS_TEXT_FIELD("Protocol", true, network.transport),
    // Initiated: true when this host opened the connection.
    wx::field_codec{"Initiated", true,
                    [](std::string& out, const event& e) {
                        out += e.network.direction == "inbound" ? "false" : "true";
                    },
                    [](event& e, const wx::data_field& f, wx::read_context& ctx) {
                        e.network.direction = wx::read_bool(f, ctx) ? "outbound" : "inbound";
                    }},
    is_ipv6_field<source>("SourceIsIpv6"),
    SCLAB_WINDOWS_TEXT_FIELD("SourceIp", true, network.source.ip),
    dash_text_field<source, &endpoint::hostname>("SourceHostname"),
    port_field<source>("SourcePort"),
    dash_text_field<source, &endpoint::port_name>("SourcePortName"),
    is_ipv6_field<destination>("DestinationIsIpv6"),
    SCLAB_WINDOWS_TEXT_FIELD("DestinationIp", true, network.destination.ip),
    dash_text_field<destination, &endpoint::hostname>("DestinationHostname"),
    port_field<destination>("DestinationPort"),
    dash_text_field<destination, &endpoint::port_name>("DestinationPortName"),
};

// ---- EID 11: file creation ---------------------------------------------------------------------------

constexpr std::array eid11_fields = {
    rule_name,
    utc_time,
    process_guid,
    process_id,
    image,
    SCLAB_WINDOWS_TEXT_FIELD("TargetFilename", true, file.target_filename),
    // The file's creation time stamp; empty when unknown (Sysmon always has one).
    wx::field_codec{"CreationUtcTime", false,
                    [](std::string& out, const event& e) {
                        if (e.file.creation_time != 0) append_sysmon_utc(out, e.file.creation_time);
                    },
                    [](event& e, const wx::data_field& f, wx::read_context& ctx) {
                        if (!f.raw_value.empty()) e.file.creation_time = read_utc(f, ctx);
                    }},
    user,
};

// ---- EID 22: DNS query -------------------------------------------------------------------------------

constexpr std::array eid22_fields = {
    rule_name,
    utc_time,
    process_guid,
    process_id,
    SCLAB_WINDOWS_TEXT_FIELD("QueryName", true, dns.query_name),
    SCLAB_WINDOWS_TEXT_FIELD("QueryStatus", false, dns.query_status),
    SCLAB_WINDOWS_TEXT_FIELD("QueryResults", false, dns.query_results),
    image,
    user,
};

// ---- the schemas -------------------------------------------------------------------------------------

struct sysmon_schema {
    event_kind kind;
    std::uint32_t event_id, version, task;
    std::span<const wx::field_codec> fields;
};

const std::array<sysmon_schema, 4> schemas = {{
    {event_kind::process_creation, 1, 5, 1, eid1_fields},
    {event_kind::network_connection, 3, 5, 3, eid3_fields},
    {event_kind::file_creation, 11, 2, 11, eid11_fields},
    {event_kind::dns_query, 22, 5, 22, eid22_fields},
}};

const sysmon_schema* schema_for_kind(event_kind kind) {
    for (const sysmon_schema& s : schemas)
        if (s.kind == kind) return &s;
    return nullptr;
}

const sysmon_schema* schema_for_event_id(std::uint32_t id) {
    for (const sysmon_schema& s : schemas)
        if (s.event_id == id) return &s;
    return nullptr;
}

// ---- writer and reader -------------------------------------------------------------------------------

class sysmon_writer final : public event_writer {
public:
    explicit sysmon_writer(output_file& out) : out_(out) {}

    bool write(const event& e) override {
        const sysmon_schema* schema = schema_for_kind(e.kind);
        if (schema == nullptr) return false;
        wx::system_block s;
        s.provider_name = sysmon_provider;
        s.provider_guid = sysmon_guid;
        s.event_id = schema->event_id;
        s.version = schema->version;
        s.task = schema->task;
        s.opcode = 0;
        s.keywords = sysmon_keywords;
        s.time_created = e.time;
        s.record_id = wx::record_id_number(e.record_id);
        s.channel = sysmon_channel;
        s.computer = e.host;
        wx::system_from_extra(e, sysmon_system, s);
        std::string& out = out_.buffer();
        wx::append_event_start(out, s);
        wx::append_fields(out, e, schema->fields);
        wx::append_event_end(out);
        out_.record_done();
        return true;
    }

private:
    output_file& out_;
};

class sysmon_parser final : public line_parser {
public:
    bool parse(std::string_view line, event& e) override {
        if (line.find_first_not_of(" \t\r") == std::string_view::npos) return false;
        wx::scan_event(line, scanned_);
        const wx::system_block& s = scanned_.system;
        if (s.provider_name != sysmon_provider)
            throw record_error("not a Sysmon event: Provider Name is " + wx::quote_value(s.provider_name));
        const sysmon_schema* schema = schema_for_event_id(s.event_id);
        if (schema == nullptr)
            throw record_error("Sysmon EventID " + std::to_string(s.event_id) +
                               " is not one sysmon-xml carries (1, 3, 11, 22)");
        e.kind = schema->kind;
        e.time = s.time_created;
        e.host = s.computer;
        e.record_id = wx::record_id_text(s.record_id);
        wx::system_to_extra(s, sysmon_system, e);
        wx::read_fields(scanned_, schema->fields, e, context_);
        return true;
    }

private:
    wx::scanned_event scanned_;
    wx::read_context context_;
};

// A hash value holding ',' cannot be told apart from the next entry of Hashes.
std::string hash_kept(const std::string& v) { return v.find(',') == std::string::npos ? v : std::string(); }

event retain_sysmon(const event& e) {
    const sysmon_schema* schema = schema_for_kind(e.kind);
    event r;
    r.kind = e.kind;
    r.time = truncate_time(e.time, 100);  // TimeCreated has 7 fraction digits
    r.host = e.host;
    r.user = user_of(e);
    r.record_id = wx::record_id_text(wx::record_id_number(e.record_id));
    r.process.guid = e.process.guid;
    r.process.pid = e.process.pid;
    r.process.image = e.process.image;
    r.process.user = r.user;

    // extra, in the order a read produces it: System values, RuleName, UtcTime, unknown Data fields.
    wx::retain_system_extra(e, sysmon_system, r);
    const std::string_view rule = e.extra_value(extra_rule_name);
    if (!rule.empty() && rule != "-") r.extra.emplace_back(extra_rule_name, rule);
    if (e.kind != event_kind::process_creation) {
        const std::string_view kept = e.extra_value(extra_utc_time);
        std::string derived;
        append_sysmon_utc(derived, e.time);
        if (utc_time_extra_valid(kept) && kept != derived) r.extra.emplace_back(extra_utc_time, kept);
    }
    if (schema != nullptr) wx::retain_unknown_data(e, schema->fields, r);

    switch (e.kind) {
        case event_kind::process_creation: {
            const process_info& from = e.process;
            process_info& p = r.process;
            p.command_line = from.command_line;
            p.current_directory = from.current_directory;
            p.integrity_level = from.integrity_level;
            p.file_version = from.file_version;
            p.description = from.description;
            p.product = from.product;
            p.company = from.company;
            p.original_file_name = from.original_file_name;
            p.logon_guid = from.logon_guid;
            p.logon_id = from.logon_id;
            p.terminal_session_id = from.terminal_session_id;
            for (const hash_slot& h : hash_slots) p.*h.member = hash_kept(from.*h.member);
            p.creation_time = truncate_time(from.creation_time != 0 ? from.creation_time : e.time, ns_per_ms);
            r.parent.guid = e.parent.guid;
            r.parent.pid = e.parent.pid;
            r.parent.image = e.parent.image;
            r.parent.command_line = e.parent.command_line;
            r.parent.user = e.parent.user;
            break;
        }
        case event_kind::network_connection: {
            network_info& n = r.network;
            n.transport = e.network.transport;
            n.direction = e.network.direction == "inbound" ? "inbound" : "outbound";
            for (endpoint_side side : {source, destination}) {
                const endpoint& from = e.network.*side;
                endpoint& to = n.*side;
                to.ip = from.ip;
                to.port = from.port;
                to.hostname = dash_if_empty(from.hostname);
                to.port_name = dash_if_empty(from.port_name);
            }
            break;
        }
        case event_kind::file_creation:
            r.file.target_filename = e.file.target_filename;
            r.file.creation_time = e.file.creation_time == 0 ? 0 : truncate_time(e.file.creation_time, ns_per_ms);
            break;
        case event_kind::dns_query:
            r.dns.query_name = e.dns.query_name;
            r.dns.query_status = e.dns.query_status;
            r.dns.query_results = e.dns.query_results;
            break;
        default:
            break;
    }
    return r;
}

std::unique_ptr<event_reader> open_sysmon_reader(const std::string& path, const read_options& options) {
    return std::make_unique<wx::event_xml_reader>(path, options, std::make_unique<sysmon_parser>());
}
std::unique_ptr<event_writer> open_sysmon_writer(output_file& out) { return std::make_unique<sysmon_writer>(out); }

}  // namespace

const format_info& sysmon_xml_format() {
    static const format_info info{
        .name = "sysmon-xml",
        .description =
            "Sysmon EID 1, 3, 11, 22 as Splunk XmlWinEventLog, one <Event> per line (reads any export layout)",
        .kinds = kinds_of({event_kind::process_creation, event_kind::network_connection, event_kind::dns_query,
                           event_kind::file_creation}),
        .open_reader = open_sysmon_reader,
        .open_writer = open_sysmon_writer,
        .retain = retain_sysmon,
    };
    return info;
}

}  // namespace sclab::telemetry
