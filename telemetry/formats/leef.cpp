// LEEF, the Log Event Extended Format QRadar ingests (FIDELITY.md §3 "QRadar"): an optional syslog header, a
// '|'-separated header and key=value attributes.
//   LEEF:2.0|sclab|sclab|1.0|TCP_TUNNEL|x09|devTimeFormat=MMM dd yyyy HH:mm:ss.SSS z<TAB>devTime=Jan 11 2023 ...
// The writer emits LEEF 2.0 with a tab delimiter given in the hex form ("x09"; tab is also LEEF 1.0's fixed
// separator). The reader takes LEEF 1.0 (tab-separated, no delimiter field) and LEEF 2.0 with any delimiter,
// given as one character or as hex (x09, 0x5E, up to 4 hex digits), and an optional RFC 3164/5424 syslog header
// whose host name becomes the event host.
//
// Mapping (IBM's predefined keys): EventID <-> network.action (with cat it selects the QRadar QID), devTime,
// proto <-> transport, src/srcPort, dst/dstPort, usrName, url, srcBytes/dstBytes (bytes sent/received by the
// source), srcPackets/dstPackets; cat is "network_session" unless an extra "cat" says otherwise (a sender's own
// category, such as a firewall's log type). The destination host name has no predefined key: it goes in the custom key
// `dhost`, which a QRadar custom event property ("Destination Hostname", as IBM's Sigma backend names it) extracts;
// without one, AQL's destinationhostname is empty (FIDELITY.md §1). Any other attribute travels in `extra` under its
// own key and is written back after the predefined ones. Header fields other than EventID travel as extras
// leef_vendor/leef_product/leef_product_version when they differ from this writer's.
//
// Escaping: LEEF's specification defines none (*unverified*). This follows CEF and other LEEF writers: in a
// value, a backslash escapes the delimiter, '=' and '|'; in the header, '|' (see key_value_scan.hpp). Line breaks
// become spaces.
#include <array>
#include <string_view>

#include "telemetry/format.hpp"
#include "telemetry/formats/field_text.hpp"
#include "telemetry/formats/java_date_format.hpp"
#include "telemetry/formats/key_value_scan.hpp"
#include "telemetry/formats/syslog_prefix.hpp"
#include "telemetry/staged_text.hpp"
#include "telemetry/text.hpp"
#include "telemetry/time_format.hpp"

namespace sclab::telemetry {

namespace {

constexpr std::string_view default_vendor = "sclab", default_product = "sclab", default_product_version = "1.0";
constexpr std::string_view vendor_key = "leef_vendor", product_key = "leef_product",
                           product_version_key = "leef_product_version";
constexpr std::string_view default_category = "network_session";
constexpr std::string_view unknown_event_id = "unknown";  // EventID is required; an event with no action gets this
// One of the patterns IBM's LEEF guide suggests; QRadar parses devTime with Java's SimpleDateFormat.
constexpr std::string_view written_time_format = "MMM dd yyyy HH:mm:ss.SSS z";

constexpr backslash_escaping header_rule{"|", "\\|"};
constexpr std::string_view value_escapable = "\\=|";
constexpr std::string_view written_delimiter = "\t", written_delimiter_field = "x09";

// Keys the writer fills itself: an extra with one of these names cannot be written as a custom attribute.
constexpr std::array<std::string_view, 15> model_keys = {"devTime", "devTimeFormat", "cat",     "proto",
                                                          "src",     "srcPort",       "dst",     "dstPort",
                                                          "dhost",   "usrName",       "url",     "srcBytes",
                                                          "dstBytes", "srcPackets",   "dstPackets"};

bool is_model_key(std::string_view key) {
    for (std::string_view k : model_keys)
        if (k == key) return true;
    return false;
}

bool is_header_key(std::string_view key) {
    return key == vendor_key || key == product_key || key == product_version_key;
}

// An extra can be a custom attribute when its key can be written unescaped and is not taken.
bool writable_custom_key(std::string_view key) {
    if (key.empty() || is_model_key(key) || is_header_key(key)) return false;
    for (char c : key)
        if (c == '=' || c == '\\' || c == '|' || static_cast<unsigned char>(c) <= ' ') return false;
    return true;
}

std::string_view header_value(const event& e, std::string_view key, std::string_view fallback) {
    const std::string* v = find_extra(e, key);
    return v ? std::string_view(*v) : fallback;
}

// devTime in written_time_format: "Jan 11 2023 15:29:45.832 GMT".
void append_dev_time(std::string& out, time_ns t) {
    const civil_time c = to_civil(t);
    out += month_abbreviation(c.month);
    out.push_back(' ');
    append_two_digits(out, c.day);
    out.push_back(' ');
    append_uint(out, static_cast<std::uint64_t>(c.year));
    out.push_back(' ');
    append_clock_time(out, c);
    out.push_back('.');
    const int ms = c.nanos / 1'000'000;
    out.push_back(static_cast<char>('0' + ms / 100));
    append_two_digits(out, ms % 100);
    out += " GMT";
}

class leef_writer final : public event_writer {
public:
    explicit leef_writer(output_file& out) : out_(out) {}
    bool write(const event& e) override {
        if (e.kind != event_kind::network_session && e.kind != event_kind::http_request) return false;
        staged_text out(out_.buffer());
        const network_info& n = e.network;
        out.put("LEEF:2.0|");
        for (std::string_view v : {header_value(e, vendor_key, default_vendor), header_value(e, product_key, default_product),
                                   header_value(e, product_version_key, default_product_version),
                                   n.action.empty() ? unknown_event_id : std::string_view(n.action)}) {
            append_backslash_escaped(out, v, header_rule);
            out.put('|');
        }
        out.put(written_delimiter_field);
        out.put('|');
        first_ = true;
        text(out, "devTimeFormat", written_time_format);
        key(out, "devTime");
        append_dev_time(out.flushed(), e.time);
        const std::string* category = find_extra(e, "cat");
        text(out, "cat", category ? std::string_view(*category) : default_category, true);
        text(out, "proto", n.transport);
        text(out, "src", n.source.ip);
        port(out, "srcPort", n.source.port);
        text(out, "dst", n.destination.ip);
        port(out, "dstPort", n.destination.port);
        text(out, "dhost", n.destination.hostname);
        text(out, "usrName", e.user);
        text(out, "url", e.http.url);
        count(out, "srcBytes", n.bytes_sent);
        count(out, "dstBytes", n.bytes_received);
        count(out, "srcPackets", n.packets_sent);
        count(out, "dstPackets", n.packets_received);
        for (const auto& [k, v] : e.extra) {
            if (!writable_custom_key(k) || written_before(e, k)) continue;
            text(out, k, v, true);
        }
        out.put('\n');
        out.flush();
        out_.record_done();
        return true;
    }

private:
    void key(staged_text& out, std::string_view k) {
        if (!first_) out.put(written_delimiter);
        first_ = false;
        out.put(k);
        out.put('=');
    }
    // Empty values are left out: LEEF has no "absent" marker.
    void text(staged_text& out, std::string_view k, std::string_view v, bool keep_empty = false) {
        if (v.empty() && !keep_empty) return;
        key(out, k);
        append_backslash_escaped(out, v, backslash_escaping{written_delimiter, value_escapable});
    }
    void port(staged_text& out, std::string_view k, std::uint16_t p) {
        if (p == 0) return;
        key(out, k);
        out.put_number(p);
    }
    void count(staged_text& out, std::string_view k, const std::optional<std::uint64_t>& v) {
        if (!v) return;
        key(out, k);
        out.put_number(*v);
    }
    // A repeated extra key is written once (QRadar ignores a key's second value).
    static bool written_before(const event& e, const std::string& k) {
        for (const auto& [other, v] : e.extra) {
            if (&other == &k) return false;
            if (other == k) return true;
        }
        return false;
    }

    output_file& out_;
    bool first_ = true;
};

// ---- reading -------------------------------------------------------------------------------------------

bool starts_leef(std::string_view rest) { return rest.starts_with("LEEF:"); }

// Whether text is exactly one UTF-8 character.
bool is_one_character(std::string_view text) {
    if (text.empty()) return false;
    auto lead = static_cast<unsigned char>(text[0]);
    std::size_t n = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 0;
    return n != 0 && n == text.size();
}

// LEEF 2.0's delimiter field: one character, or "x"/"0x" and 1-4 hex digits. False when it is neither.
bool decode_delimiter(std::string_view field, std::string& out) {
    std::string_view digits;
    if (field.size() > 1 && (field[0] == 'x' || field[0] == 'X')) digits = field.substr(1);
    else if (field.size() > 2 && field[0] == '0' && (field[1] == 'x' || field[1] == 'X')) digits = field.substr(2);
    if (!digits.empty() && digits.size() <= 4) {
        std::uint32_t cp = 0;
        bool hex = true;
        for (char c : digits) {
            int d = hex_digit_value(c);
            hex = hex && d >= 0;
            cp = cp * 16 + static_cast<std::uint32_t>(d < 0 ? 0 : d);
        }
        if (hex && cp != 0 && cp != '\n' && cp != '\r') {
            out.clear();
            append_utf8(out, cp);
            return true;
        }
    }
    if (is_one_character(field)) {
        out.assign(field);
        return true;
    }
    return false;
}

// devTime without devTimeFormat: IBM documents the Java pattern; senders also use epoch milliseconds and ISO 8601
// (*unverified* that QRadar takes the last two without a devTimeFormat).
bool parse_default_dev_time(std::string_view text, time_ns& out) {
    std::uint64_t epoch = 0;
    if (parse_uint(text, epoch)) {
        return scale_to_ns(epoch, text.size() >= 12 ? ns_per_ms : ns_per_second, out);
    }
    if (parse_iso8601(text, out)) return true;
    static const std::array<java_date_pattern, 3> defaults = [] {
        std::array<java_date_pattern, 3> p;
        std::string why;
        p[0].compile("MMM dd yyyy HH:mm:ss", why);
        p[1].compile("MMM dd yyyy HH:mm:ss.SSS", why);
        p[2].compile("MMM dd yyyy HH:mm:ss.SSS z", why);
        return p;
    }();
    std::string why;
    for (const java_date_pattern& p : defaults)
        if (p.parse(text, out, why)) return true;
    return false;
}

class leef_parser final : public line_parser {
public:
    bool parse(std::string_view line, event& e) override {
        if (line.find_first_not_of(" \t") == std::string_view::npos) return false;
        std::string_view message = line;
        if (!starts_leef(line)) {
            const syslog_split split = split_syslog_prefix(line, starts_leef);
            message = split.message;
            e.host = std::string(split.hostname);
        }
        if (!starts_leef(message))
            throw record_error("no LEEF header: the record does not start with 'LEEF:' (after an optional syslog header)");
        e.kind = event_kind::network_session;

        std::size_t pos = 5;
        std::size_t bar = message.find('|', pos);
        const std::string_view version = message.substr(pos, bar == std::string_view::npos ? 0 : bar - pos);
        const bool v2 = version == "2.0" || version == "2";
        if (!v2 && version != "1.0" && version != "1")
            throw record_error("LEEF version '" + std::string(version) + "' is neither 1.0 nor 2.0");
        pos = bar + 1;
        std::array<std::string, 4> header;  // vendor, product, product version, EventID
        for (std::string& field : header) {
            std::size_t end = find_unescaped_separator(message, pos, header_rule);
            if (end == message.size())
                throw record_error("the LEEF header has fewer than 5 '|'-separated fields (Vendor|Product|Version|EventID|)");
            append_backslash_unescaped(field, message.substr(pos, end - pos), header_rule);
            pos = end + 1;
        }
        std::string_view attributes = message.substr(pos);
        delimiter_.assign(1, '\t');
        if (v2) read_delimiter_field(attributes);

        if (header[0] != default_vendor) e.extra.emplace_back(vendor_key, header[0]);
        if (header[1] != default_product) e.extra.emplace_back(product_key, header[1]);
        if (header[2] != default_product_version) e.extra.emplace_back(product_version_key, header[2]);
        network_info& n = e.network;
        n.action = std::move(header[3]);

        std::string dev_time, dev_time_format_text;
        bool have_time = false;
        key_value_scanner scanner(attributes, backslash_escaping{delimiter_, value_escapable});
        std::string_view k;
        while (scanner.next(k, value_)) {
            if (k == "devTime") {
                dev_time = value_;
                have_time = true;
            } else if (k == "devTimeFormat") dev_time_format_text = value_;
            else if (k == "proto") n.transport = value_;
            else if (k == "src") n.source.ip = value_;
            else if (k == "dst") n.destination.ip = value_;
            else if (k == "dhost") n.destination.hostname = value_;
            else if (k == "usrName") e.user = value_;
            else if (k == "url") e.http.url = value_;
            else if (k == "srcPort") n.source.port = parse_port_field(value_, "srcPort");
            else if (k == "dstPort") n.destination.port = parse_port_field(value_, "dstPort");
            else if (k == "srcBytes") n.bytes_sent = parse_count_field(value_, "srcBytes");
            else if (k == "dstBytes") n.bytes_received = parse_count_field(value_, "dstBytes");
            else if (k == "srcPackets") n.packets_sent = parse_count_field(value_, "srcPackets");
            else if (k == "dstPackets") n.packets_received = parse_count_field(value_, "dstPackets");
            else if (k == "cat" && value_ == default_category) continue;
            else if (find_extra(e, k) == nullptr) e.extra.emplace_back(std::string(k), value_);
        }
        if (!have_time) throw record_error("no devTime attribute: the event time is required");
        std::string why;
        bool ok = false;
        if (dev_time_format_text.empty()) {
            ok = parse_default_dev_time(dev_time, e.time);
        } else {
            // A source sends the same devTimeFormat on every event: compile it once.
            const bool cached = custom_time_format_.usable() && dev_time_format_text == custom_time_format_.pattern();
            if (!cached && !custom_time_format_.compile(dev_time_format_text, why)) throw record_error(why);
            ok = custom_time_format_.parse(dev_time, e.time, why);
        }
        if (!ok)
            throw record_error(why.empty() ? "devTime '" + dev_time +
                                                 "' is not in LEEF's default format (MMM dd yyyy HH:mm:ss) and there "
                                                 "is no devTimeFormat"
                                           : why);
        return true;
    }

private:
    // LEEF 2.0: "<delimiter>|" follows EventID. Senders may leave the field out, or use '|' itself ("|||").
    void read_delimiter_field(std::string_view& attributes) {
        if (attributes.starts_with("||")) {
            delimiter_.assign(1, '|');  // not = "|": GCC 12 -O3 warns falsely (-Wrestrict, GCC bug 105651)
            attributes.remove_prefix(2);
            return;
        }
        const std::size_t end = attributes.find('|');
        const std::string_view field = attributes.substr(0, end);
        if (end != std::string_view::npos && field.empty()) {
            attributes.remove_prefix(1);  // an empty field: the default
            return;
        }
        if (end != std::string_view::npos && decode_delimiter(field, delimiter_)) {
            attributes.remove_prefix(end + 1);
            return;
        }
        if (field.find('=') != std::string_view::npos) return;  // no delimiter field: attributes start here
        throw record_error("the LEEF 2.0 delimiter field '" + std::string(field.substr(0, 20)) +
                           "' is neither one character nor a hex code such as x09 or 0x5E");
    }

    std::string delimiter_;
    std::string value_;
    java_date_pattern custom_time_format_;
};

// ---- what survives -----------------------------------------------------------------------------------------

// An http_request is the same session seen by the server that answered it: both kinds read back as a
// network_session.
event retain_leef(const event& e) {
    const network_info& n = e.network;
    event r;
    r.kind = event_kind::network_session;
    r.time = truncate_time(e.time, ns_per_ms);
    r.user = one_line(e.user);
    network_info& m = r.network;
    m.action = n.action.empty() ? std::string(unknown_event_id) : one_line(n.action);
    m.transport = one_line(n.transport);
    m.source.ip = one_line(n.source.ip);
    m.source.port = n.source.port;
    m.destination.ip = one_line(n.destination.ip);
    m.destination.port = n.destination.port;
    m.destination.hostname = one_line(n.destination.hostname);
    m.bytes_sent = n.bytes_sent;
    m.bytes_received = n.bytes_received;
    m.packets_sent = n.packets_sent;
    m.packets_received = n.packets_received;
    r.http.url = one_line(e.http.url);
    // Extras come back in the order the reader meets them: header fields, cat, then custom attributes.
    for (auto [key, fallback] : {std::pair{vendor_key, default_vendor}, std::pair{product_key, default_product},
                                 std::pair{product_version_key, default_product_version},
                                 std::pair{std::string_view("cat"), default_category}}) {
        const std::string* v = find_extra(e, key);
        if (v == nullptr) continue;
        std::string kept = one_line(*v);
        if (kept != fallback) r.extra.emplace_back(std::string(key), std::move(kept));
    }
    for (const auto& [k, v] : e.extra)
        if (writable_custom_key(k) && find_extra(r, k) == nullptr) r.extra.emplace_back(k, one_line(v));
    return r;
}

std::unique_ptr<event_reader> open_leef_reader(const std::string& path, const read_options& options) {
    return std::make_unique<line_event_reader>(path, options, std::make_unique<leef_parser>());
}
std::unique_ptr<event_writer> open_leef_writer(output_file& out) { return std::make_unique<leef_writer>(out); }

}  // namespace

const format_info& leef_format() {
    static const format_info info{
        .name = "leef",
        .description = "QRadar LEEF 2.0 network sessions (reads LEEF 1.0/2.0, any delimiter, syslog header)",
        .kinds = kinds_of({event_kind::network_session, event_kind::http_request}),
        .open_reader = open_leef_reader,
        .open_writer = open_leef_writer,
        .retain = retain_leef,
    };
    return info;
}

}  // namespace sclab::telemetry
