// A stream that passes reads and writes through and counts the bytes. Placed under the TLS layer it counts what
// crossed the TCP connection (handshake, records, alerts): the bytes a firewall or Zeek would report.
#pragma once

#include <cstdint>
#include <utility>

#include <boost/asio/compose.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/system/error_code.hpp>

namespace sclab::emulators {

template <class NextLayer>
class counting_stream {
public:
    using next_layer_type = NextLayer;
    using lowest_layer_type = boost::beast::lowest_layer_type<NextLayer>;
    using executor_type = typename NextLayer::executor_type;

    template <class... Args>
    explicit counting_stream(Args&&... args) : next_(std::forward<Args>(args)...) {}

    executor_type get_executor() noexcept { return next_.get_executor(); }
    next_layer_type& next_layer() noexcept { return next_; }
    const next_layer_type& next_layer() const noexcept { return next_; }
    // What asio's ssl::stream takes its executor from.
    lowest_layer_type& lowest_layer() noexcept { return boost::beast::get_lowest_layer(next_); }

    std::uint64_t bytes_read() const { return bytes_read_; }
    std::uint64_t bytes_written() const { return bytes_written_; }

    template <class MutableBuffers, class Token>
    auto async_read_some(const MutableBuffers& buffers, Token&& token) {
        return boost::asio::async_compose<Token, void(boost::system::error_code, std::size_t)>(
            pass_through<MutableBuffers, true>{*this, buffers}, token, next_);
    }

    template <class ConstBuffers, class Token>
    auto async_write_some(const ConstBuffers& buffers, Token&& token) {
        return boost::asio::async_compose<Token, void(boost::system::error_code, std::size_t)>(
            pass_through<ConstBuffers, false>{*this, buffers}, token, next_);
    }

private:
    // One read or write on the next layer, then the count. async_compose keeps the caller's executor,
    // allocator and cancellation slot (asio's SSL engine relies on them).
    template <class Buffers, bool is_read>
    struct pass_through {
        counting_stream& stream;
        Buffers buffers;
        bool started = false;

        template <class Self>
        void operator()(Self& self, boost::system::error_code ec = {}, std::size_t n = 0) {
            if (!started) {
                started = true;
                if constexpr (is_read) stream.next_.async_read_some(buffers, std::move(self));
                else stream.next_.async_write_some(buffers, std::move(self));
                return;
            }
            (is_read ? stream.bytes_read_ : stream.bytes_written_) += n;
            self.complete(ec, n);
        }
    };

    NextLayer next_;
    std::uint64_t bytes_read_ = 0;
    std::uint64_t bytes_written_ = 0;
};

}  // namespace sclab::emulators
