// TLS over a non-blocking TCP socket, done the way nginx does it: OpenSSL reads the socket itself (with
// read-ahead) and writes into a buffer this class sends once per operation, and the reactor is asked only to wait
// for readiness when OpenSSL wants more. Compared with asio's ssl::stream this saves the BIO pair and the copies
// through it, asio's two 17 KiB buffers per stream, and several layers of composed operations per read and write:
// the emulator's per-request cost is what lets one I/O thread keep up with nginx (bench/run_emulator.sh).
//
// It counts the bytes that crossed the TCP connection (handshake, records, alerts): what a firewall or Zeek would
// report for the connection.
//
// One operation at a time (the HTTPS session is half-duplex: request, then response). Handlers are called with
// (error_code, bytes); an operation that finishes at once calls its handler before returning, up to a small depth,
// past which the call is posted (so a client pipelining thousands of requests cannot grow the stack).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

#include <openssl/ssl.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/system/error_code.hpp>

namespace sclab::emulators {

class tls_socket {
public:
    using executor_type = boost::asio::io_context::executor_type;
    using socket_type = boost::asio::basic_stream_socket<boost::asio::ip::tcp, executor_type>;

    // Takes the connected socket, makes it non-blocking and sets TCP_NODELAY (writes are already coalesced here,
    // one send per response or handshake flight). Throws std::runtime_error when OpenSSL cannot make the SSL.
    tls_socket(socket_type&& socket, SSL_CTX* context);
    ~tls_socket();
    tls_socket(const tls_socket&) = delete;
    tls_socket& operator=(const tls_socket&) = delete;

    SSL* native_handle() { return ssl_; }
    socket_type& socket() { return socket_; }
    executor_type get_executor() { return socket_.get_executor(); }

    std::uint64_t bytes_read() const { return bytes_read_; }
    std::uint64_t bytes_written() const { return bytes_written_; }

    template <class Handler>
    void async_handshake(Handler&& handler) {
        run([this] { return attempt_handshake(); }, std::forward<Handler>(handler));
    }
    // Reads up to `size` decrypted bytes; a clean close_notify from the client completes with asio's eof.
    template <class Handler>
    void async_read_some(char* data, std::size_t size, Handler&& handler) {
        run([this, data, size] { return attempt_read(data, size); }, std::forward<Handler>(handler));
    }
    // Writes all `size` bytes; `data` must stay valid until the handler runs (OpenSSL retries with the same buffer).
    template <class Handler>
    void async_write(const char* data, std::size_t size, Handler&& handler) {
        run([this, data, size] { return attempt_write(data, size); }, std::forward<Handler>(handler));
    }
    // Sends close_notify (the caller decides whether to wait for the client's).
    template <class Handler>
    void async_shutdown(Handler&& handler) {
        run([this] { return attempt_shutdown(); }, std::forward<Handler>(handler));
    }

    // The operation in progress, and any later one, completes with operation_aborted (timeouts, server shutdown).
    void cancel();
    bool cancelled() const { return cancelled_; }

private:
    enum class wants { nothing, read, write };
    struct attempt_result {
        wants next = wants::nothing;
        boost::system::error_code ec;
        std::size_t bytes = 0;
    };

    attempt_result attempt_handshake();
    attempt_result attempt_read(char* data, std::size_t size);
    attempt_result attempt_write(const char* data, std::size_t size);
    attempt_result attempt_shutdown();
    attempt_result classify_failure(int ssl_return);
    // Sends what OpenSSL wrote into out_ as far as the kernel takes it now; an error only when the socket failed.
    boost::system::error_code send_pending();
    bool has_pending_output() const { return sent_ < out_.size(); }

    template <class Attempt, class Handler>
    void run(Attempt attempt, Handler handler) {
        if (cancelled_) return complete(std::move(handler), boost::asio::error::operation_aborted, 0);
        attempt_result result = attempt();
        continue_after(std::move(attempt), std::move(handler), result);
    }

    // What an attempt wrote goes out before anything else; then the attempt completes or waits for readiness.
    template <class Attempt, class Handler>
    void continue_after(Attempt attempt, Handler handler, attempt_result result) {
        if (has_pending_output()) {
            boost::system::error_code send_ec = send_pending();
            if (send_ec) return complete(std::move(handler), result.ec ? result.ec : send_ec, 0);
            if (has_pending_output()) {
                socket_.async_wait(socket_type::wait_write,
                                   [this, attempt = std::move(attempt), handler = std::move(handler),
                                    result](boost::system::error_code ec) mutable {
                                       if (ec || cancelled_) return complete(std::move(handler), aborted_or(ec), 0);
                                       continue_after(std::move(attempt), std::move(handler), result);
                                   });
                return;
            }
        }
        switch (result.next) {
        case wants::nothing:
            return complete(std::move(handler), result.ec, result.bytes);
        case wants::write:  // the output buffer was full and is now empty
            return run(std::move(attempt), std::move(handler));
        case wants::read:
            socket_.async_wait(socket_type::wait_read, [this, attempt = std::move(attempt),
                                                        handler = std::move(handler)](boost::system::error_code ec) mutable {
                if (ec || cancelled_) return complete(std::move(handler), aborted_or(ec), 0);
                run(std::move(attempt), std::move(handler));
            });
            return;
        }
    }

    template <class Handler>
    void complete(Handler handler, boost::system::error_code ec, std::size_t bytes) {
        if (inline_depth_ < max_inline_depth) {
            ++inline_depth_;
            handler(ec, bytes);
            --inline_depth_;
            return;
        }
        boost::asio::post(socket_.get_executor(),
                          [handler = std::move(handler), ec, bytes]() mutable { handler(ec, bytes); });
    }

    static boost::system::error_code aborted_or(boost::system::error_code ec) {
        return ec ? ec : boost::system::error_code(boost::asio::error::operation_aborted);
    }

    friend struct tls_socket_bio;  // the BIO's callbacks, in tls_socket.cpp

    static constexpr int max_inline_depth = 8;
    // OpenSSL's writes wait here for the next send; past this, its write is told to retry (after a send).
    static constexpr std::size_t output_limit = 64 * 1024;
    // Enough for a handshake flight and a small response; a larger buffer is freed once sent.
    static constexpr std::size_t retained_output_capacity = 16 * 1024;

    socket_type socket_;
    SSL* ssl_ = nullptr;
    std::string out_;
    std::size_t sent_ = 0;
    std::uint64_t bytes_read_ = 0;
    std::uint64_t bytes_written_ = 0;
    int last_socket_errno_ = 0;
    int inline_depth_ = 0;
    bool cancelled_ = false;
};

}  // namespace sclab::emulators
