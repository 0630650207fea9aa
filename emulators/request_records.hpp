// The events the HTTPS server emits about the traffic it served: one http_request per response (the access logs)
// and one network_session per connection (the firewall and flow logs). Pure functions of what the session
// observed, so they are tested without a socket.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/system/error_code.hpp>

#include "emulators/http_types.hpp"
#include "emulators/tcp_counters.hpp"
#include "telemetry/event.hpp"

namespace sclab::emulators {

// The header a test client uses to tag its requests; it reaches only the ECS access record (labels.run_id).
inline constexpr std::string_view run_id_header = "X-Sclab-Run";

struct exchange_facts {
    telemetry::time_ns started = 0;       // wall time the request's first byte arrived
    telemetry::time_ns elapsed = 0;       // until the response's last byte was written
    std::uint64_t request_bytes = 0;      // the HTTP request as received (header and body, decrypted)
    std::uint64_t response_bytes = 0;     // the HTTP response as sent (100 Continue included)
};

// What an access record keeps of a request and its response: a few short strings. The server copies them on its
// I/O thread, where the header fields are in cache, and the log writer builds the record from them without
// walking another core's header fields.
struct exchange_headers {
    std::string method;        // empty for a request that could not be parsed: the record has no method or URL
    std::string target;
    std::string host_header;   // the Host header, at most 255 bytes of it (all a logged URL takes)
    std::string user_agent;    // at most 1 KiB
    std::string run_id;        // run_id_of(req)
    unsigned status = 0;
    std::string content_type;  // at most 256 bytes
    std::string request_id;    // the platform's id of the request (x-amzn-RequestId, CF-RAY ...), at most 256 bytes

    // Sets every member from `req` and `res`, into the buffers this object already has.
    void copy_from(const request& req, const response& res);
};

// `host` is the routing host (Host without port, or the SNI).
telemetry::event access_event(const connection_info& conn, const std::string& host, const exchange_headers& headers,
                              const exchange_facts& facts);
// The same from the request (at least its header; empty for a request that could not be parsed) and response.
telemetry::event access_event(const connection_info& conn, const std::string& host, const request& req,
                              const response& res, const exchange_facts& facts);

// Which side ended the connection first, as far as the server can tell: Zeek's history orders the FINs by it
// (ShADadFf or ShADadfF) and a client's reset is its own conn_state (RSTO) and PAN-OS end reason.
enum class connection_close : std::uint8_t {
    // The server's FIN went first: Connection: close, a timeout, shutdown, an error. Every path but a read that
    // failed on the client's account ends in https_session::finish(), which closes the server's side.
    server_first,
    client_first,  // the client's FIN (after close_notify or not) came first: a read ended at end of stream
    client_reset,  // the client reset the connection (ECONNRESET on a read)
};

// Who closed first, from the error that ended the session's read (or handshake): end of stream, a truncated
// stream or a fatal alert the client sent (it closes after one) are the client's FIN; ECONNRESET its reset;
// anything else (a timeout or shutdown cancelling the read, a TLS error of the client's bytes) leaves the
// server to close first.
connection_close close_of_failed_read(const boost::system::error_code& ec);

struct connection_facts {
    telemetry::time_ns closed_at = 0;
    std::uint64_t bytes_from_client = 0;  // TCP payload bytes, TLS included
    std::uint64_t bytes_to_client = 0;
    std::optional<tcp_segment_counts> segments;
    bool tls_established = false;
    std::string first_host;               // routing host of the first request, when there was one
    std::uint64_t requests = 0;
    bool refused_at_cap = false;          // closed at once, unread, because the connection cap was reached
    connection_close closed_first = connection_close::server_first;
};

// The connection's record. Besides the counts it carries, in `extra`, Zeek's `history` letters (what conn.log
// writes: "ShADadFf" ...) and, when the connection ended in a reset, the PAN-OS session_end_reason
// (tcp-rst-from-server when refused at the cap, tcp-rst-from-client).
telemetry::event connection_event(const connection_info& conn, const connection_facts& facts);

// The URL as a proxy would log it: https://<Host header><target>, credentials in the query redacted.
std::string logged_url(const connection_info& conn, std::string_view target, std::string_view host_header);
std::string logged_url(const connection_info& conn, const request& req);

// The X-Sclab-Run value if it is a plausible id (at most 128 of [A-Za-z0-9._:-]); otherwise empty.
std::string run_id_of(const request& req);

}  // namespace sclab::emulators
