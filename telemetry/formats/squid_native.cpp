// Squid's native access.log (logformat "squid", FIDELITY.md §3 "Proxy and firewall"):
//   %ts.%03tu %6tr %>a %Ss/%03>Hs %<st %rm %ru %[un %Sh/%<a %mt
//   1673450985.832    153 10.0.0.5 TCP_TUNNEL/200 6083 CONNECT beacon.example.workers.dev:443 - HIER_DIRECT/104.16.1.1 -
// and "squid-upload": the same with %>st (request bytes) appended. Native Squid cannot log upload bytes, so a lab
// that wants them configures that custom logformat; one reader takes both.
//
// A proxy line is a session seen from the proxy: network_session and http_request both read back as a
// network_session. Bytes are from the client's (initiator's) view: %<st, bytes Squid sent to the client, is
// bytes_received; %>st, bytes it received from the client, is bytes_sent. %<a, the server Squid connected to, is
// the destination; Squid's own address and the client port are not in the format.
//
// Encodings follow Squid itself (src/format/Format.cc, src/format/Quoting.cc, lib/rfc1738.c):
//  - %ru is the URL "filtered for logging" by rfc1738_escape_unescaped: controls, space, bytes >= 0x80 and
//    <>"#{}|\^~[]`' become %XX, '%' is left alone. %rm goes through the same function. The reader keeps both as
//    logged: a URL's own %XX are the URL's business.
//  - %[un is QuoteMimeBlob: controls, bytes >= 0x7F, '%', '[' and ']' become %xx, CR/LF become \r \n and '\' is
//    doubled; the reader decodes it exactly. Squid leaves a space as is there, which would split the field: this
//    writer also writes a space as %20 so that a line always has its 10 fields (deviation, decoded the same way).
//  - %mt is the Content-Type up to the first ';', tab or space (Squid's HttpReply keeps only the media type).
//  - a value Squid does not have is "-"; an empty result code is written NONE, as Squid does for errors.
#include <array>
#include <charconv>

#include "telemetry/byte_scan.hpp"
#include "telemetry/format.hpp"
#include "telemetry/formats/field_text.hpp"
#include "telemetry/staged_text.hpp"
#include "telemetry/text.hpp"
#include "telemetry/time_format.hpp"

namespace sclab::telemetry {

namespace {

constexpr std::string_view hier_code_key = "hier_code";  // %Sh, e.g. HIER_DIRECT, when not the obvious one

// rfc1738_escape_unescaped: what Squid applies to %ru and %rm. A table, because writers run per byte.
constexpr std::array<bool, 256> url_unsafe_bytes = [] {
    std::array<bool, 256> t{};
    for (int c = 0; c < 256; ++c) t[static_cast<std::size_t>(c)] = c <= ' ' || c >= 0x80;
    for (char c : std::string_view("<>\"#{}|\\^~[]`'")) t[static_cast<unsigned char>(c)] = true;
    return t;
}();

void append_url_escaped(staged_text& out, std::string_view text) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::size_t run = 0;
    for (std::size_t i = find_flagged(text, 0, url_unsafe_bytes); i < text.size();
         i = find_flagged(text, i + 1, url_unsafe_bytes)) {
        auto c = static_cast<unsigned char>(text[i]);
        out.put(text.substr(run, i - run));
        run = i + 1;
        out.put('%');
        out.put(hex[c >> 4]);
        out.put(hex[c & 15]);
    }
    out.put(text.substr(run));
}

// QuoteMimeBlob (what %[un uses), plus a space as %20 so the field stays one token.
void append_user_quoted(staged_text& out, std::string_view text) {
    static constexpr char hex[] = "0123456789abcdef";
    for (char ch : text) {
        auto c = static_cast<unsigned char>(ch);
        if (c == '\r') {
            out.put("\\r");
        } else if (c == '\n') {
            out.put("\\n");
        } else if (c <= 0x20 || c >= 0x7F || c == '%' || c == '[' || c == ']') {
            out.put('%');
            out.put(hex[c >> 4]);
            out.put(hex[c & 15]);
        } else if (c == '\\') {
            out.put("\\\\");
        } else {
            out.put(ch);
        }
    }
}

// Inverse of append_user_quoted. A '%' or '\' that starts no known sequence is kept: older Squids quoted less.
std::string decode_user(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '%' && i + 2 < text.size()) {
            int hi = hex_digit_value(text[i + 1]), lo = hex_digit_value(text[i + 2]);
            if (hi >= 0 && lo >= 0) {
                out.push_back(static_cast<char>(hi * 16 + lo));
                i += 2;
                continue;
            }
        } else if (c == '\\' && i + 1 < text.size()) {
            char n = text[i + 1];
            if (n == '\\' || n == 'r' || n == 'n') {
                out.push_back(n == 'r' ? '\r' : n == 'n' ? '\n' : '\\');
                ++i;
                continue;
            }
        }
        out.push_back(c);
    }
    return out;
}

std::string_view media_type(std::string_view content_type) {
    return content_type.substr(0, content_type.find_first_of("; \t"));
}

std::string_view default_hier_code(std::string_view peer) { return peer.empty() ? "HIER_NONE" : "HIER_DIRECT"; }

void url_escaped_or_dash(staged_text& out, std::string_view text) {
    if (text.empty()) out.put('-');
    else append_url_escaped(out, text);
}

void count_or_dash(staged_text& out, const std::optional<std::uint64_t>& v) {
    if (v) out.put_number(*v);
    else out.put('-');
}

std::uint64_t duration_ms(time_ns d) { return d < 0 ? 0 : static_cast<std::uint64_t>(d / ns_per_ms); }

void write_squid_line(std::string& line, const event& e, bool with_upload_bytes) {
    const network_info& n = e.network;
    append_epoch_seconds(line, e.time, 3);
    staged_text out(line);
    out.put(' ');
    char elapsed[staged_text::max_digits] = {'-'};  // %6tr: right-aligned in six columns
    const char* elapsed_end = elapsed + 1;
    if (n.duration) elapsed_end = std::to_chars(elapsed, elapsed + sizeof elapsed, duration_ms(*n.duration)).ptr;
    const auto elapsed_size = static_cast<std::size_t>(elapsed_end - elapsed);
    for (std::size_t width = elapsed_size; width < 6; ++width) out.put(' ');
    out.put(std::string_view(elapsed, elapsed_size));
    out.put(' ');
    url_escaped_or_dash(out, n.source.ip);
    out.put(' ');
    if (n.action.empty()) out.put("NONE");
    else append_url_escaped(out, n.action);
    out.put('/');
    if (e.http.status < 100) out.put(e.http.status < 10 ? "00" : "0");  // %03>Hs
    out.put_number(e.http.status);
    out.put(' ');
    count_or_dash(out, n.bytes_received);
    out.put(' ');
    url_escaped_or_dash(out, e.http.method);
    out.put(' ');
    url_escaped_or_dash(out, e.http.url);
    out.put(' ');
    if (e.user.empty()) out.put('-');
    else append_user_quoted(out, e.user);
    out.put(' ');
    const std::string* hier = find_extra(e, hier_code_key);
    append_url_escaped(out, hier ? std::string_view(*hier) : default_hier_code(n.destination.ip));
    out.put('/');
    url_escaped_or_dash(out, n.destination.ip);
    out.put(' ');
    url_escaped_or_dash(out, media_type(e.http.content_type));
    if (with_upload_bytes) {
        out.put(' ');
        count_or_dash(out, n.bytes_sent);
    }
    out.put('\n');
}

class squid_writer final : public event_writer {
public:
    squid_writer(output_file& out, bool with_upload_bytes) : out_(out), upload_(with_upload_bytes) {}
    bool write(const event& e) override {
        if (e.kind != event_kind::network_session && e.kind != event_kind::http_request) return false;
        write_squid_line(out_.buffer(), e, upload_);
        out_.record_done();
        return true;
    }

private:
    output_file& out_;
    bool upload_;
};

// ---- reading -------------------------------------------------------------------------------------------

std::string dash_empty(std::string_view token) { return token == "-" ? std::string() : std::string(token); }

std::optional<std::uint64_t> optional_count(std::string_view token, std::string_view field) {
    if (token == "-") return std::nullopt;
    return parse_count_field(token, field);
}

class squid_parser final : public line_parser {
public:
    bool parse(std::string_view line, event& e) override {
        // Fields are separated by runs of spaces (%6tr pads with them).
        std::array<std::string_view, 12> f;
        std::size_t count = 0, pos = 0;
        while (pos < line.size()) {
            if (line[pos] == ' ') {
                ++pos;
                continue;
            }
            std::size_t end = line.find(' ', pos);
            if (end == std::string_view::npos) end = line.size();
            if (count < f.size()) f[count] = line.substr(pos, end - pos);
            ++count;
            pos = end;
        }
        if (count == 0) return false;
        if (count != 10 && count != 11)
            throw record_error("expected 10 fields (Squid native logformat) or 11 (with %>st), found " +
                               std::to_string(count));
        e.kind = event_kind::network_session;
        if (!parse_epoch_seconds(f[0], e.time))
            throw record_error("timestamp '" + std::string(f[0]) + "' is not epoch seconds with milliseconds (%ts.%03tu)");
        network_info& n = e.network;
        if (auto ms = optional_count(f[1], "elapsed time (%tr)")) {
            n.duration.emplace();
            if (!scale_to_ns(*ms, ns_per_ms, *n.duration)) throw record_error("elapsed time (%tr) is out of range");
        }
        n.source.ip = dash_empty(f[2]);
        const std::size_t slash = f[3].rfind('/');
        if (slash == std::string_view::npos)
            throw record_error("result field '" + std::string(f[3]) + "' is not code/status (e.g. TCP_MISS/200)");
        n.action = std::string(f[3].substr(0, slash));
        std::uint64_t status = 0;
        if (!parse_uint_max(f[3].substr(slash + 1), 65535, status))
            throw record_error("HTTP status in '" + std::string(f[3]) + "' is not a number (expected e.g. TCP_MISS/200)");
        e.http.status = static_cast<std::uint16_t>(status);
        n.bytes_received = optional_count(f[4], "bytes to the client (%<st)");
        e.http.method = dash_empty(f[5]);
        e.http.url = dash_empty(f[6]);
        if (f[7] != "-") e.user = decode_user(f[7]);
        const std::size_t peer_slash = f[8].rfind('/');
        if (peer_slash == std::string_view::npos)
            throw record_error("hierarchy field '" + std::string(f[8]) + "' is not code/peer (e.g. HIER_DIRECT/1.2.3.4)");
        n.destination.ip = dash_empty(f[8].substr(peer_slash + 1));
        std::string_view hier = f[8].substr(0, peer_slash);
        if (hier != default_hier_code(n.destination.ip)) e.set_extra(std::string(hier_code_key), std::string(hier));
        e.http.content_type = dash_empty(f[9]);
        if (count == 11) n.bytes_sent = optional_count(f[10], "bytes from the client (%>st)");
        return true;
    }
};

// ---- what survives -----------------------------------------------------------------------------------------

std::string url_escaped(std::string_view text) {
    std::string s;
    staged_text out(s);
    append_url_escaped(out, text);
    out.flush();
    return s;
}

// A token as the reader returns it: escaped as Squid logs it, and "-" is Squid's "nothing".
std::string logged_token(std::string_view text) {
    std::string s = url_escaped(text);
    return s == "-" ? std::string() : s;
}

// An http_request is the same session seen by the server that answered it: both kinds read back as a
// network_session.
event retain_squid(const event& e, bool with_upload_bytes) {
    const network_info& n = e.network;
    event r;
    r.kind = event_kind::network_session;
    r.time = truncate_time(e.time, ns_per_ms);
    r.user = e.user == "-" ? std::string() : e.user;
    r.network.action = n.action.empty() ? "NONE" : url_escaped(n.action);
    r.network.source.ip = logged_token(n.source.ip);
    r.network.destination.ip = logged_token(n.destination.ip);
    r.network.bytes_received = n.bytes_received;
    if (with_upload_bytes) r.network.bytes_sent = n.bytes_sent;
    if (n.duration) r.network.duration = static_cast<time_ns>(duration_ms(*n.duration)) * ns_per_ms;
    r.http.method = logged_token(e.http.method);
    r.http.url = logged_token(e.http.url);
    r.http.status = e.http.status;
    r.http.content_type = logged_token(media_type(e.http.content_type));
    if (const std::string* hier = find_extra(e, hier_code_key)) {
        std::string logged = url_escaped(*hier);
        if (logged != default_hier_code(r.network.destination.ip)) r.set_extra(std::string(hier_code_key), logged);
    }
    return r;
}

event retain_native(const event& e) { return retain_squid(e, false); }
event retain_upload(const event& e) { return retain_squid(e, true); }

std::unique_ptr<event_reader> open_squid_reader(const std::string& path, const read_options& options) {
    return std::make_unique<line_event_reader>(path, options, std::make_unique<squid_parser>());
}
std::unique_ptr<event_writer> open_native_writer(output_file& out) { return std::make_unique<squid_writer>(out, false); }
std::unique_ptr<event_writer> open_upload_writer(output_file& out) { return std::make_unique<squid_writer>(out, true); }

constexpr kind_set squid_kinds = kinds_of({event_kind::network_session, event_kind::http_request});

}  // namespace

const format_info& squid_format() {
    static const format_info info{
        .name = "squid",
        .description = "Squid native access.log (logformat squid); reads the %>st variant too",
        .kinds = squid_kinds,
        .open_reader = open_squid_reader,
        .open_writer = open_native_writer,
        .retain = retain_native,
    };
    return info;
}

const format_info& squid_upload_format() {
    static const format_info info{
        .name = "squid-upload",
        .description = "Squid native access.log with %>st (bytes from the client) appended: a custom logformat",
        .kinds = squid_kinds,
        .open_reader = open_squid_reader,
        .open_writer = open_upload_writer,
        .retain = retain_upload,
    };
    return info;
}

}  // namespace sclab::telemetry
