// The contract between the HTTPS server and what answers requests (platform profiles, control planes).
// Handlers are plain objects: request in, response out, so each is testable without a socket.
#pragma once

#include <cstdint>
#include <string>

#include <boost/beast/http.hpp>

#include "emulators/header_allocator.hpp"
#include "telemetry/event.hpp"

namespace sclab::emulators {

namespace http = boost::beast::http;
using header_fields = http::basic_fields<header_allocator<char>>;
using request = http::request<http::string_body, header_fields>;
using response = http::response<http::string_body, header_fields>;

// What the server knows about the connection a request came on.
struct connection_info {
    std::string client_ip;
    std::uint16_t client_port = 0;
    std::string local_ip;
    std::uint16_t local_port = 0;
    std::string sni;               // server name from the TLS ClientHello; empty when the client sent none
    std::uint64_t connection_id = 0;
    telemetry::time_ns connected_at = 0;
};

struct exchange_facts;    // request_records.hpp
struct connection_facts;  // request_records.hpp

// Receives the telemetry the emulators produce (audit records, access records). Thread-safe. Takes the event by
// value: the control planes hand over the records they build (moved, not copied); a sink may keep them.
class event_sink {
public:
    virtual ~event_sink() = default;
    virtual void emit(telemetry::event e) = 0;

    // The access record of a response the HTTPS server sent: emit(access_event(...)) by default. A sink may build
    // the event later, on another thread, from what it copies of `req` and `res` here (exchange_headers).
    virtual void emit_access(const connection_info& conn, const std::string& host, const request& req,
                             const response& res, const exchange_facts& facts);
    // The record of a connection the HTTPS server closed (or refused): emit(connection_event(...)) by default.
    virtual void emit_connection(const connection_info& conn, const connection_facts& facts);
};

class request_handler {
public:
    virtual ~request_handler() = default;
    // Called once the request header is read: true when this handler answers the request. `host` is the
    // Host header without port (lowercase), or the SNI when the Host header is absent.
    virtual bool owns(const std::string& host, const request& header_only) const = 0;
    // The largest body this handler accepts for the request; larger gets the platform's 413.
    virtual std::uint64_t body_limit(const std::string& host, const request& header_only) const = 0;
    // The platform's answer when the body is over body_limit (status 413 and its own error body).
    virtual void too_large(const std::string& host, const request& header_only, response& res) const = 0;
    // Answers the request. May emit audit events through the sink it was built with.
    virtual void handle(const std::string& host, const request& req, const connection_info& conn,
                        response& res) = 0;
};

}  // namespace sclab::emulators
