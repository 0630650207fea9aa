// One TLS connection of the HTTPS server, from handshake to close: reads each request header first, asks the
// routed handler for its body limit, reads the body, lets the handler answer, writes the response, and emits
// an access record per response and a connection record when it is gone. Internal to https_server.
//
// A session lives on one io_context (one thread) from start to end, so it needs no strand; only begin_shutdown()
// and force_close() are called from elsewhere, and they post to that thread. Bytes are read through tls_socket
// and fed to Beast's parser; responses are serialized here into one buffer, so a small answer is one TLS record
// and one send().
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>

#include "emulators/https_server.hpp"
#include "emulators/request_records.hpp"
#include "emulators/tls_socket.hpp"

namespace sclab::emulators {

class https_session;

// The open connections, so that shutdown can reach each of them.
class connection_registry {
public:
    void add(std::uint64_t id, std::weak_ptr<https_session> session);
    // Returns the number still open.
    std::size_t remove(std::uint64_t id);
    std::size_t size() const;
    std::vector<std::shared_ptr<https_session>> snapshot() const;
    // Blocks until no connection is open or `deadline` passes; true when none is open.
    bool wait_until_empty(std::chrono::steady_clock::time_point deadline);

private:
    mutable std::mutex mutex_;
    std::condition_variable emptied_;
    std::unordered_map<std::uint64_t, std::weak_ptr<https_session>> sessions_;
};

// What every session shares with the server.
struct session_context {
    session_context(boost::asio::ssl::context& tls_context, router& router_, event_sink& sink_,
                    telemetry::clock_source& clock_, const server_limits& limits_,
                    const std::function<void(const std::string&)>& warn_)
        : tls(tls_context), routes(router_), sink(sink_), clock(clock_), limits(limits_), warn(warn_) {}

    boost::asio::ssl::context& tls;
    router& routes;
    event_sink& sink;
    telemetry::clock_source& clock;
    const server_limits& limits;
    const std::function<void(const std::string&)>& warn;
    connection_registry registry;
    std::atomic<std::uint64_t> next_connection_id{1};
    std::atomic<std::uint64_t> accepted{0}, refused{0}, handshake_failures{0}, responses{0};
    // Set when shutdown begins, read by every session before it answers: a response prepared while the notice
    // is still on its way to the session already says Connection: close.
    std::atomic<bool> shutting_down{false};
    // The address the server listens on; a wildcard one (0.0.0.0, ::) leaves each connection's local address to
    // be asked of its socket.
    boost::asio::ip::tcp::endpoint listen_endpoint;
};

// The endpoints, id and start time of a connection just accepted (shared by sessions and refused connections);
// `peer` is the client's address as accept() gave it.
connection_info describe_connection(const tls_socket::socket_type& socket, const boost::asio::ip::tcp::endpoint& peer,
                                    session_context& context);

class https_session : public std::enable_shared_from_this<https_session> {
public:
    https_session(tls_socket::socket_type&& socket, const boost::asio::ip::tcp::endpoint& peer,
                  session_context& context);
    ~https_session();
    https_session(const https_session&) = delete;
    https_session& operator=(const https_session&) = delete;

    void start();
    // Shutdown, step 1 (called on any thread): close now if idle, else finish the request in flight and close.
    void begin_shutdown();
    // Shutdown, step 2, after the grace period: cut the connection whatever it is doing.
    void force_close();

private:
    enum class phase { handshake, idle, request, closing };
    using continuation = void (https_session::*)();

    void on_handshake(boost::system::error_code ec);
    void wait_for_request(bool first);
    void read_more(continuation next);
    void begin_request();
    void parse_header();
    void on_header();
    void parse_body();
    void on_read_failed(boost::system::error_code ec);
    void on_parse_failed(boost::system::error_code ec);
    void handle_request();
    void answer_too_large();
    void answer_error(http::status status, std::string_view reason);
    void send(bool keep_alive);
    void write_rest_of_body();
    void on_write(boost::system::error_code ec);
    void close_gracefully();
    void drain_input();
    void finish();
    void capture_segment_counts();

    // One timer per connection, re-armed only when a deadline moves earlier than the one it waits for: setting
    // a deadline per read or write costs a store, not a timer-queue operation.
    void set_deadline(std::chrono::milliseconds within);
    void arm_timer();
    void on_timer(boost::system::error_code ec, std::uint64_t generation);

    session_context& context_;
    connection_info conn_;  // before tls_: made from the socket before tls_ takes it
    tls_socket tls_;
    boost::asio::basic_waitable_timer<std::chrono::steady_clock, boost::asio::wait_traits<std::chrono::steady_clock>,
                                      tls_socket::executor_type>
        timer_;
    std::chrono::steady_clock::time_point deadline_;
    std::chrono::steady_clock::time_point timer_expiry_;
    std::uint64_t timer_generation_ = 0;
    bool timer_armed_ = false;

    boost::beast::flat_buffer buffer_;
    std::chrono::steady_clock::time_point connected_steady_;

    phase phase_ = phase::handshake;
    bool stopping_ = false;
    bool finished_ = false;
    bool input_left_unread_ = false;  // an answer went out before the request was read to its end
    bool close_notify_sent_ = false;  // the last response went out with the close_notify

    // The exchange in progress.
    std::optional<http::request_parser<http::string_body, header_fields::allocator_type>> parser_;
    request_handler* handler_ = nullptr;
    std::string host_;
    request request_;
    response response_;
    std::string wire_;              // the response's head (and a small body) as sent
    bool body_sent_separately_ = false;
    bool keeps_alive_ = false;      // the connection stays open after this response (decided in send())
    exchange_facts exchange_;
    std::chrono::steady_clock::time_point request_steady_;

    connection_facts facts_;
};

}  // namespace sclab::emulators
