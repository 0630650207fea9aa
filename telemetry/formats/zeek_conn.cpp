// Zeek's conn.log in its default TSV form (FIDELITY.md §3 "Proxy and firewall"):
//   #separator \x09
//   #set_separator<TAB>,
//   #empty_field<TAB>(empty)
//   #unset_field<TAB>-
//   #path<TAB>conn
//   #open<TAB>2023-01-11-15-29-45
//   #fields<TAB>ts<TAB>uid<TAB>id.orig_h ...
//   #types<TAB>time<TAB>string<TAB>addr ...
//   1673450985.832287<TAB>CHhAvVGS1DHFjwGM9<TAB>10.0.0.5 ...
//   #close<TAB>2023-01-11-15-30-00
// Zeek writes #close when it closes the file, so a log without it is still being written or was cut off; the
// reader reports that (line_parser::finish). #open and #close carry the first and the latest event time rather
// than the wall clock, so the same events always give the same bytes.
//
// Mapping: uid <-> session_id, id.orig_h/p <-> source, id.resp_h/p <-> destination, proto <-> transport,
// service <-> protocol, conn_state <-> action, orig/resp_bytes <-> bytes_sent/received, orig/resp_pkts <->
// packets_sent/received, duration; local_orig, local_resp, missed_bytes, history, orig_ip_bytes, resp_ip_bytes
// and tunnel_parents travel in `extra`. The reader maps columns by the #fields line, so any order works and columns
// it does not know (newer Zeeks add ip_proto, community_id ...) are kept in `extra`; the writer writes only the
// FIDELITY.md columns. Both network_session and http_request are written and read back as network_session.
//
// Values are escaped as Zeek's ASCII writer does (threading/formatters/Ascii.cc, Desc.cc): non-printable bytes,
// bytes >= 0x80 and '\' as \xNN; a string that equals the unset or empty marker gets its first byte escaped
// ("\x2d", "\x28empty)"). The reader undoes \xNN, takes "-" as unset and "(empty)" as the empty string.
#include <algorithm>
#include <array>
#include <vector>

#include "telemetry/format.hpp"
#include "telemetry/formats/field_text.hpp"
#include "telemetry/text.hpp"
#include "telemetry/time_format.hpp"

namespace sclab::telemetry {

namespace {

struct conn_column {
    std::string_view name, type;
    bool extra;  // travels in event.extra
};

constexpr std::array<conn_column, 21> conn_columns = {{
    {"ts", "time", false},           {"uid", "string", false},          {"id.orig_h", "addr", false},
    {"id.orig_p", "port", false},    {"id.resp_h", "addr", false},      {"id.resp_p", "port", false},
    {"proto", "enum", false},        {"service", "string", false},      {"duration", "interval", false},
    {"orig_bytes", "count", false},  {"resp_bytes", "count", false},    {"conn_state", "string", false},
    {"local_orig", "bool", true},    {"local_resp", "bool", true},      {"missed_bytes", "count", true},
    {"history", "string", true},     {"orig_pkts", "count", false},     {"orig_ip_bytes", "count", true},
    {"resp_pkts", "count", false},   {"resp_ip_bytes", "count", true},  {"tunnel_parents", "set[string]", true},
}};

constexpr std::size_t column_index(std::string_view name) {
    for (std::size_t i = 0; i < conn_columns.size(); ++i)
        if (conn_columns[i].name == name) return i;
    return conn_columns.size();
}

constexpr std::size_t col_uid = column_index("uid"), col_orig_h = column_index("id.orig_h"),
                      col_orig_p = column_index("id.orig_p"), col_resp_h = column_index("id.resp_h"),
                      col_resp_p = column_index("id.resp_p"), col_proto = column_index("proto"),
                      col_service = column_index("service"), col_duration = column_index("duration"),
                      col_orig_bytes = column_index("orig_bytes"), col_resp_bytes = column_index("resp_bytes"),
                      col_conn_state = column_index("conn_state"), col_orig_pkts = column_index("orig_pkts"),
                      col_resp_pkts = column_index("resp_pkts");

constexpr std::string_view unset_marker = "-", empty_marker = "(empty)";

bool zeek_escapes(unsigned char c) { return c < 0x20 || c >= 0x7F || c == '\\'; }

void append_hex_escape(std::string& out, unsigned char c) {
    static constexpr char hex[] = "0123456789abcdef";
    out += "\\x";
    out.push_back(hex[c >> 4]);
    out.push_back(hex[c & 15]);
}

// A string column: "-" when empty (Zeek's unset), else escaped.
void append_string(std::string& out, std::string_view text, bool empty_is_unset = true) {
    if (text.empty()) {
        out += empty_is_unset ? unset_marker : empty_marker;
        return;
    }
    std::size_t start = 0;
    if (text == unset_marker || text == empty_marker) {  // would read back as a marker
        append_hex_escape(out, static_cast<unsigned char>(text[0]));
        start = 1;
    }
    std::size_t run = start;
    for (std::size_t i = start; i < text.size(); ++i) {
        auto c = static_cast<unsigned char>(text[i]);
        if (!zeek_escapes(c)) continue;
        out.append(text.data() + run, i - run);
        append_hex_escape(out, c);
        run = i + 1;
    }
    out.append(text.data() + run, text.size() - run);
}

void append_count(std::string& out, const std::optional<std::uint64_t>& v) {
    if (v) append_uint(out, *v);
    else out += unset_marker;
}

time_ns non_negative(time_ns d) { return std::max<time_ns>(d, 0); }

// #open / #close: "%Y-%m-%d-%H-%M-%S".
void append_header_time(std::string& out, time_ns t) {
    std::string civil;
    append_civil_seconds(civil, t, '-');
    civil[10] = '-';
    civil[13] = '-';
    civil[16] = '-';
    out += civil;
}

class zeek_conn_writer final : public event_writer {
public:
    explicit zeek_conn_writer(output_file& out) : out_(out) {}

    bool write(const event& e) override {
        if (e.kind != event_kind::network_session && e.kind != event_kind::http_request) return false;
        std::string& out = out_.buffer();
        if (!header_written_) write_header(out, e.time);
        latest_ = std::max(latest_, e.time);
        const network_info& n = e.network;
        append_epoch_seconds(out, e.time, 6);
        for (std::size_t i = 1; i < conn_columns.size(); ++i) {
            out.push_back('\t');
            if (conn_columns[i].extra) {
                const std::string* v = find_extra(e, conn_columns[i].name);
                if (v) append_string(out, *v, false);
                else out += unset_marker;
                continue;
            }
            switch (i) {
                case col_uid: append_string(out, n.session_id); break;
                case col_orig_h: append_string(out, n.source.ip); break;
                case col_orig_p: append_uint(out, n.source.port); break;
                case col_resp_h: append_string(out, n.destination.ip); break;
                case col_resp_p: append_uint(out, n.destination.port); break;
                case col_proto: append_string(out, n.transport); break;
                case col_service: append_string(out, n.protocol); break;
                case col_duration:
                    if (n.duration) append_epoch_seconds(out, non_negative(*n.duration), 6);
                    else out += unset_marker;
                    break;
                case col_orig_bytes: append_count(out, n.bytes_sent); break;
                case col_resp_bytes: append_count(out, n.bytes_received); break;
                case col_conn_state: append_string(out, n.action); break;
                case col_orig_pkts: append_count(out, n.packets_sent); break;
                case col_resp_pkts: append_count(out, n.packets_received); break;
                default: out += unset_marker;
            }
        }
        out.push_back('\n');
        out_.record_done();
        return true;
    }

    void finish() override {
        std::string& out = out_.buffer();
        if (!header_written_) write_header(out, 0);
        out += "#close\t";
        append_header_time(out, latest_);
        out.push_back('\n');
    }

private:
    void write_header(std::string& out, time_ns open_time) {
        header_written_ = true;
        latest_ = open_time;
        out += "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n#open\t";
        append_header_time(out, open_time);
        out += "\n#fields";
        for (const conn_column& c : conn_columns) (out += '\t') += c.name;
        out += "\n#types";
        for (const conn_column& c : conn_columns) (out += '\t') += c.type;
        out.push_back('\n');
    }

    output_file& out_;
    bool header_written_ = false;
    time_ns latest_ = 0;
};

// ---- reading -------------------------------------------------------------------------------------------

// Undoes \xNN; any other backslash is kept as it is.
void unescape_into(std::string& out, std::string_view text) {
    out.clear();
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\\' && i + 3 < text.size() && text[i + 1] == 'x') {
            int hi = hex_digit_value(text[i + 2]), lo = hex_digit_value(text[i + 3]);
            if (hi >= 0 && lo >= 0) {
                out.push_back(static_cast<char>(hi * 16 + lo));
                i += 3;
                continue;
            }
        }
        out.push_back(text[i]);
    }
}

enum class target : std::uint8_t {
    ts, uid, orig_h, orig_p, resp_h, resp_p, proto, service, duration, orig_bytes, resp_bytes, conn_state,
    orig_pkts, resp_pkts, extra
};

target target_of(std::string_view name) {
    static constexpr std::array<std::pair<std::string_view, target>, 14> model = {{
        {"ts", target::ts},                 {"uid", target::uid},           {"id.orig_h", target::orig_h},
        {"id.orig_p", target::orig_p},      {"id.resp_h", target::resp_h},  {"id.resp_p", target::resp_p},
        {"proto", target::proto},           {"service", target::service},   {"duration", target::duration},
        {"orig_bytes", target::orig_bytes}, {"resp_bytes", target::resp_bytes}, {"conn_state", target::conn_state},
        {"orig_pkts", target::orig_pkts},   {"resp_pkts", target::resp_pkts},
    }};
    for (const auto& [n, t] : model)
        if (n == name) return t;
    return target::extra;
}

class zeek_conn_parser final : public line_parser {
public:
    bool parse(std::string_view line, event& e) override {
        have_ts_ = false;
        if (line.starts_with('#')) {
            read_header_line(line);
            return false;
        }
        if (line.empty()) return false;
        if (columns_.empty())
            throw record_error("data row before the #fields header line: not a Zeek TSV log, or its header is missing");
        if (closed_) throw record_error("data row after #close: the log was closed before this line");
        if (path_ != "conn") throw record_error("this is a Zeek '" + path_ + "' log, not conn");

        std::size_t count = 0, pos = 0;
        while (true) {
            std::size_t end = line.find(separator_, pos);
            std::string_view value = line.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
            if (count < columns_.size()) read_value(count, value, e);
            ++count;
            if (end == std::string_view::npos) break;
            pos = end + separator_.size();
        }
        if (count != columns_.size())
            throw record_error("row has " + std::to_string(count) + " fields, #fields names " +
                               std::to_string(columns_.size()));
        if (!have_ts_) throw record_error("ts is unset: every conn.log row has a time");
        e.kind = event_kind::network_session;
        return true;
    }

    void finish() override {
        if (!closed_)
            throw record_error(columns_.empty()
                                   ? "no Zeek header and no #close line: empty, or not a Zeek TSV log"
                                   : "no #close line at the end: the log is incomplete (Zeek may still be writing it, "
                                     "or the file was cut off)");
    }

private:
    struct column {
        std::string name;
        target to;
    };

    void read_header_line(std::string_view line) {
        if (line.starts_with("#separator ")) {  // the one header line whose value follows a space
            std::string sep;
            unescape_into(sep, line.substr(11));
            if (sep.empty()) throw record_error("#separator is empty");
            separator_ = sep;
            columns_.clear();  // a new header block starts (Zeek logs can be concatenated)
            closed_ = false;
            path_ = "conn";
            return;
        }
        std::size_t sep_at = line.find(separator_);
        std::string_view key = line.substr(0, sep_at);
        std::string_view rest = sep_at == std::string_view::npos ? std::string_view() : line.substr(sep_at + separator_.size());
        if (key == "#unset_field") unescape_into(unset_, rest);
        else if (key == "#empty_field") unescape_into(empty_, rest);
        else if (key == "#path") unescape_into(path_, rest);
        else if (key == "#close") closed_ = true;
        else if (key == "#fields") read_fields(rest);
    }

    void read_fields(std::string_view names) {
        columns_.clear();
        closed_ = false;
        bool has_ts = false;
        std::size_t pos = 0;
        while (true) {
            std::size_t end = names.find(separator_, pos);
            std::string_view name = names.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
            columns_.push_back({std::string(name), target_of(name)});
            has_ts = has_ts || name == "ts";
            if (end == std::string_view::npos) break;
            pos = end + separator_.size();
        }
        if (!has_ts) {
            columns_.clear();
            throw record_error("#fields has no ts column");
        }
    }

    void read_value(std::size_t i, std::string_view raw, event& e) {
        const column& c = columns_[i];
        if (raw == unset_) return;
        if (raw == empty_) value_.clear();
        else unescape_into(value_, raw);
        network_info& n = e.network;
        switch (c.to) {
            case target::ts:
                if (!parse_epoch_seconds(value_, e.time))
                    throw record_error("ts '" + value_ + "' is not epoch seconds (e.g. 1673450985.832287)");
                have_ts_ = true;
                break;
            case target::uid: n.session_id = value_; break;
            case target::orig_h: n.source.ip = value_; break;
            case target::orig_p: n.source.port = parse_port_field(value_, "id.orig_p"); break;
            case target::resp_h: n.destination.ip = value_; break;
            case target::resp_p: n.destination.port = parse_port_field(value_, "id.resp_p"); break;
            case target::proto: n.transport = value_; break;
            case target::service: n.protocol = value_; break;
            case target::duration: {
                time_ns d = 0;
                if (!parse_epoch_seconds(value_, d))
                    throw record_error("duration '" + value_ + "' is not a number of seconds");
                n.duration = d;
                break;
            }
            case target::orig_bytes: n.bytes_sent = parse_count_field(value_, "orig_bytes"); break;
            case target::resp_bytes: n.bytes_received = parse_count_field(value_, "resp_bytes"); break;
            case target::conn_state: n.action = value_; break;
            case target::orig_pkts: n.packets_sent = parse_count_field(value_, "orig_pkts"); break;
            case target::resp_pkts: n.packets_received = parse_count_field(value_, "resp_pkts"); break;
            case target::extra: e.extra.emplace_back(c.name, value_); break;
        }
    }

    std::string separator_ = "\t", unset_ = "-", empty_ = "(empty)", path_ = "conn";
    std::vector<column> columns_;
    bool closed_ = false;
    bool have_ts_ = false;
    std::string value_;
};

// ---- what survives -----------------------------------------------------------------------------------------

// An http_request is the same session seen by the server that answered it: both kinds read back as a
// network_session.
event retain_zeek_conn(const event& e) {
    const network_info& n = e.network;
    constexpr time_ns us = 1000;
    event r;
    r.kind = event_kind::network_session;
    r.time = truncate_time(e.time, us);
    network_info& m = r.network;
    m.session_id = n.session_id;
    m.source.ip = n.source.ip;
    m.source.port = n.source.port;
    m.destination.ip = n.destination.ip;
    m.destination.port = n.destination.port;
    m.transport = n.transport;
    m.protocol = n.protocol;
    m.action = n.action;
    if (n.duration) m.duration = truncate_time(non_negative(*n.duration), us);
    m.bytes_sent = n.bytes_sent;
    m.bytes_received = n.bytes_received;
    m.packets_sent = n.packets_sent;
    m.packets_received = n.packets_received;
    for (const conn_column& c : conn_columns)
        if (const std::string* v = c.extra ? find_extra(e, c.name) : nullptr) r.extra.emplace_back(c.name, *v);
    return r;
}

std::unique_ptr<event_reader> open_zeek_conn_reader(const std::string& path, const read_options& options) {
    return std::make_unique<line_event_reader>(path, options, std::make_unique<zeek_conn_parser>());
}
std::unique_ptr<event_writer> open_zeek_conn_writer(output_file& out) {
    return std::make_unique<zeek_conn_writer>(out);
}

}  // namespace

const format_info& zeek_conn_format() {
    static const format_info info{
        .name = "zeek-conn",
        .description = "Zeek conn.log, TSV with #fields/#types header and #close footer",
        .kinds = kinds_of({event_kind::network_session, event_kind::http_request}),
        .open_reader = open_zeek_conn_reader,
        .open_writer = open_zeek_conn_writer,
        .retain = retain_zeek_conn,
    };
    return info;
}

}  // namespace sclab::telemetry
