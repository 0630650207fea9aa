#include "emulators/request_records.hpp"

#include <algorithm>
#include <array>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>

#include "emulators/header_lookup.hpp"
#include "emulators/log_redaction.hpp"
#include "telemetry/text.hpp"

namespace sclab::emulators {

namespace {

using telemetry::event;
using telemetry::event_kind;

constexpr std::size_t max_logged_header = 1024;

std::string_view bounded(std::string_view text, std::size_t limit = max_logged_header) { return text.substr(0, limit); }

constexpr std::size_t max_logged_host = 255;
constexpr std::size_t max_logged_short_value = 256;  // a content type, a platform's request id

// Host header characters a URL may hold as they are, lower-cased (ASCII only: no locale); 0 for a character that
// is percent-encoded, so no log format's delimiter can be smuggled in through Host. A table: a host is written per
// request, a character at a time.
constexpr std::array<char, 256> host_url_chars = [] {
    std::array<char, 256> t{};
    for (int c = 0; c < 256; ++c) {
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_' || c == ':' ||
            c == '[' || c == ']')
            t[static_cast<std::size_t>(c)] = static_cast<char>(c);
        else if (c >= 'A' && c <= 'Z')
            t[static_cast<std::size_t>(c)] = static_cast<char>(c + ('a' - 'A'));
    }
    return t;
}();

void append_host(std::string& out, std::string_view host) {
    static constexpr char hex[] = "0123456789ABCDEF";
    host = host.substr(0, max_logged_host);
    const std::size_t from = out.size();
    out.resize(from + 3 * host.size());  // the most it can take; cut to what was written
    char* p = out.data() + from;
    for (unsigned char c : host) {
        if (const char plain = host_url_chars[c]; plain != 0) {
            *p++ = plain;
        } else {
            *p++ = '%';
            *p++ = hex[c >> 4];
            *p++ = hex[c & 15];
        }
    }
    out.resize(static_cast<std::size_t>(p - out.data()));
}

// What an access record keeps of the request's and the response's headers, each message walked once
// (header_lookup.hpp). A response's request id is the first of the platform id headers it has, in this order: the
// id the platform's own logs would name the request by.
const std::array<header_key, 3> logged_request_headers = {http::field::host, http::field::user_agent, run_id_header};
const std::array<header_key, 7> logged_response_headers = {
    http::field::content_type, "x-amzn-RequestId", "apigw-requestid", "x-amz-apigw-id", "CF-RAY",
    "function-execution-id", "x-request-id"};

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

// Zeek's conn.log `history` as the server saw the connection. Zeek writes one letter per kind of packet, in the
// order each kind first appeared, upper case for the originator (the client), lower case for the responder:
// s SYN, h SYN+ACK, a pure ACK, d payload, f FIN, r RST (Conn::Info$history in base/protocols/conn/main.zeek,
// https://docs.zeek.org/en/current/scripts/base/protocols/conn/main.zeek.html).
// - accept() returned, so the handshake is complete: "ShA".
// - The client's first payload ("D") is acknowledged at once ("a": Linux acknowledges in quick-ack mode at the
//   start of a connection, before the server's answer goes out), then the server's payload ("d"). A served
//   connection the client closes reads "ShADadFf", as in Zeek's own example (https://docs.zeek.org/en/current/
//   logs/conn.html); one the server closes (Connection: close, a timeout, shutdown) "ShADadfF".
// - A connection whose client sent nothing has no "D", and its "a" only when the server closed first: the
//   server's last ACK, of the client's FIN ("ShAfFa"); a client FIN the server answers with its own carries
//   the ACK ("ShAFf").
// - A client's reset is "R". A connection refused at the cap is reset by the server unread: "ShAr" (a ClientHello
//   already in its receive buffer is not counted, as orig_bytes is 0).
// Checked against a packet capture on lo (Linux 6.x, curl 7.88): the quick "a" after the ClientHello, "ShAFf",
// "ShADadR" and "ShAfFa" are what went over the wire. Who closed first is the order a sensor on the client's path
// sees over a real network: curl sends its FIN about 0.1 ms after its close_notify, so on loopback alone the
// server's FIN can overtake it. Not modelled, as the server never sees it: a client that answers the server's
// close_notify with its own (curl does) reaches a socket already closed and gets a reset ("ShADadfr" on the wire).
// At most 8 letters: the string stays in its small-string buffer.
std::string zeek_history(const connection_facts& f) {
    std::string history = "ShA";
    if (f.refused_at_cap) return history += 'r';
    const bool client_data = f.bytes_from_client > 0;
    if (client_data) history += "Da";
    if (f.bytes_to_client > 0) history += 'd';
    switch (f.closed_first) {
        case connection_close::client_first: history += "Ff"; break;
        case connection_close::client_reset: history += 'R'; break;
        case connection_close::server_first:
            history += "fF";
            if (!client_data) history += 'a';
            break;
    }
    return history;
}

}  // namespace

connection_close close_of_failed_read(const boost::system::error_code& ec) {
    if (ec == boost::asio::error::eof || ec == boost::asio::ssl::error::stream_truncated)
        return connection_close::client_first;
    if (ec == boost::asio::error::connection_reset) return connection_close::client_reset;
    // OpenSSL reports a fatal alert received from the peer with the alert's number added to SSL_AD_REASON_OFFSET
    // (a client rejecting the lab certificate sends "unknown CA"): the client closes after sending one.
    if (ec.category() == boost::asio::error::get_ssl_category() &&
        ERR_GET_REASON(static_cast<unsigned long>(ec.value())) >= SSL_AD_REASON_OFFSET)
        return connection_close::client_first;
    return connection_close::server_first;
}

std::string logged_url(const connection_info& conn, std::string_view target, std::string_view host_header) {
    if (telemetry::starts_with_ci(target, "http://") || telemetry::starts_with_ci(target, "https://")) return redact_url(target);
    std::string url = "https://";
    if (!host_header.empty()) append_host(url, host_header);
    else if (!conn.sni.empty()) append_host(url, conn.sni);
    else append_host(url, conn.local_ip);
    url.append(target.substr(0, 16 * 1024));  // Cloudflare's URL limit; longer targets are cut, not logged whole
    redact_url_in_place(url);
    return url;
}

namespace {

// What of the Host header a logged URL takes.
std::string_view logged_host_header(std::string_view host_header) { return host_header.substr(0, max_logged_host); }

// The X-Sclab-Run value if it is a plausible id, otherwise empty.
std::string_view plausible_run_id(std::string_view v) {
    if (v.empty() || v.size() > 128) return {};
    for (char c : v) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                  c == '_' || c == ':' || c == '-';
        if (!ok) return {};
    }
    return v;
}

}  // namespace

std::string logged_url(const connection_info& conn, const request& req) {
    return logged_url(conn, req.target(), logged_host_header(header_value(req, http::field::host)));
}

std::string run_id_of(const request& req) { return std::string(plausible_run_id(header_value(req, run_id_header))); }

void exchange_headers::copy_from(const request& req, const response& res) {
    const auto [host, agent, run] = header_values(req, logged_request_headers);
    method.assign(req.method_string());
    target.assign(req.target());
    host_header.assign(logged_host_header(host));
    user_agent.assign(bounded(agent));
    run_id.assign(plausible_run_id(run));
    status = res.result_int();
    const auto found = header_values(res, logged_response_headers);
    content_type.assign(bounded(found[0], max_logged_short_value));
    const auto id = std::find_if(found.begin() + 1, found.end(), [](std::string_view v) { return v.data() != nullptr; });
    request_id.assign(id == found.end() ? std::string_view() : bounded(*id, max_logged_short_value));
}

event access_event(const connection_info& conn, const std::string& host, const exchange_headers& headers,
                   const exchange_facts& facts) {
    event e;
    e.kind = event_kind::http_request;
    e.time = facts.started;
    e.run_id = headers.run_id;
    set_endpoints(e, conn);
    telemetry::network_info& n = e.network;
    n.protocol = "https";
    n.destination.hostname = host;
    n.bytes_sent = facts.request_bytes;
    n.bytes_received = facts.response_bytes;
    n.duration = facts.elapsed;
    n.session_id = std::to_string(conn.connection_id);

    telemetry::http_info& h = e.http;
    h.method = headers.method;
    if (!h.method.empty()) h.url = logged_url(conn, headers.target, headers.host_header);
    h.status = static_cast<std::uint16_t>(headers.status);
    h.user_agent = headers.user_agent;
    h.content_type = headers.content_type;
    h.request_id = headers.request_id;
    return e;
}

event access_event(const connection_info& conn, const std::string& host, const request& req, const response& res,
                   const exchange_facts& facts) {
    exchange_headers headers;
    headers.copy_from(req, res);
    return access_event(conn, host, headers, facts);
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
    // of the server records as the session's end. A client's reset is PAN-OS's tcp-rst-from-client; a FIN
    // (either side first) is left to the firewall view's default, tcp-fin.
    if (facts.refused_at_cap) e.set_extra("session_end_reason", "tcp-rst-from-server");
    else if (facts.closed_first == connection_close::client_reset)
        e.set_extra("session_end_reason", "tcp-rst-from-client");
    e.set_extra("history", zeek_history(facts));
    return e;
}

void event_sink::emit_access(const connection_info& conn, const std::string& host, const request& req,
                             const response& res, const exchange_facts& facts) {
    emit(access_event(conn, host, req, res, facts));
}

void event_sink::emit_connection(const connection_info& conn, const connection_facts& facts) {
    emit(connection_event(conn, facts));
}

}  // namespace sclab::emulators
