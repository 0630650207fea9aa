#include "emulators/request_records.hpp"

#include <array>

#include "emulators/log_redaction.hpp"
#include "telemetry/text.hpp"

namespace sclab::emulators {

namespace {

using telemetry::event;
using telemetry::event_kind;

constexpr std::size_t max_logged_header = 1024;

std::string bounded(std::string_view text, std::size_t limit = max_logged_header) {
    return std::string(text.substr(0, limit));
}

// Host header characters a URL may hold as they are; anything else is percent-encoded so no log format's
// delimiter can be smuggled in through Host.
void append_host(std::string& out, std::string_view host) {
    static constexpr char hex[] = "0123456789ABCDEF";
    host = host.substr(0, 255);
    const std::size_t from = out.size();
    out.resize(from + 3 * host.size());  // the most it can take; cut to what was written
    char* p = out.data() + from;
    for (unsigned char c : host) {
        bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                     c == '-' || c == '_' || c == ':' || c == '[' || c == ']';
        if (plain) {
            *p++ = static_cast<char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);  // ASCII only: no locale
        } else {
            *p++ = '%';
            *p++ = hex[c >> 4];
            *p++ = hex[c & 15];
        }
    }
    out.resize(static_cast<std::size_t>(p - out.data()));
}

// The id the platform answered with, as its own logs would name the request: the first of these headers the
// response has. One pass over the response's dozen fields, rather than a lookup by name for each candidate.
std::string platform_request_id(const response& res) {
    static constexpr std::array<std::string_view, 6> headers = {
        "x-amzn-RequestId", "apigw-requestid", "x-amz-apigw-id", "CF-RAY", "function-execution-id", "x-request-id"};
    std::size_t best = headers.size();
    std::string_view value;
    for (const auto& field : res) {
        const std::string_view name = field.name_string();
        for (std::size_t i = 0; i < best; ++i) {
            if (name.size() == headers[i].size() && boost::beast::iequals(name, headers[i])) {
                best = i;  // a repeated header keeps its first value, as response::find would give
                value = field.value();
                break;
            }
        }
    }
    return best == headers.size() ? std::string() : bounded(value, 256);
}

void set_endpoints(event& e, const connection_info& conn) {
    telemetry::network_info& n = e.network;
    n.transport = "tcp";
    // The emulated platforms are "the internet": to a proxy or firewall of the lab, the clients reach out.
    n.direction = "outbound";
    n.source.ip = conn.client_ip;
    n.source.port = conn.client_port;
    n.destination.ip = conn.local_ip;
    n.destination.port = conn.local_port;
    n.server_name = conn.sni;
}

}  // namespace

std::string logged_url(const connection_info& conn, const request& req) {
    std::string_view target = req.target();
    if (telemetry::starts_with_ci(target, "http://") || telemetry::starts_with_ci(target, "https://")) return redact_url(target);
    std::string url = "https://";
    auto host = req.find(http::field::host);
    if (host != req.end() && !host->value().empty()) append_host(url, host->value());
    else if (!conn.sni.empty()) append_host(url, conn.sni);
    else append_host(url, conn.local_ip);
    url.append(target.substr(0, 16 * 1024));  // Cloudflare's URL limit; longer targets are cut, not logged whole
    redact_url_in_place(url);
    return url;
}

std::string run_id_of(const request& req) {
    auto it = req.find(run_id_header);
    if (it == req.end()) return {};
    std::string_view v = it->value();
    if (v.empty() || v.size() > 128) return {};
    for (char c : v) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                  c == '_' || c == ':' || c == '-';
        if (!ok) return {};
    }
    return std::string(v);
}

event access_event(const connection_info& conn, const std::string& host, const request& req, const response& res,
                   const exchange_facts& facts) {
    event e;
    e.kind = event_kind::http_request;
    e.time = facts.started;
    e.run_id = run_id_of(req);
    set_endpoints(e, conn);
    telemetry::network_info& n = e.network;
    n.protocol = "https";
    n.destination.hostname = host;
    n.bytes_sent = facts.request_bytes;
    n.bytes_received = facts.response_bytes;
    n.duration = facts.elapsed;
    n.session_id = std::to_string(conn.connection_id);

    telemetry::http_info& h = e.http;
    h.method = std::string(req.method_string());
    if (!h.method.empty()) h.url = logged_url(conn, req);
    h.status = static_cast<std::uint16_t>(res.result_int());
    if (auto ua = req.find(http::field::user_agent); ua != req.end()) h.user_agent = bounded(ua->value());
    if (auto ct = res.find(http::field::content_type); ct != res.end()) h.content_type = bounded(ct->value(), 256);
    h.request_id = platform_request_id(res);
    return e;
}

event connection_event(const connection_info& conn, const connection_facts& facts) {
    event e;
    e.kind = event_kind::network_session;
    e.time = conn.connected_at;
    set_endpoints(e, conn);
    telemetry::network_info& n = e.network;
    n.protocol = facts.tls_established ? "ssl" : "";
    n.destination.hostname = !conn.sni.empty() ? conn.sni : facts.first_host;
    n.bytes_sent = facts.bytes_from_client;
    n.bytes_received = facts.bytes_to_client;
    if (facts.segments) {
        n.packets_sent = facts.segments->segments_in;
        n.packets_received = facts.segments->segments_out;
    }
    n.duration = facts.closed_at > conn.connected_at ? facts.closed_at - conn.connected_at : 0;
    n.session_id = std::to_string(conn.connection_id);
    // Closing a socket with the ClientHello unread makes the kernel answer with a reset: what a firewall in front
    // of the server records as the session's end.
    if (facts.refused_at_cap) e.set_extra("session_end_reason", "tcp-rst-from-server");
    return e;
}

}  // namespace sclab::emulators
