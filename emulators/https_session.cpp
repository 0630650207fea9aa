#include "emulators/https_session.hpp"

#include <cstdio>

#include <boost/asio/dispatch.hpp>
#include <boost/beast/core/string.hpp>

#include "emulators/header_lookup.hpp"
#include "emulators/platforms/text_template.hpp"
#include "emulators/router.hpp"
#include "emulators/tls_context.hpp"
#include "telemetry/text.hpp"
#include "telemetry/time_format.hpp"

namespace sclab::emulators {

namespace net = boost::asio;
namespace beast = boost::beast;
using boost::system::error_code;

namespace {

// The first read of a request needs only a few bytes: a small buffer keeps idle connections cheap.
constexpr std::size_t first_read_bytes = 512;
// Later reads take up to one TLS record's plaintext.
constexpr std::size_t read_chunk_bytes = 16 * 1024;
// Beyond the header, the buffer holds at most one read's worth of body bytes (the body goes to the message).
constexpr std::size_t read_slack_bytes = 64 * 1024;
// A body up to this size goes out in the same TLS record as the head; a larger one is written from the message.
constexpr std::size_t inline_body_bytes = 16 * 1024;
// The serialized head a connection keeps between requests.
constexpr std::size_t retained_wire_capacity = 4 * 1024;

std::string address_text(const net::ip::address& a) {
    if (a.is_v6() && a.to_v6().is_v4_mapped()) return net::ip::make_address_v4(net::ip::v4_mapped, a.to_v6()).to_string();
    return a.to_string();
}

// The response as HTTP/1.1 puts it on the wire, as Beast's serializer would: status line, the fields in
// order, the blank line, and the body when it is small (true when the caller must write the body after it).
bool serialize_response(const response& res, std::string& wire) {
    wire.clear();
    wire += res.version() == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
    telemetry::append_uint(wire, res.result_int());
    wire += ' ';
    wire += res.reason();
    wire += "\r\n";
    for (const auto& field : res) {
        const std::string_view name = field.name_string(), value = field.value();
        // Beast keeps a field as its line, "Name: value\r\n", in one block: copied at once when laid out so (the
        // value right after the name and ": " means one block, so the CRLF read past the value is in it too).
        if (value.data() == name.data() + name.size() + 2 && value.data()[value.size()] == '\r' &&
            value.data()[value.size() + 1] == '\n') {
            wire.append(name.data(), name.size() + 2 + value.size() + 2);
            continue;
        }
        wire.append(name).append(": ").append(value).append("\r\n");
    }
    wire += "\r\n";
    const std::string& body = res.body();
    if (res.chunked()) {
        if (!body.empty()) {
            char size[20];
            wire.append(size, static_cast<std::size_t>(std::snprintf(size, sizeof size, "%zx\r\n", body.size())));
            wire += body;
            wire += "\r\n";
        }
        wire += "0\r\n\r\n";
        return false;
    }
    if (body.size() > inline_body_bytes) return true;
    wire += body;
    return false;
}

// What send() needs to know of the handler's headers, from one walk of the fields. Beast's find() descends a tree
// comparing names case-insensitively (some hundreds of instructions per lookup, and keep_alive() was asked twice
// per response); a response holds a dozen fields, each tagged with its field enum.
struct response_head_facts {
    bool has_date = false;
    bool has_content_length = false;
    bool has_transfer_encoding = false;
    bool connection_close = false;        // the first Connection header has the "close" token
    bool connection_keep_alive = false;   // ... or the "keep-alive" token (what HTTP/1.0 needs to stay open)
};

response_head_facts inspect_response_head(const response& res) {
    response_head_facts facts;
    bool connection_seen = false;
    for (const auto& field : res) {
        switch (field.name()) {
        case http::field::date: facts.has_date = true; break;
        case http::field::content_length: facts.has_content_length = true; break;
        case http::field::transfer_encoding: facts.has_transfer_encoding = true; break;
        case http::field::connection:
            if (connection_seen) break;  // Beast's keep_alive() reads the first one too
            connection_seen = true;
            {
                http::token_list tokens(field.value());  // exists() is not const
                facts.connection_close = tokens.exists("close");
                facts.connection_keep_alive = tokens.exists("keep-alive");
            }
            break;
        default: break;
        }
    }
    return facts;
}

// Whether the connection stays open after `res` by its own headers (Beast's keep_alive() rule).
bool response_keeps_alive(const response& res, const response_head_facts& facts) {
    return res.version() >= 11 ? !facts.connection_close : facts.connection_keep_alive;
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

connection_info describe_connection(const tls_socket::socket_type& socket, const net::ip::tcp::endpoint& peer,
                                    session_context& context) {
    connection_info conn;
    conn.client_ip = address_text(peer.address());
    conn.client_port = peer.port();
    net::ip::tcp::endpoint local = context.listen_endpoint;
    if (local.address().is_unspecified()) {
        error_code ec;
        local = socket.local_endpoint(ec);
        if (ec) local = {};
    }
    if (local.port() != 0) {
        conn.local_ip = address_text(local.address());
        conn.local_port = local.port();
    }
    conn.connection_id = context.next_connection_id.fetch_add(1);
    conn.connected_at = context.clock.now();
    return conn;
}

// ---- https_session --------------------------------------------------------------------------------------

https_session::https_session(tls_socket::socket_type&& socket, const net::ip::tcp::endpoint& peer,
                             session_context& context)
    : context_(context),
      conn_(describe_connection(socket, peer, context)),
      tls_(std::move(socket), context.tls.native_handle()),
      timer_(tls_.get_executor()),
      buffer_(context.limits.header_limit + read_slack_bytes),
      connected_steady_(std::chrono::steady_clock::now()) {
    tls_server_context::set_connection_address(tls_.native_handle(), &conn_.local_ip);
}

https_session::~https_session() {
    // Every connection, however it ended (even when the io_context was torn down), leaves exactly one record.
    facts_.closed_at = conn_.connected_at + std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                std::chrono::steady_clock::now() - connected_steady_).count();
    facts_.bytes_from_client = tls_.bytes_read();
    facts_.bytes_to_client = tls_.bytes_written();
    try {
        context_.sink.emit_connection(conn_, facts_);
    } catch (const std::exception& e) {
        context_.warn(std::string("cannot record a connection: ") + e.what());
    }
    context_.registry.remove(conn_.connection_id);
}

void https_session::start() {
    context_.registry.add(conn_.connection_id, weak_from_this());
    // Everything else runs on the connection's own io thread.
    net::dispatch(tls_.get_executor(), [self = shared_from_this()] {
        if (self->stopping_) return self->finish();
        self->set_deadline(self->context_.limits.handshake_timeout);
        self->tls_.async_handshake([self](error_code ec, std::size_t) { self->on_handshake(ec); });
    });
}

void https_session::begin_shutdown() {
    net::dispatch(tls_.get_executor(), [self = shared_from_this()] {
        if (self->stopping_) return;
        self->stopping_ = true;
        // A connection between requests (or still shaking hands) has nothing in flight: close it now. One in a
        // request finishes it; send() then answers with Connection: close.
        if (self->phase_ == phase::idle || self->phase_ == phase::handshake) {
            self->capture_segment_counts();
            self->tls_.cancel();
        }
    });
}

void https_session::force_close() {
    net::dispatch(tls_.get_executor(), [self = shared_from_this()] {
        self->capture_segment_counts();
        self->tls_.cancel();
        self->tls_.close();
    });
}

// ---- deadlines ----

void https_session::set_deadline(std::chrono::milliseconds within) {
    deadline_ = std::chrono::steady_clock::now() + within;
    if (timer_armed_ && timer_expiry_ <= deadline_) return;  // it fires first, then waits again for the rest
    arm_timer();
}

void https_session::arm_timer() {
    timer_armed_ = true;
    timer_expiry_ = deadline_;
    const std::uint64_t generation = ++timer_generation_;
    timer_.expires_at(deadline_);  // a wait already pending ends with operation_aborted, its generation stale
    timer_.async_wait([self = shared_from_this(), generation](error_code ec) { self->on_timer(ec, generation); });
}

void https_session::on_timer(error_code ec, std::uint64_t generation) {
    if (generation != timer_generation_) return;
    timer_armed_ = false;
    if (ec || finished_) return;
    if (std::chrono::steady_clock::now() < deadline_) return arm_timer();
    // Time is up for whatever the connection waits for: the read or write in progress ends in an error.
    capture_segment_counts();
    tls_.cancel();
}

// ---- reading a request ----

void https_session::on_handshake(error_code ec) {
    if (ec) {
        if (!stopping_) context_.handshake_failures.fetch_add(1);
        return on_read_failed(ec);
    }
    facts_.tls_established = true;
    conn_.sni = tls_server_name(tls_.native_handle());
    if (stopping_) return close_gracefully();
    wait_for_request(true);
}

// Waiting for a request is split from reading it: the idle timeout covers the wait, the header timeout runs from
// the request's first byte, so a slow trickle of header bytes is cut off however long the connection was idle.
void https_session::wait_for_request(bool first) {
    phase_ = phase::idle;
    if (buffer_.size() > 0) return begin_request();  // a pipelined request is already here
    buffer_.shrink_to_fit();                          // idle connections hold no buffer
    set_deadline(first ? context_.limits.header_timeout : context_.limits.idle_timeout);
    read_more(&https_session::begin_request);
}

void https_session::read_more(continuation next) {
    // A request usually fits in a few hundred bytes: a small first read keeps the buffer small; later reads take
    // up to a TLS record.
    const std::size_t room = buffer_.max_size() - buffer_.size();
    const std::size_t want = std::min(buffer_.size() == 0 ? first_read_bytes : read_chunk_bytes, room);
    if (want == 0) return answer_error(http::status::request_header_fields_too_large, "");
    auto space = buffer_.prepare(want);
    tls_.async_read_some(static_cast<char*>(space.data()), space.size(),
                         [self = shared_from_this(), next](error_code ec, std::size_t n) {
                             if (ec) return self->on_read_failed(ec);
                             self->buffer_.commit(n);
                             (self.get()->*next)();
                         });
}

void https_session::begin_request() {
    phase_ = phase::request;
    exchange_ = exchange_facts{};
    exchange_.started = context_.clock.now();
    assign_routing_host(host_, conn_.sni.empty() ? std::string_view(conn_.local_ip) : std::string_view(conn_.sni));
    request_steady_ = std::chrono::steady_clock::now();
    parser_.emplace();
    parser_->header_limit(context_.limits.header_limit);
    // No limit yet: the handler sets it once it has seen the header. (Beast checks Content-Length against the
    // limit in force while parsing the header, so a limit here would preempt the handler's own 413.)
    parser_->body_limit(boost::none);
    set_deadline(context_.limits.header_timeout);
    parse_header();
}

void https_session::parse_header() {
    error_code ec;
    while (buffer_.size() > 0) {
        const std::size_t used = parser_->put(buffer_.data(), ec);
        buffer_.consume(used);
        exchange_.request_bytes += used;
        if (ec == http::error::need_more) break;
        if (ec) return on_parse_failed(ec);
        if (parser_->is_header_done()) return on_header();
        if (used == 0) break;
    }
    read_more(&https_session::parse_header);
}

void https_session::on_header() {
    // Routing follows Host, as a CDN's does; the SNI may name another host (domain fronting), and the records
    // keep both (url and destination.domain from Host, server_name from SNI).
    const request& header = parser_->get();
    if (const std::string_view host = header_value(header, http::field::host); !host.empty())
        assign_routing_host(host_, host);
    if (facts_.first_host.empty()) facts_.first_host = host_;
    handler_ = &context_.routes.route(host_, header);

    const std::uint64_t limit = handler_->body_limit(host_, header);
    if (auto length = parser_->content_length(); length && *length > limit) return answer_too_large();
    if (parser_->is_done()) return handle_request();
    parser_->body_limit(limit);  // enforced while reading, for chunked bodies too
    parser_->eager(true);        // each put() takes every body byte it is given
    set_deadline(context_.limits.body_timeout);

    // curl sends Expect: 100-continue for large bodies and waits a second for this before sending.
    auto expect = header.find(http::field::expect);
    if (expect != header.end() && beast::iequals(expect->value(), "100-continue")) {
        static constexpr std::string_view continue_line = "HTTP/1.1 100 Continue\r\n\r\n";
        set_deadline(context_.limits.write_timeout);
        return tls_.async_write(continue_line.data(), continue_line.size(),
                                [self = shared_from_this()](error_code ec, std::size_t n) {
                                    self->exchange_.response_bytes += n;
                                    if (ec) return self->finish();
                                    self->set_deadline(self->context_.limits.body_timeout);
                                    self->parse_body();
                                });
    }
    parse_body();
}

void https_session::parse_body() {
    error_code ec;
    while (!parser_->is_done() && buffer_.size() > 0) {
        const std::size_t used = parser_->put(buffer_.data(), ec);
        buffer_.consume(used);
        exchange_.request_bytes += used;
        if (ec == http::error::need_more) break;
        if (ec == http::error::body_limit) return answer_too_large();
        if (ec) return on_parse_failed(ec);
        if (used == 0) break;
    }
    if (parser_->is_done()) return handle_request();
    read_more(&https_session::parse_body);
}

// The client went away, a timeout or shutdown cut the read, or TLS failed: nothing to answer.
void https_session::on_read_failed(error_code ec) { facts_.closed_first = close_of_failed_read(ec); finish(); }

void https_session::on_parse_failed(error_code ec) {
    if (ec == http::error::header_limit) return answer_error(http::status::request_header_fields_too_large, "");
    if (is_malformed_request(ec)) return answer_error(http::status::bad_request, ec.message());
    finish();
}

// ---- answering ----

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
    const response_head_facts head_facts = inspect_response_head(response_);
    if (!head_facts.has_date) response_.set(http::field::date, platforms::http_date(context_.clock.now()));
    // A response to HEAD has the GET's headers and no body (RFC 9110 9.3.2).
    const bool head = request_.method() == http::verb::head;
    // chunked() only when there is a Transfer-Encoding to read (rare): it is another lookup.
    if (!head_facts.has_content_length && !(head_facts.has_transfer_encoding && response_.chunked())) {
        if (head) response_.content_length(response_.body().size());
        else response_.prepare_payload();
    }
    if (head) response_.body().clear();
    // Only ever turn keep-alive off: Beast's keep_alive(true) on HTTP/1.1 strips the "Connection: keep-alive"
    // header the Worker and Lambda profiles send, as the real platforms do.
    const bool closing = !keep_alive || stopping_ || context_.shutting_down.load();
    if (closing) response_.keep_alive(false);
    keeps_alive_ = !closing && response_keeps_alive(response_, head_facts);

    body_sent_separately_ = serialize_response(response_, wire_);
    set_deadline(context_.limits.write_timeout);
    if (!keeps_alive_ && !body_sent_separately_ && !input_left_unread_) {
        // The last response of the connection, its close_notify and the TCP FIN leave together.
        close_notify_sent_ = true;
        return tls_.async_write_and_shutdown(wire_.data(), wire_.size(),
                                             [self = shared_from_this()](error_code ec, std::size_t n) {
                                                 self->exchange_.response_bytes += n;
                                                 self->on_write(ec);
                                             });
    }
    tls_.async_write(wire_.data(), wire_.size(), [self = shared_from_this()](error_code ec, std::size_t n) {
        self->exchange_.response_bytes += n;
        if (ec || !self->body_sent_separately_) return self->on_write(ec);
        self->write_rest_of_body();
    });
}

void https_session::write_rest_of_body() {
    const std::string& body = response_.body();
    tls_.async_write(body.data(), body.size(), [self = shared_from_this()](error_code ec, std::size_t n) {
        self->exchange_.response_bytes += n;
        self->on_write(ec);
    });
}

void https_session::on_write(error_code ec) {
    exchange_.elapsed =
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - request_steady_).count();
    ++facts_.requests;
    context_.responses.fetch_add(1, std::memory_order_relaxed);
    try {
        context_.sink.emit_access(conn_, host_, request_, response_, exchange_);
    } catch (const std::exception& e) {
        context_.warn(std::string("cannot record a request: ") + e.what());
    }
    request_ = {};
    response_ = {};
    handler_ = nullptr;
    if (wire_.capacity() > retained_wire_capacity) std::string().swap(wire_);
    if (ec || close_notify_sent_) return finish();
    if (!keeps_alive_ || stopping_ || context_.shutting_down.load()) return close_gracefully();
    wait_for_request(false);
}

// The server's close_notify, without waiting for the client's (tls_socket::async_shutdown). When the request was
// not read to its end (413, 400, 431), the rest of what the client sends is read and dropped for up to
// close_timeout before the socket closes: closing a socket with unread input makes the kernel send a reset, which
// can destroy the answer before the client reads it (what nginx calls a lingering close).
void https_session::close_gracefully() {
    phase_ = phase::closing;
    set_deadline(context_.limits.close_timeout);
    tls_.async_shutdown([self = shared_from_this()](error_code ec, std::size_t) {
        if (ec || !self->input_left_unread_) return self->finish();
        error_code ignored;
        self->tls_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
        self->set_deadline(self->context_.limits.close_timeout);
        self->drain_input();
    });
}

void https_session::drain_input() {
    buffer_.clear();
    tls_.socket().async_read_some(buffer_.prepare(4096), [self = shared_from_this()](error_code ec, std::size_t) {
        if (ec || self->tls_.cancelled()) return self->finish();  // end of stream, or close_timeout
        self->drain_input();
    });
}

void https_session::finish() {
    if (finished_) return;
    finished_ = true;
    capture_segment_counts();
    timer_.cancel();
    tls_.close();  // the kernel sends the FIN (or a reset, when input was left unread)
    // The session ends when the last handler holding it returns; the destructor records the connection.
}

void https_session::capture_segment_counts() {
    if (!facts_.segments && tls_.socket().is_open())
        facts_.segments = read_tcp_segment_counts(tls_.socket().native_handle());
}

}  // namespace sclab::emulators
