#include "emulators/tls_socket.hpp"

#include <cerrno>
#include <stdexcept>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <openssl/bio.h>
#include <openssl/err.h>

#include <boost/asio/ssl/error.hpp>

namespace sclab::emulators {

using boost::system::error_code;

// The BIO under each SSL: reads come straight from the socket (counted), writes go to the socket's out_ buffer.
struct tls_socket_bio {
    static tls_socket& owner(BIO* bio) { return *static_cast<tls_socket*>(BIO_get_data(bio)); }

    static int read(BIO* bio, char* data, int size) {
        BIO_clear_retry_flags(bio);
        tls_socket& s = owner(bio);
        for (;;) {
            ssize_t n = ::recv(s.socket_.native_handle(), data, static_cast<std::size_t>(size), 0);
            if (n >= 0) {
                s.bytes_read_ += static_cast<std::uint64_t>(n);
                return static_cast<int>(n);  // 0: the client closed its side
            }
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) BIO_set_retry_read(bio);
            else s.last_socket_errno_ = errno;
            return -1;
        }
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
    // Whole records (often several) per recv(), instead of a 5-byte header read and then the rest.
    SSL_set_read_ahead(ssl_, 1);
    SSL_set_accept_state(ssl_);
}

tls_socket::~tls_socket() { SSL_free(ssl_); }

void tls_socket::cancel() {
    cancelled_ = true;
    error_code ignored;
    socket_.cancel(ignored);
}

tls_socket::attempt_result tls_socket::attempt_handshake() {
    ERR_clear_error();
    int r = SSL_do_handshake(ssl_);
    if (r == 1) return {};
    return classify_failure(r);
}

tls_socket::attempt_result tls_socket::attempt_read(char* data, std::size_t size) {
    ERR_clear_error();
    std::size_t n = 0;
    if (SSL_read_ex(ssl_, data, size, &n) == 1) return {wants::nothing, {}, n};
    return classify_failure(0);
}

tls_socket::attempt_result tls_socket::attempt_write(const char* data, std::size_t size) {
    ERR_clear_error();
    std::size_t n = 0;
    if (size == 0) return {};
    if (SSL_write_ex(ssl_, data, size, &n) == 1) return {wants::nothing, {}, n};
    return classify_failure(0);
}

tls_socket::attempt_result tls_socket::attempt_shutdown() {
    ERR_clear_error();
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
        if (last_socket_errno_ != 0) result.ec = error_code(last_socket_errno_, boost::system::system_category());
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
    out_.clear();
    sent_ = 0;
    // A large response grew the buffer; an idle connection should not keep it.
    if (out_.capacity() > retained_output_capacity) std::string().swap(out_);
    return {};
}

}  // namespace sclab::emulators
