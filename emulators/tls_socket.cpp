#include "emulators/tls_socket.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <openssl/bio.h>
#include <openssl/err.h>

#include <boost/asio/ssl/error.hpp>

namespace sclab::emulators {

using boost::system::error_code;

// The BIO under each SSL: reads come from the input buffer the socket's receives fill, writes go to the socket's
// out_ buffer.
struct tls_socket_bio {
    static tls_socket& owner(BIO* bio) { return *static_cast<tls_socket*>(BIO_get_data(bio)); }

    static int read(BIO* bio, char* data, int size) {
        BIO_clear_retry_flags(bio);
        tls_socket& s = owner(bio);
        if (s.in_begin_ < s.in_end_) {
            const std::size_t n = std::min(static_cast<std::size_t>(size), s.in_end_ - s.in_begin_);
            std::memcpy(data, s.in_.get() + s.in_begin_, n);
            s.in_begin_ += n;
            return static_cast<int>(n);
        }
        if (s.input_ended_) return s.socket_error_ ? -1 : 0;  // 0: the client closed its side
        BIO_set_retry_read(bio);
        return -1;
    }

    static int write(BIO* bio, const char* data, int size) {
        BIO_clear_retry_flags(bio);
        tls_socket& s = owner(bio);
        if (s.out_.size() - s.sent_ >= tls_socket::output_limit) {
            BIO_set_retry_write(bio);
            return -1;
        }
        s.out_.append(data, static_cast<std::size_t>(size));
        return size;
    }

    static long control(BIO* bio, int command, long, void*) {
        switch (command) {
        case BIO_CTRL_FLUSH:
            return 1;  // the socket sends out_ after every OpenSSL call
        case BIO_CTRL_WPENDING: {
            tls_socket& s = owner(bio);
            return static_cast<long>(s.out_.size() - s.sent_);
        }
        default:
            return 0;
        }
    }

    static const BIO_METHOD* method() {
        static BIO_METHOD* const m = [] {
            BIO_METHOD* made = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "sclab tls_socket");
            if (made == nullptr || BIO_meth_set_read(made, read) != 1 || BIO_meth_set_write(made, write) != 1 ||
                BIO_meth_set_ctrl(made, control) != 1)
                throw std::runtime_error("OpenSSL cannot make a BIO method");
            return made;
        }();
        return m;
    }
};

tls_socket::tls_socket(socket_type&& socket, SSL_CTX* context) : socket_(std::move(socket)) {
    socket_.non_blocking(true);
    error_code ignored;  // a socket the client already reset still gets its (short) session
    socket_.set_option(boost::asio::ip::tcp::no_delay(true), ignored);
    ssl_ = SSL_new(context);
    BIO* bio = ssl_ != nullptr ? BIO_new(tls_socket_bio::method()) : nullptr;
    if (bio == nullptr) {
        SSL_free(ssl_);
        throw std::runtime_error("OpenSSL cannot make a connection: out of memory");
    }
    BIO_set_data(bio, this);
    BIO_set_init(bio, 1);
    SSL_set_bio(ssl_, bio, bio);
    // Whole records (often several) per BIO read, instead of a 5-byte header read and then the rest.
    SSL_set_read_ahead(ssl_, 1);
    SSL_set_accept_state(ssl_);
    batcher_ = send_batcher::active_on(socket_.get_executor().context());
}

tls_socket::~tls_socket() {
    withdraw_batched_send();
    SSL_free(ssl_);
}

void tls_socket::withdraw_batched_send() {
    if (batched_.queued) batcher_->withdraw(batched_);
}

void tls_socket::cancel() {
    cancelled_ = true;
    withdraw_batched_send();
    error_code ignored;
    socket_.cancel(ignored);
}

void tls_socket::close() {
    withdraw_batched_send();
    error_code ignored;
    socket_.close(ignored);
}

boost::asio::mutable_buffer tls_socket::input_space() {
    in_begin_ = in_end_ = 0;  // a receive starts only once OpenSSL has taken everything
    const std::size_t want = input_filled_ ? large_input : small_input;
    if (in_capacity_ != want) {
        in_.reset();  // the large buffer is given back as soon as a receive no longer fills it
        in_.reset(new char[want]);
        in_capacity_ = want;
    }
    return boost::asio::buffer(in_.get(), in_capacity_);
}

void tls_socket::received(const error_code& ec, std::size_t n) {
    if (ec) {
        input_ended_ = true;
        if (ec != boost::asio::error::eof) socket_error_ = ec;
        return;
    }
    in_end_ = n;
    bytes_read_ += n;
    input_filled_ = n == in_capacity_;
}

namespace {

// SSL_get_error reads the thread's error queue, so nothing may be left in it from before an SSL call. OpenSSL 3's
// ERR_clear_error resets every slot of the queue even when it is empty (~800 instructions, three calls per
// request); an empty queue, what ERR_peek_error (the test SSL_get_error makes) reports, needs no clearing.
void clear_ssl_errors() {
    if (ERR_peek_error() != 0) ERR_clear_error();
}

}  // namespace

tls_socket::attempt_result tls_socket::attempt_handshake() {
    clear_ssl_errors();
    int r = SSL_do_handshake(ssl_);
    if (r == 1) {
        // What TLS 1.3 writes as the handshake ends is the session tickets. When the client's first request came
        // with its Finished, they go out with the response. Otherwise now: the client may be holding its request
        // back (Nagle) until its Finished is acknowledged, and the tickets carry that ACK without the 40 ms of a
        // delayed one. (A TLS 1.2 server's last flight is its Finished, which the client waits for: always now.)
        output_held_ = SSL_version(ssl_) >= TLS1_3_VERSION && (in_begin_ < in_end_ || SSL_has_pending(ssl_) == 1);
        return {};
    }
    return classify_failure(r);
}

tls_socket::attempt_result tls_socket::attempt_read(char* data, std::size_t size) {
    // Nothing received that OpenSSL has not taken, and nothing (whole or partial record) buffered inside it: a read
    // could only ask for more input, which takes OpenSSL some 2,000 instructions to find out, once per keep-alive
    // request (the read started after each response). The end of the input must reach OpenSSL, so not once ended.
    if (in_begin_ == in_end_ && !input_ended_ && SSL_is_init_finished(ssl_) && SSL_has_pending(ssl_) == 0)
        return {wants::read, {}, 0};
    clear_ssl_errors();
    std::size_t n = 0;
    if (SSL_read_ex(ssl_, data, size, &n) == 1) return {wants::nothing, {}, n};
    return classify_failure(0);
}

tls_socket::attempt_result tls_socket::attempt_write(const char* data, std::size_t size) {
    output_held_ = false;
    clear_ssl_errors();
    std::size_t n = 0;
    if (size == 0) return {};
    if (SSL_write_ex(ssl_, data, size, &n) == 1) return {wants::nothing, {}, n};
    return classify_failure(0);
}

tls_socket::attempt_result tls_socket::attempt_shutdown() {
    output_held_ = false;
    // Not waiting for the client's close_notify: SSL_shutdown returns once ours is written, and a client that keeps
    // its end open costs nothing.
    SSL_set_shutdown(ssl_, SSL_get_shutdown(ssl_) | SSL_RECEIVED_SHUTDOWN);
    clear_ssl_errors();
    int r = SSL_shutdown(ssl_);
    if (r >= 0) return {};  // close_notify is written (1: the client's was received or is not waited for)
    return classify_failure(r);
}

tls_socket::attempt_result tls_socket::classify_failure(int ssl_return) {
    const int reason = SSL_get_error(ssl_, ssl_return);
    attempt_result result;
    switch (reason) {
    case SSL_ERROR_WANT_READ:
        result.next = wants::read;
        return result;
    case SSL_ERROR_WANT_WRITE:
        result.next = wants::write;
        return result;
    case SSL_ERROR_ZERO_RETURN:
        result.ec = boost::asio::error::eof;  // the client's close_notify
        break;
    case SSL_ERROR_SYSCALL:
        if (socket_error_) result.ec = socket_error_;
        else result.ec = boost::asio::ssl::error::stream_truncated;  // the connection ended without close_notify
        break;
    default:
        if (unsigned long code = ERR_get_error(); code != 0)
            result.ec = error_code(static_cast<int>(code), boost::asio::error::get_ssl_category());
        else result.ec = boost::asio::ssl::error::stream_truncated;
        break;
    }
    ERR_clear_error();  // the queue is per thread: leave nothing for the next connection to trip on
    return result;
}

error_code tls_socket::send_pending() {
    while (sent_ < out_.size()) {
        ssize_t n = ::send(socket_.native_handle(), out_.data() + sent_, out_.size() - sent_, MSG_NOSIGNAL);
        if (n > 0) {
            sent_ += static_cast<std::size_t>(n);
            bytes_written_ += static_cast<std::uint64_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return {};
        return error_code(n < 0 ? errno : EPIPE, boost::system::system_category());
    }
    output_sent();
    return {};
}

void tls_socket::output_sent() {
    out_.clear();
    sent_ = 0;
    batch_tried_ = false;
    if (out_.capacity() > retained_output_capacity) std::string().swap(out_);
}

void tls_socket::queue_output_in_batch() {
    batch_tried_ = true;
    batched_.fd = socket_.native_handle();
    batched_.data = out_.data();
    batched_.size = out_.size();
    batcher_->add(batched_);
}

error_code tls_socket::take_batch_result() {
    if (batched_.queued) batcher_->flush();  // posted before this handler, so already done; should that ever change
    const long result = batched_.result;
    if (result > 0) {
        sent_ += static_cast<std::size_t>(result);
        bytes_written_ += static_cast<std::uint64_t>(result);
        if (sent_ == out_.size()) output_sent();
        return {};
    }
    // Nothing sent: the socket buffer is full (sent the ordinary way, after a wait), or the batch was withdrawn
    // (cancel) or never made (io_uring gave up).
    if (result == -EAGAIN || result == -EWOULDBLOCK || result == -EINTR || result == send_batcher::not_sent) return {};
    return error_code(static_cast<int>(-result), boost::system::system_category());
}

}  // namespace sclab::emulators
