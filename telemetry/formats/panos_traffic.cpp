// PAN-OS TRAFFIC logs as the firewall sends them over syslog: one CSV record per session (FIDELITY.md §3 "Proxy
// and firewall"). Columns follow the PAN-OS 9.1 syslog field list (docs.paloaltonetworks.com, "Traffic Log
// Fields", 9.1): 75 columns, from FUTURE_USE, Receive Time, Serial ... to Dynamic User Group Name. Later releases
// append more columns (10.x: XFF, source/destination device fields ...); the reader takes any record of at least
// the 40 columns FIDELITY.md lists and ignores columns past the 75th.
//
//   1,2023/01/11 15:29:45,007200001056,TRAFFIC,end,1,2023/01/11 15:29:45,10.0.0.5,104.16.1.1,...
//
// Mapping: Generated Time is the event time, Source User the user, Application the network protocol, Protocol
// the transport, Elapsed Time (seconds) the duration, Session ID the session id, Sequence Number the record id,
// Device Name the host (the firewall that logged it). Every other column travels in `extra` under its PAN-OS
// syslog field name (serial, rule, natsrc, session_end_reason ...), but only when it differs from what this writer
// puts there by default ("end", "0.0.0.0", "from-policy" ...; Receive Time, Start Time, Bytes and Packets default
// to what the other columns imply). FUTURE_USE columns are never kept.
//
// TRAFFIC has no host name and no URL (URLs are in THREAT logs of subtype url): retain() drops them. Times are
// written and read as UTC; a firewall writes its own local time zone (*unverified* default, configurable).
#include <algorithm>
#include <array>

#include <limits>

#include "telemetry/format.hpp"
#include "telemetry/formats/csv_fields.hpp"
#include "telemetry/formats/field_text.hpp"
#include "telemetry/formats/syslog_prefix.hpp"
#include "telemetry/text.hpp"
#include "telemetry/time_format.hpp"

namespace sclab::telemetry {

namespace {

// Columns that hold a model field, and vendor columns whose default depends on other columns.
enum class column_role : std::uint8_t { vendor, future_use, model, derived };

struct column {
    std::string_view key;  // the PAN-OS syslog field name
    column_role role;
    std::string_view fixed_default;  // what the writer puts in a vendor or FUTURE_USE column it knows nothing about
};

using enum column_role;
constexpr std::array<column, 75> columns = {{
    {"future_use1", future_use, "1"},       {"receive_time", derived, ""},    {"serial", vendor, ""},
    {"type", model, ""},                    {"subtype", vendor, "end"},       {"future_use2", future_use, "1"},
    {"time_generated", model, ""},          {"src", model, ""},               {"dst", model, ""},
    {"natsrc", vendor, "0.0.0.0"},          {"natdst", vendor, "0.0.0.0"},    {"rule", vendor, ""},
    {"srcuser", model, ""},                 {"dstuser", vendor, ""},          {"app", model, ""},
    {"vsys", vendor, "vsys1"},              {"from", vendor, ""},             {"to", vendor, ""},
    {"inbound_if", vendor, ""},             {"outbound_if", vendor, ""},      {"logset", vendor, ""},
    {"future_use3", future_use, ""},        {"sessionid", model, ""},         {"repeatcnt", vendor, "1"},
    {"sport", model, ""},                   {"dport", model, ""},             {"natsport", vendor, "0"},
    {"natdport", vendor, "0"},              {"flags", vendor, "0x0"},         {"proto", model, ""},
    {"action", model, ""},                  {"bytes", derived, ""},           {"bytes_sent", model, ""},
    {"bytes_received", model, ""},          {"packets", derived, ""},         {"start", derived, ""},
    {"elapsed", model, ""},                 {"category", vendor, "any"},      {"future_use4", future_use, ""},
    {"seqno", model, ""},                   {"actionflags", vendor, "0x0"},   {"srcloc", vendor, ""},
    {"dstloc", vendor, ""},                 {"future_use5", future_use, ""},  {"pkts_sent", model, ""},
    {"pkts_received", model, ""},           {"session_end_reason", vendor, ""}, {"dg_hier_level_1", vendor, "0"},
    {"dg_hier_level_2", vendor, "0"},       {"dg_hier_level_3", vendor, "0"}, {"dg_hier_level_4", vendor, "0"},
    {"vsys_name", vendor, ""},              {"device_name", model, ""},       {"action_source", vendor, "from-policy"},
    {"src_uuid", vendor, ""},               {"dst_uuid", vendor, ""},         {"tunnelid/imsi", vendor, "0"},
    {"monitortag/imei", vendor, ""},        {"parent_session_id", vendor, "0"}, {"parent_start_time", vendor, ""},
    {"tunnel", vendor, "N/A"},              {"assoc_id", vendor, "0"},        {"chunks", vendor, "0"},
    {"chunks_sent", vendor, "0"},           {"chunks_received", vendor, "0"}, {"rule_uuid", vendor, ""},
    {"http2_connection", vendor, "0"},      {"link_change_count", vendor, "0"}, {"policy_id", vendor, ""},
    {"link_switches", vendor, ""},          {"sdwan_cluster", vendor, ""},    {"sdwan_device_type", vendor, ""},
    {"sdwan_cluster_type", vendor, ""},     {"sdwan_site", vendor, ""},       {"dynusergroup_name", vendor, ""},
}};

constexpr std::size_t column_index(std::string_view key) {
    for (std::size_t i = 0; i < columns.size(); ++i)
        if (columns[i].key == key) return i;
    return columns.size();
}

// The columns sorted by name, for a binary search per extra of an event.
constexpr auto columns_by_key = [] {
    std::array<std::pair<std::string_view, std::size_t>, columns.size()> sorted{};
    for (std::size_t i = 0; i < columns.size(); ++i) sorted[i] = {columns[i].key, i};
    std::sort(sorted.begin(), sorted.end());
    return sorted;
}();

// The event's extras by column (a FUTURE_USE column never takes one), from one pass over the extras: a search of
// the extras for each of the 75 columns was a third of a record's cost. A repeated key keeps its first value,
// as find_extra() gives it.
std::array<const std::string*, columns.size()> extras_by_column(const event& e) {
    std::array<const std::string*, columns.size()> kept{};
    for (const auto& [key, value] : e.extra) {
        const auto it = std::lower_bound(columns_by_key.begin(), columns_by_key.end(), std::string_view(key),
                                         [](const auto& c, std::string_view k) { return c.first < k; });
        if (it == columns_by_key.end() || it->first != key) continue;
        if (columns[it->second].role != future_use && kept[it->second] == nullptr) kept[it->second] = &value;
    }
    return kept;
}

// 0-based indexes of the columns the code refers to by name.
constexpr std::size_t col_receive_time = column_index("receive_time"), col_type = column_index("type"),
                      col_future_use3 = column_index("future_use3"), col_time = column_index("time_generated"),
                      col_src = column_index("src"), col_dst = column_index("dst"), col_user = column_index("srcuser"),
                      col_app = column_index("app"), col_session = column_index("sessionid"),
                      col_sport = column_index("sport"), col_dport = column_index("dport"),
                      col_proto = column_index("proto"), col_action = column_index("action"),
                      col_bytes = column_index("bytes"), col_bytes_sent = column_index("bytes_sent"),
                      col_bytes_received = column_index("bytes_received"), col_packets = column_index("packets"),
                      col_start = column_index("start"), col_elapsed = column_index("elapsed"),
                      col_seqno = column_index("seqno"), col_pkts_sent = column_index("pkts_sent"),
                      col_pkts_received = column_index("pkts_received"), col_device = column_index("device_name");
static_assert(col_device == 52 && col_seqno == 39 && col_elapsed == 36, "column numbers follow PAN-OS 9.1");

constexpr std::size_t min_columns = 40;  // through Sequence Number, as FIDELITY.md lists them

void append_optional(std::string& out, const std::optional<std::uint64_t>& v) {
    if (v) append_uint(out, *v);
}

void append_sum(std::string& out, const std::optional<std::uint64_t>& a, const std::optional<std::uint64_t>& b) {
    if (a || b) append_uint(out, a.value_or(0) + b.value_or(0));
}

std::int64_t elapsed_seconds(const event& e) {
    return e.network.duration ? std::max<time_ns>(*e.network.duration, 0) / ns_per_second : 0;
}

bool depends_on_record(std::size_t i) { return columns[i].role == derived || i == col_future_use3; }

// What a vendor, derived or FUTURE_USE column holds when nothing overrides it: a fixed value, or what the rest
// of the record implies. None needs CSV quoting.
void append_default(std::string& out, std::size_t i, const event& e) {
    switch (i) {
        case col_receive_time:
        case col_future_use3: return append_civil_seconds(out, e.time, '/');  // real logs repeat the time there
        case col_start:
            return append_civil_seconds(out, truncate_time(e.time, ns_per_second) - elapsed_seconds(e) * ns_per_second, '/');
        case col_bytes: return append_sum(out, e.network.bytes_sent, e.network.bytes_received);
        case col_packets: return append_sum(out, e.network.packets_sent, e.network.packets_received);
        default: out += columns[i].fixed_default;
    }
}

// `scratch` is reused so that checking a record's 60-odd vendor columns allocates nothing.
bool is_default(std::string_view value, std::size_t i, const event& e, std::string& scratch) {
    if (!depends_on_record(i)) return value == columns[i].fixed_default;
    scratch.clear();
    append_default(scratch, i, e);
    return value == scratch;
}

void append_model_column(std::string& out, std::size_t i, const event& e) {
    const network_info& n = e.network;
    switch (i) {
        case col_type: out += "TRAFFIC"; return;
        case col_time: append_civil_seconds(out, e.time, '/'); return;
        case col_src: return append_csv_field(out, n.source.ip);
        case col_dst: return append_csv_field(out, n.destination.ip);
        case col_user: return append_csv_field(out, e.user);
        case col_app: return append_csv_field(out, n.protocol);
        case col_session: return append_csv_field(out, n.session_id);
        case col_sport: return append_uint(out, n.source.port);
        case col_dport: return append_uint(out, n.destination.port);
        case col_proto: return append_csv_field(out, n.transport);
        case col_action: return append_csv_field(out, n.action);
        case col_bytes_sent: return append_optional(out, n.bytes_sent);
        case col_bytes_received: return append_optional(out, n.bytes_received);
        case col_elapsed:
            if (n.duration) append_uint(out, static_cast<std::uint64_t>(elapsed_seconds(e)));
            return;
        case col_seqno: return append_csv_field(out, e.record_id);
        case col_pkts_sent: return append_optional(out, n.packets_sent);
        case col_pkts_received: return append_optional(out, n.packets_received);
        case col_device: return append_csv_field(out, e.host);
        default: return;
    }
}

class panos_writer final : public event_writer {
public:
    explicit panos_writer(output_file& out) : out_(out) {}
    bool write(const event& e) override {
        if (e.kind != event_kind::network_session && e.kind != event_kind::http_request) return false;
        std::string& out = out_.buffer();
        time_text_.clear();  // three columns hold the time: format it once
        append_civil_seconds(time_text_, e.time, '/');
        const auto extras = extras_by_column(e);
        for (std::size_t i = 0; i < columns.size(); ++i) {
            if (i) out.push_back(',');
            if (columns[i].role == model) {
                if (i == col_time) out += time_text_;
                else append_model_column(out, i, e);
                continue;
            }
            if (const std::string* kept = extras[i]) append_csv_field(out, *kept);
            else if (i == col_receive_time || i == col_future_use3) out += time_text_;
            else append_default(out, i, e);
        }
        out.push_back('\n');
        out_.record_done();
        return true;
    }

private:
    output_file& out_;
    std::string time_text_;
};

// ---- reading -------------------------------------------------------------------------------------------

// After the syslog timestamp, a PAN-OS message starts with "1,2023/..." (a host name has no comma).
bool starts_panos_record(std::string_view rest) {
    std::size_t comma = rest.find(',');
    return comma != std::string_view::npos && comma < rest.find(' ');
}

std::optional<std::uint64_t> optional_count(const std::string& text, std::string_view field) {
    if (text.empty()) return std::nullopt;
    return parse_count_field(text, field);
}

class panos_parser final : public line_parser {
public:
    bool parse(std::string_view line, event& e) override {
        if (line.find_first_not_of(" \t") == std::string_view::npos) return false;
        const syslog_split split = split_syslog_prefix(line, starts_panos_record);
        const std::size_t count = split_csv_record(split.message, fields_);
        if (count < min_columns)
            throw record_error("a PAN-OS TRAFFIC record has at least " + std::to_string(min_columns) +
                               " comma-separated columns; this line has " + std::to_string(count));
        for (std::size_t i = count; i < columns.size(); ++i) {  // older releases: the later columns are empty
            if (fields_.size() <= i) fields_.emplace_back();
            fields_[i].clear();
        }
        const auto f = [&](std::size_t i) -> const std::string& { return fields_[i]; };
        if (f(col_type) != "TRAFFIC")
            throw record_error("column 4 (Type) is '" + f(col_type) + "', not TRAFFIC: only TRAFFIC logs are read");
        e.kind = event_kind::network_session;
        if (!parse_civil_seconds(f(col_time), '/', e.time))
            throw record_error("column 7 (Generated Time) '" + f(col_time) + "' is not YYYY/MM/DD hh:mm:ss");
        network_info& n = e.network;
        n.source.ip = f(col_src);
        n.destination.ip = f(col_dst);
        e.user = f(col_user);
        n.protocol = f(col_app);
        n.session_id = f(col_session);
        if (!f(col_sport).empty()) n.source.port = parse_port_field(f(col_sport), "column 25 (Source Port)");
        if (!f(col_dport).empty()) n.destination.port = parse_port_field(f(col_dport), "column 26 (Destination Port)");
        n.transport = f(col_proto);
        n.action = f(col_action);
        n.bytes_sent = optional_count(f(col_bytes_sent), "column 33 (Bytes Sent)");
        n.bytes_received = optional_count(f(col_bytes_received), "column 34 (Bytes Received)");
        if (auto s = optional_count(f(col_elapsed), "column 37 (Elapsed Time)")) {
            n.duration.emplace();
            if (!scale_to_ns(*s, ns_per_second, *n.duration))
                throw record_error("column 37 (Elapsed Time) is out of range: " + f(col_elapsed));
        }
        e.record_id = f(col_seqno);
        n.packets_sent = optional_count(f(col_pkts_sent), "column 45 (Packets Sent)");
        n.packets_received = optional_count(f(col_pkts_received), "column 46 (Packets Received)");
        e.host = f(col_device);
        if (e.host.empty()) e.host = std::string(split.hostname);
        for (std::size_t i = 0; i < std::min(count, columns.size()); ++i) {  // a column an older release lacks is absent
            if (columns[i].role != vendor && columns[i].role != derived) continue;
            if (!is_default(f(i), i, e, scratch_)) e.extra.emplace_back(columns[i].key, f(i));
        }
        return true;
    }

private:
    std::vector<std::string> fields_;
    std::string scratch_;
};

// ---- what survives -----------------------------------------------------------------------------------------

// An http_request is the same session seen by the server that answered it: both kinds read back as a
// network_session.
event retain_panos(const event& e) {
    const network_info& n = e.network;
    event r;
    r.kind = event_kind::network_session;
    r.time = truncate_time(e.time, ns_per_second);
    r.host = one_line(e.host);
    r.user = one_line(e.user);
    r.record_id = one_line(e.record_id);
    network_info& m = r.network;
    m.transport = one_line(n.transport);
    m.protocol = one_line(n.protocol);
    m.action = one_line(n.action);
    m.source.ip = one_line(n.source.ip);
    m.source.port = n.source.port;
    m.destination.ip = one_line(n.destination.ip);
    m.destination.port = n.destination.port;
    m.bytes_sent = n.bytes_sent;
    m.bytes_received = n.bytes_received;
    m.packets_sent = n.packets_sent;
    m.packets_received = n.packets_received;
    if (n.duration) m.duration = elapsed_seconds(e) * ns_per_second;
    m.session_id = one_line(n.session_id);
    std::string scratch;
    const auto extras = extras_by_column(e);
    for (std::size_t i = 0; i < columns.size(); ++i) {
        if (columns[i].role != vendor && columns[i].role != derived) continue;
        const std::string* kept = extras[i];
        if (kept == nullptr) continue;
        std::string value = one_line(*kept);
        if (!is_default(value, i, r, scratch)) r.extra.emplace_back(columns[i].key, std::move(value));
    }
    return r;
}

std::unique_ptr<event_reader> open_panos_reader(const std::string& path, const read_options& options) {
    return std::make_unique<line_event_reader>(path, options, std::make_unique<panos_parser>());
}
std::unique_ptr<event_writer> open_panos_writer(output_file& out) { return std::make_unique<panos_writer>(out); }

}  // namespace

const format_info& panos_traffic_format() {
    static const format_info info{
        .name = "panos-traffic",
        .description = "PAN-OS TRAFFIC log, syslog CSV (PAN-OS 9.1 columns); reads a syslog header too",
        .kinds = kinds_of({event_kind::network_session, event_kind::http_request}),
        .open_reader = open_panos_reader,
        .open_writer = open_panos_writer,
        .retain = retain_panos,
    };
    return info;
}

}  // namespace sclab::telemetry
