// One TLS connection of the HTTPS server, from handshake to close: reads each request header first, asks the
// routed handler for its body limit, reads the body, lets the handler answer, writes the response, and emits
// an access record per response and a connection record when it is gone. Internal to https_server.
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

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>

#include "emulators/counting_stream.hpp"
#include "emulators/https_server.hpp"
#include "emulators/request_records.hpp"

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
};

class https_session : public std::enable_shared_from_this<https_session> {
public:
    https_session(boost::asio::ip::tcp::socket&& socket, session_context& context);
    ~https_session();
    https_session(const https_session&) = delete;
    https_session& operator=(const https_session&) = delete;

    void start();
    // Shutdown, step 1 (called on any thread): close now if idle, else finish the request in flight and close.
    void begin_shutdown();
    // Shutdown, step 2, after the grace period: cut the connection whatever it is doing.
    void force_close();

private:
    using tls_stream = boost::asio::ssl::stream<counting_stream<boost::beast::tcp_stream>>;
    enum class phase { handshake, idle, request, closing };

    boost::beast::tcp_stream& tcp() { return stream_.next_layer().next_layer(); }

    void on_handshake(boost::system::error_code ec);
    void wait_for_request(bool first);
    void on_first_bytes(boost::system::error_code ec, std::size_t n);
    void read_header();
    void on_header(boost::system::error_code ec, std::size_t n);
    void read_body();
    void on_continue_written(boost::system::error_code ec, std::size_t n);
    void on_body(boost::system::error_code ec, std::size_t n);
    void handle_request();
    void answer_too_large();
    void answer_error(http::status status, std::string_view reason);
    void send(bool keep_alive);
    void on_write(boost::system::error_code ec, std::size_t n);
    void close_gracefully();
    void drain_input();
    void finish();
    void capture_segment_counts();

    session_context& context_;
    tls_stream stream_;
    boost::beast::flat_buffer buffer_;
    connection_info conn_;
    std::chrono::steady_clock::time_point connected_steady_;

    phase phase_ = phase::handshake;
    bool stopping_ = false;
    bool finished_ = false;
    bool input_left_unread_ = false;  // an answer went out before the request was read to its end

    // The exchange in progress.
    std::optional<http::request_parser<http::string_body>> parser_;
    request_handler* handler_ = nullptr;
    std::string host_;
    request request_;
    response response_;
    exchange_facts exchange_;
    std::chrono::steady_clock::time_point request_steady_;

    connection_facts facts_;
};

}  // namespace sclab::emulators
