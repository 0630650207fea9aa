// The events the HTTPS server emits about the traffic it served: one http_request per response (the access logs)
// and one network_session per connection (the firewall and flow logs). Pure functions of what the session
// observed, so they are tested without a socket.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

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

// `host` is the routing host (Host without port, or the SNI). `req` holds at least the header; for a request
// that could not be parsed it is empty and the record has no method or URL.
telemetry::event access_event(const connection_info& conn, const std::string& host, const request& req,
                              const response& res, const exchange_facts& facts);

struct connection_facts {
    telemetry::time_ns closed_at = 0;
    std::uint64_t bytes_from_client = 0;  // TCP payload bytes, TLS included
    std::uint64_t bytes_to_client = 0;
    std::optional<tcp_segment_counts> segments;
    bool tls_established = false;
    std::string first_host;               // routing host of the first request, when there was one
    std::uint64_t requests = 0;
    bool refused_at_cap = false;          // closed at once, unread, because the connection cap was reached
};

telemetry::event connection_event(const connection_info& conn, const connection_facts& facts);

// The URL as a proxy would log it: https://<Host header><target>, credentials in the query redacted.
std::string logged_url(const connection_info& conn, const request& req);

// The X-Sclab-Run value if it is a plausible id (at most 128 of [A-Za-z0-9._:-]); otherwise empty.
std::string run_id_of(const request& req);

}  // namespace sclab::emulators
