#include "emulators/https_session.hpp"

#include <cstdio>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "emulators/router.hpp"
#include "emulators/tls_context.hpp"
#include "telemetry/time_format.hpp"

namespace sclab::emulators {

namespace net = boost::asio;
namespace beast = boost::beast;
using boost::system::error_code;

namespace {

// The first read of a request needs only a few bytes: a small buffer keeps idle connections cheap.
constexpr std::size_t first_read_bytes = 512;
// Beyond the header, the buffer holds at most one read's worth of body bytes (the body goes to the message).
constexpr std::size_t read_slack_bytes = 64 * 1024;

std::string http_date(telemetry::time_ns t) {
    static constexpr const char* weekdays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};  // from 1970-01-01
    static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    constexpr std::int64_t ns_per_day = 86'400 * telemetry::ns_per_second;
    std::int64_t days = t / ns_per_day - (t % ns_per_day < 0 ? 1 : 0);
    telemetry::civil_time c = telemetry::to_civil(t);
    char text[40];
    std::snprintf(text, sizeof text, "%s, %02d %s %04d %02d:%02d:%02d GMT", weekdays[((days % 7) + 7) % 7], c.day,
                  months[c.month - 1], c.year, c.hour, c.minute, c.second);
    return text;
}

std::string address_text(const net::ip::address& a) {
    if (a.is_v6() && a.to_v6().is_v4_mapped()) return net::ip::make_address_v4(net::ip::v4_mapped, a.to_v6()).to_string();
    return a.to_string();
}

// A malformed request (answered 400), as opposed to the client going away or a timeout (just closed).
bool is_malformed_request(const error_code& ec) {
    if (ec.category() != http::make_error_code(http::error::bad_target).category()) return false;
    return ec != http::error::end_of_stream && ec != http::error::partial_message;
}

}  // namespace

// ---- connection_registry --------------------------------------------------------------------------------

void connection_registry::add(std::uint64_t id, std::weak_ptr<https_session> session) {
    std::lock_guard lock(mutex_);
    sessions_.emplace(id, std::move(session));
}

std::size_t connection_registry::remove(std::uint64_t id) {
    std::lock_guard lock(mutex_);
    sessions_.erase(id);
    if (sessions_.empty()) emptied_.notify_all();
    return sessions_.size();
}

std::size_t connection_registry::size() const {
    std::lock_guard lock(mutex_);
    return sessions_.size();
}

std::vector<std::shared_ptr<https_session>> connection_registry::snapshot() const {
    std::vector<std::shared_ptr<https_session>> out;
    std::lock_guard lock(mutex_);
    out.reserve(sessions_.size());
    for (const auto& [id, weak] : sessions_)
        if (auto s = weak.lock()) out.push_back(std::move(s));
    return out;
}

bool connection_registry::wait_until_empty(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(mutex_);
    return emptied_.wait_until(lock, deadline, [this] { return sessions_.empty(); });
}

// ---- https_session --------------------------------------------------------------------------------------

https_session::https_session(net::ip::tcp::socket&& socket, session_context& context)
    : context_(context),
      stream_(std::move(socket), context.tls),
      buffer_(context.limits.header_limit + read_slack_bytes),
      connected_steady_(std::chrono::steady_clock::now()) {
    error_code ec;
    auto& sock = tcp().socket();
    auto remote = sock.remote_endpoint(ec);
    if (!ec) {
        conn_.client_ip = address_text(remote.address());
        conn_.client_port = remote.port();
    }
    auto local = sock.local_endpoint(ec);
    if (!ec) {
        conn_.local_ip = address_text(local.address());
        conn_.local_port = local.port();
    }
    conn_.connection_id = context_.next_connection_id.fetch_add(1);
    conn_.connected_at = context_.clock.now();
    tls_server_context::set_connection_address(stream_.native_handle(), &conn_.local_ip);
}

https_session::~https_session() {
    // Every connection, however it ended (even when the io_context was torn down), leaves exactly one record.
    facts_.closed_at = conn_.connected_at + std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                std::chrono::steady_clock::now() - connected_steady_).count();
    facts_.bytes_from_client = stream_.next_layer().bytes_read();
    facts_.bytes_to_client = stream_.next_layer().bytes_written();
    try {
        context_.sink.emit(connection_event(conn_, facts_));
    } catch (const std::exception& e) {
        context_.warn(std::string("cannot record a connection: ") + e.what());
    }
    context_.registry.remove(conn_.connection_id);
}

void https_session::start() {
    context_.registry.add(conn_.connection_id, weak_from_this());
    // Everything else runs on the connection's strand (the socket's executor).
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
        if (self->stopping_) return self->finish();
        self->tcp().expires_after(self->context_.limits.handshake_timeout);
        self->stream_.async_handshake(net::ssl::stream_base::server,
                                      beast::bind_front_handler(&https_session::on_handshake, self));
    });
}

void https_session::begin_shutdown() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
        if (self->stopping_) return;
        self->stopping_ = true;
        // A connection between requests (or still shaking hands) has nothing in flight: close it now. One in a
        // request finishes it; send() then answers with Connection: close.
        if (self->phase_ == phase::idle || self->phase_ == phase::handshake) {
            self->capture_segment_counts();
            self->tcp().cancel();
        }
    });
}

void https_session::force_close() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
        self->capture_segment_counts();
        self->tcp().close();
    });
}

void https_session::on_handshake(error_code ec) {
    if (ec) {
        if (!stopping_) context_.handshake_failures.fetch_add(1);
        return finish();
    }
    facts_.tls_established = true;
    conn_.sni = tls_server_name(stream_.native_handle());
    if (stopping_) return close_gracefully();
    wait_for_request(true);
}

// Waiting for a request is split from reading it: the idle timeout covers the wait, the header timeout runs from
// the request's first byte, so a slow trickle of header bytes is cut off however long the connection was idle.
void https_session::wait_for_request(bool first) {
    phase_ = phase::idle;
    if (buffer_.size() > 0) return read_header();  // a pipelined request is already here
    buffer_.shrink_to_fit();                        // idle connections hold no buffer
    tcp().expires_after(first ? context_.limits.header_timeout : context_.limits.idle_timeout);
    stream_.async_read_some(buffer_.prepare(first_read_bytes),
                            beast::bind_front_handler(&https_session::on_first_bytes, shared_from_this()));
}

void https_session::on_first_bytes(error_code ec, std::size_t n) {
    if (ec) return finish();  // the client closed, the idle timeout, or shutdown
    buffer_.commit(n);
    read_header();
}

void https_session::read_header() {
    phase_ = phase::request;
    exchange_ = exchange_facts{};
    exchange_.started = context_.clock.now();
    host_ = routing_host(conn_.sni.empty() ? std::string_view(conn_.local_ip) : std::string_view(conn_.sni));
    request_steady_ = std::chrono::steady_clock::now();
    parser_.emplace();
    parser_->header_limit(context_.limits.header_limit);
    // No limit yet: the handler sets it once it has seen the header. (Beast checks Content-Length against the
    // limit in force while parsing the header, so a limit here would preempt the handler's own 413.)
    parser_->body_limit(boost::none);
    tcp().expires_after(context_.limits.header_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&https_session::on_header, shared_from_this()));
}

void https_session::on_header(error_code ec, std::size_t n) {
    exchange_.request_bytes += n;
    if (ec == http::error::header_limit) return answer_error(http::status::request_header_fields_too_large, "");
    if (is_malformed_request(ec)) return answer_error(http::status::bad_request, ec.message());
    if (ec) return finish();

    // Routing follows Host, as a CDN's does; the SNI may name another host (domain fronting), and the records
    // keep both (url and destination.domain from Host, server_name from SNI).
    const request& header = parser_->get();
    auto host_field = header.find(http::field::host);
    if (host_field != header.end() && !host_field->value().empty()) host_ = routing_host(host_field->value());
    if (facts_.first_host.empty()) facts_.first_host = host_;
    handler_ = &context_.routes.route(host_, header);

    const std::uint64_t limit = handler_->body_limit(host_, header);
    if (auto length = parser_->content_length(); length && *length > limit) return answer_too_large();
    if (parser_->is_done()) return handle_request();
    parser_->body_limit(limit);  // enforced while reading, for chunked bodies too

    // curl sends Expect: 100-continue for large bodies and waits a second for this before sending.
    auto expect = header.find(http::field::expect);
    if (expect != header.end() && beast::iequals(expect->value(), "100-continue")) {
        static constexpr std::string_view continue_line = "HTTP/1.1 100 Continue\r\n\r\n";
        tcp().expires_after(context_.limits.write_timeout);
        return net::async_write(stream_, net::buffer(continue_line.data(), continue_line.size()),
                                beast::bind_front_handler(&https_session::on_continue_written, shared_from_this()));
    }
    read_body();
}

void https_session::on_continue_written(error_code ec, std::size_t n) {
    exchange_.response_bytes += n;
    if (ec) return finish();
    read_body();
}

void https_session::read_body() {
    tcp().expires_after(context_.limits.body_timeout);
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&https_session::on_body, shared_from_this()));
}

void https_session::on_body(error_code ec, std::size_t n) {
    exchange_.request_bytes += n;
    if (ec == http::error::body_limit) return answer_too_large();
    if (is_malformed_request(ec)) return answer_error(http::status::bad_request, ec.message());
    if (ec) return finish();
    handle_request();
}

void https_session::handle_request() {
    request_ = parser_->release();
    parser_.reset();
    response_ = {};
    response_.version(11);
    try {
        handler_->handle(host_, request_, conn_, response_);
    } catch (const std::exception& e) {
        context_.warn("a handler failed on " + std::string(request_.method_string()) + " https://" + host_ +
                      std::string(request_.target().substr(0, 200)) + ": " + e.what());
        response_ = response(http::status::internal_server_error, 11);
        response_.set(http::field::content_type, "text/plain; charset=utf-8");
        response_.body() = "500 Internal Server Error\n";
    }
    send(request_.keep_alive());
}

// The body is not read: the connection is closed after the answer, the only way to skip an unread body.
void https_session::answer_too_large() {
    input_left_unread_ = true;
    request_ = parser_->release();
    parser_.reset();
    response_ = {};
    response_.version(11);
    handler_->too_large(host_, request_, response_);
    send(false);
}

void https_session::answer_error(http::status status, std::string_view reason) {
    input_left_unread_ = true;
    request_ = parser_ && parser_->is_header_done() ? parser_->release() : request{};
    parser_.reset();
    response_ = response(status, 11);
    response_.set(http::field::content_type, "text/plain; charset=utf-8");
    response_.body() = std::to_string(static_cast<unsigned>(status)) + " " + std::string(http::obsolete_reason(status));
    if (!reason.empty()) response_.body() += ": " + std::string(reason);
    response_.body() += "\n";
    send(false);
}

void https_session::send(bool keep_alive) {
    phase_ = phase::request;
    if (response_.find(http::field::date) == response_.end())
        response_.set(http::field::date, http_date(context_.clock.now()));
    // A response to HEAD has the GET's headers and no body (RFC 9110 9.3.2).
    const bool head = request_.method() == http::verb::head;
    if (!response_.has_content_length() && !response_.chunked()) {
        if (head) response_.content_length(response_.body().size());
        else response_.prepare_payload();
    }
    if (head) response_.body().clear();
    // Only ever turn keep-alive off: Beast's keep_alive(true) on HTTP/1.1 strips the "Connection: keep-alive"
    // header the Worker and Lambda profiles send, as the real platforms do.
    if (!keep_alive || stopping_ || context_.shutting_down.load()) response_.keep_alive(false);
    tcp().expires_after(context_.limits.write_timeout);
    http::async_write(stream_, response_, beast::bind_front_handler(&https_session::on_write, shared_from_this()));
}

void https_session::on_write(error_code ec, std::size_t n) {
    exchange_.response_bytes += n;
    exchange_.elapsed =
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - request_steady_).count();
    ++facts_.requests;
    context_.responses.fetch_add(1);
    try {
        context_.sink.emit(access_event(conn_, host_, request_, response_, exchange_));
    } catch (const std::exception& e) {
        context_.warn(std::string("cannot record a request: ") + e.what());
    }
    const bool keep_alive = response_.keep_alive();
    request_ = {};
    response_ = {};
    handler_ = nullptr;
    if (ec) return finish();
    if (!keep_alive || stopping_ || context_.shutting_down.load()) return close_gracefully();
    wait_for_request(false);
}

// The server's close_notify, without waiting for the client's (RFC 8446 6.1: the side that closes need not wait),
// so a client that keeps its end open costs nothing. When the request was not read to its end (413, 400, 431),
// the rest of what the client sends is read and dropped for up to close_timeout before the socket closes:
// closing a socket with unread input makes the kernel send a reset, which can destroy the answer before the
// client reads it (what nginx calls a lingering close).
void https_session::close_gracefully() {
    phase_ = phase::closing;
    SSL_set_shutdown(stream_.native_handle(), SSL_RECEIVED_SHUTDOWN);
    tcp().expires_after(context_.limits.close_timeout);
    stream_.async_shutdown([self = shared_from_this()](error_code ec) {
        if (ec || !self->input_left_unread_) return self->finish();
        error_code ignored;
        self->tcp().socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
        self->tcp().expires_after(self->context_.limits.close_timeout);
        self->drain_input();
    });
}

void https_session::drain_input() {
    buffer_.clear();
    stream_.next_layer().async_read_some(buffer_.prepare(4096), [self = shared_from_this()](error_code ec, std::size_t) {
        if (ec) return self->finish();  // end of stream, or close_timeout
        self->drain_input();
    });
}

void https_session::finish() {
    if (finished_) return;
    finished_ = true;
    capture_segment_counts();
    error_code ignored;
    tcp().socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
    tcp().close();
    // The session ends when the last handler holding it returns; the destructor records the connection.
}

void https_session::capture_segment_counts() {
    if (!facts_.segments && tcp().socket().is_open())
        facts_.segments = read_tcp_segment_counts(tcp().socket().native_handle());
}

}  // namespace sclab::emulators
