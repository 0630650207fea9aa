// TLS over a non-blocking TCP socket, done the way nginx does it: OpenSSL writes into a buffer this class sends
// once per operation, and reads from a small input buffer filled by the reactor's own receive. Compared with
// asio's ssl::stream this saves the BIO pair and the copies through it, asio's two 17 KiB buffers per stream, and
// several layers of composed operations per read and write: the emulator's per-request cost is what lets one I/O
// thread keep up with nginx (bench/run_emulator.sh).
//
// Receiving through asio's async_receive (rather than waiting for readiness and calling recv() from the BIO) is
// what keeps a keep-alive request to four system calls (recv finding nothing yet, epoll_wait, recv, send): a
// readiness wait makes asio re-arm the descriptor with epoll_ctl every time, while a receive is tried at once
// and, when it would block, waits for the next edge of the descriptor registered once.
//
// Fewer packets, as a server that knows HTTP sends them: when the client's first request arrived with its
// Finished, the TLS 1.3 session tickets written as the handshake ends go out with the response instead of in a
// packet of their own, and a response that closes the connection carries its close_notify in the same send
// (async_write_and_shutdown).
//
// Responses of many connections go out in one system call when the I/O thread has a send_batcher (https_server gives
// each of its io_contexts one): a small output after the handshake waits for the batch's flush, and the operation
// carries on (completes, or sends what the socket did not take the ordinary way) in a handler posted after it.
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
#include <memory>
#include <string>
#include <utility>

#include <openssl/ssl.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>
#include <boost/system/error_code.hpp>

#include "emulators/send_batcher.hpp"

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
    // Sends close_notify without waiting for the client's (RFC 8446 6.1: the side that closes need not wait).
    template <class Handler>
    void async_shutdown(Handler&& handler) {
        run([this] { return attempt_shutdown(); }, std::forward<Handler>(handler));
    }
    // Writes all `size` bytes, then close_notify, in one send when they fit the output buffer. The handler gets the
    // bytes of `data` written.
    template <class Handler>
    void async_write_and_shutdown(const char* data, std::size_t size, Handler&& handler) {
        run([this, data, size, written = std::size_t{0}, wrote = false]() mutable {
                if (!wrote) {
                    attempt_result w = attempt_write(data, size);
                    if (w.next != wants::nothing || w.ec) return w;
                    written = w.bytes;
                    wrote = true;
                }
                attempt_result s = attempt_shutdown();
                s.bytes = written;
                return s;
            },
            std::forward<Handler>(handler));
    }

    // The operation in progress, and any later one, completes with operation_aborted (timeouts, server shutdown).
    void cancel();
    bool cancelled() const { return cancelled_; }
    // Closes the descriptor, after taking back a send still waiting in the batch (which would otherwise go to
    // whatever connection gets the descriptor's number next). Sockets are closed only through this.
    void close();

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
    // out_ went out whole: empty it, and give back a large buffer (an idle connection should not keep it).
    void output_sent();
    // The output may wait for the batch: small, after the handshake, not tried there before.
    bool batchable() const {
        return batcher_ != nullptr && !batch_tried_ && sent_ == 0 && out_.size() <= send_batcher::largest_batched_send &&
               batcher_->active() && SSL_is_init_finished(ssl_) == 1;
    }
    void queue_output_in_batch();
    // A send still waiting in the batch is taken back: the socket is being cancelled, closed or destroyed.
    void withdraw_batched_send();
    // After the flush: counts what the batched send sent; an error only when the socket failed.
    boost::system::error_code take_batch_result();
    bool has_pending_output() const { return sent_ < out_.size(); }
    // Output waits for the next write (session tickets) rather than going out before a read waits.
    bool output_waits() const { return output_held_ || !has_pending_output(); }
    // The input buffer for the next receive: small while requests are small, one TLS record once a receive filled it.
    boost::asio::mutable_buffer input_space();

    template <class Attempt, class Handler>
    void run(Attempt attempt, Handler handler) {
        if (cancelled_) return complete(std::move(handler), boost::asio::error::operation_aborted, 0);
        attempt_result result = attempt();
        continue_after(std::move(attempt), std::move(handler), result);
    }

    // What an attempt wrote goes out before anything else (but held tickets); then the attempt completes, or waits
    // for the socket to take more output, or receives more input and tries again.
    template <class Attempt, class Handler>
    void continue_after(Attempt attempt, Handler handler, attempt_result result) {
        if (!output_waits()) {
            if (batchable()) return send_in_batch(std::move(attempt), std::move(handler), result);
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
            socket_.async_receive(input_space(), [this, attempt = std::move(attempt), handler = std::move(handler)](
                                                     boost::system::error_code ec, std::size_t n) mutable {
                if (cancelled_ || ec == boost::asio::error::operation_aborted)
                    return complete(std::move(handler), boost::asio::error::operation_aborted, 0);
                received(ec, n);
                run(std::move(attempt), std::move(handler));
            });
            return;
        }
    }

    // The flush runs before this handler (both are posted to the same thread, the flush first); a remainder the
    // batched send left goes out the ordinary way in continue_after.
    template <class Attempt, class Handler>
    void send_in_batch(Attempt attempt, Handler handler, attempt_result result) {
        queue_output_in_batch();
        boost::asio::post(socket_.get_executor(), [this, attempt = std::move(attempt), handler = std::move(handler),
                                                   result]() mutable {
            boost::system::error_code send_ec = take_batch_result();
            if (cancelled_) return complete(std::move(handler), boost::asio::error::operation_aborted, 0);
            if (send_ec) return complete(std::move(handler), result.ec ? result.ec : send_ec, 0);
            continue_after(std::move(attempt), std::move(handler), result);
        });
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

    // Takes what a receive brought: bytes for the BIO, or the end of the input (the client's FIN, a reset) for
    // OpenSSL to see at its next read.
    void received(const boost::system::error_code& ec, std::size_t n);

    friend struct tls_socket_bio;  // the BIO's callbacks, in tls_socket.cpp

    static constexpr int max_inline_depth = 8;
    // OpenSSL's writes wait here for the next send; past this, its write is told to retry (after a send).
    static constexpr std::size_t output_limit = 64 * 1024;
    // Enough for a handshake flight and a small response; a larger buffer is freed once sent.
    static constexpr std::size_t retained_output_capacity = 16 * 1024;
    // A ClientHello, a keep-alive request record, or part of a larger one; an idle connection holds this much.
    static constexpr std::size_t small_input = 1024;
    // A whole TLS record (16 KiB of plaintext and its header, tag and padding) per receive.
    static constexpr std::size_t large_input = 16 * 1024 + 512;

    socket_type socket_;
    SSL* ssl_ = nullptr;
    std::string out_;
    std::size_t sent_ = 0;
    bool output_held_ = false;
    std::unique_ptr<char[]> in_;
    std::size_t in_capacity_ = 0;
    std::size_t in_begin_ = 0, in_end_ = 0;  // the bytes received and not yet given to OpenSSL
    bool input_filled_ = false;             // the last receive filled the buffer: more is probably coming
    bool input_ended_ = false;              // the client closed its side (or the connection failed)
    boost::system::error_code socket_error_;
    std::uint64_t bytes_read_ = 0;
    std::uint64_t bytes_written_ = 0;
    int inline_depth_ = 0;
    bool cancelled_ = false;
    send_batcher* batcher_ = nullptr;  // this thread's, when it batches
    send_batcher::send_request batched_;
    bool batch_tried_ = false;  // out_ went to the batch once: what is left of it is sent directly
};

}  // namespace sclab::emulators
