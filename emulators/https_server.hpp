// The emulators' HTTPS server: HTTP/1.1 over TLS with the lab CA's certificates, every request routed to a
// platform profile or control plane, and the network-side records of every request and connection sent to an
// event_sink. A listener, one small session object per connection on one io thread (tls_socket for TLS, Beast's
// parser for HTTP), a deadline on every read and write, and a clean shutdown path.
//
// Defences a server reachable by untrusted lab clients needs:
//  - a handshake timeout and a header timeout from the first byte of a request (slowloris);
//  - a body limit asked from the handler once the header is known (request_handler::body_limit), enforced
//    before any body byte is buffered, and the handler's own 413;
//  - a keep-alive idle timeout;
//  - a cap on concurrent connections: beyond it a new connection is closed at once.
//
// Memory: an idle TLS connection (handshake done, a request served, waiting for the next) costs about 18 KiB of
// server RSS. Measured by tests/emulators/idle_connections_memory_test.cpp: 10,000 such connections from a
// child process grew the server's VmRSS by 174 MiB; the test asserts under 250 MiB, so max_connections = 10,000
// needs about a quarter of a GiB. Most of it is OpenSSL's SSL object and session; OpenSSL's 16 KiB record buffers
// are released while idle (SSL_MODE_RELEASE_BUFFERS), the HTTP buffer is freed between requests, and tls_socket
// waits for the next request with a 1 KiB input buffer (asio's ssl::stream, used before, held 68 KiB per
// connection: 73 KiB each in all).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "emulators/http_types.hpp"
#include "emulators/lab_ca.hpp"
#include "emulators/router.hpp"
#include "telemetry/clock.hpp"

namespace sclab::emulators {

struct server_limits {
    std::chrono::milliseconds handshake_timeout{10'000};
    // The whole request header, from its first byte: a client trickling a header byte by byte is cut off here.
    std::chrono::milliseconds header_timeout{10'000};
    // A connection waiting for its next request (and a new connection for its first) is closed after this.
    std::chrono::milliseconds idle_timeout{60'000};
    std::chrono::milliseconds body_timeout{60'000};
    std::chrono::milliseconds write_timeout{60'000};
    // Waiting for the client's TLS close_notify when the server closes.
    std::chrono::milliseconds close_timeout{2'000};
    // At shutdown: how long requests in flight may take to finish before their connections are cut.
    std::chrono::milliseconds shutdown_grace{5'000};
    // Request header bytes: Cloudflare's limit (FIDELITY.md section 2), the largest of the emulated platforms.
    std::uint32_t header_limit = 128 * 1024;
    std::size_t max_connections = 10'000;
};

struct server_options {
    std::string listen_address = "127.0.0.1";
    std::uint16_t port = 8443;  // 0: the system picks a free port (see https_server::port())
    unsigned threads = 1;
    // Send the responses of many connections in one system call (io_uring; emulators/send_batcher.hpp). Where
    // io_uring is unavailable the server warns and sends each response itself.
    bool batched_sends = true;
    server_limits limits;
    // Timestamps of the records (durations always come from the steady clock). nullptr: the wall clock.
    telemetry::clock_source* clock = nullptr;
    // Where operational problems are reported (a handler threw, the connection cap was reached).
    // Default: standard error.
    std::function<void(const std::string&)> warn;
};

struct server_stats {
    std::uint64_t accepted = 0;            // connections taken into service
    std::uint64_t refused = 0;             // connections closed at once because of the connection cap
    std::uint64_t active = 0;              // connections open now
    std::uint64_t handshake_failures = 0;
    std::uint64_t responses = 0;           // responses written (each one gets an access record)
    bool sends_batched = false;            // responses go out in io_uring batches
};

class https_server {
public:
    // Binds and listens at once, so "port in use" is reported here: throws std::runtime_error naming the address.
    // `ca`, `routes` and `sink` must outlive the server.
    https_server(server_options options, lab_ca& ca, router& routes, event_sink& sink);
    // Stops (gracefully) if still running.
    ~https_server();
    https_server(const https_server&) = delete;
    https_server& operator=(const https_server&) = delete;

    std::string address() const;
    std::uint16_t port() const;

    // Starts the io threads; returns at once.
    void start();
    // Graceful shutdown: stops accepting, closes idle connections, lets requests in flight finish within the
    // grace period, then cuts what is left. Returns when every connection is closed and its record emitted to
    // the sink. Thread-safe and idempotent.
    void stop();

    server_stats stats() const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace sclab::emulators
