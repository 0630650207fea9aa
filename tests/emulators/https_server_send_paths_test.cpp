// The two ways a response leaves the server: in an io_uring batch (the default where io_uring works) and with its
// own send() (--plain-sends, or no io_uring). Both must answer pipelined requests in order, close after an answer
// that says Connection: close, and serve everyone else while one client stops reading.
#include <chrono>
#include <future>
#include <string>

#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <gtest/gtest.h>

#include "emulators/send_batcher.hpp"
#include "server_fixture.hpp"
#include "tls_test_client.hpp"

namespace sclab::emulators::server_testing {
namespace {

const std::string host = "a.b.workers.dev";

std::string get_line(const std::string& target) { return "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n"; }
std::string expected_body(const std::string& target) { return "hello " + host + target + " body=0 sni=" + host; }

bool io_uring_works_here() {
    boost::asio::io_context probe(1);
    return boost::asio::make_service<send_batcher>(probe, true).active();
}

class SendPaths : public testing::TestWithParam<bool> {
protected:
    static server_options options() {
        server_options o = fast_test_options();
        o.batched_sends = GetParam();
        return o;
    }
};

TEST_P(SendPaths, TheServerSaysWhichPathItUses) {
    server_fixture f(options());
    EXPECT_EQ(f.server->stats().sends_batched, GetParam() && io_uring_works_here());
}

TEST_P(SendPaths, PipelinedRequestsAreAnsweredInOrderAndTheCloseComesAfterTheLastAnswer) {
    server_fixture f(options());
    tls_test_client client(f.port(), f.ca_pem(), host);
    constexpr int count = 60;
    std::string pipelined;
    for (int i = 0; i < count; ++i) pipelined += get_line("/n" + std::to_string(i));
    pipelined += get_line("/close");
    client.write_raw(pipelined);

    boost::beast::flat_buffer buffer;
    for (int i = 0; i < count; ++i) {
        http::response<http::string_body> res;
        http::read(client.stream(), buffer, res);
        ASSERT_EQ(res.body(), expected_body("/n" + std::to_string(i)));
        EXPECT_TRUE(res.keep_alive());
    }
    http::response<http::string_body> last;
    http::read(client.stream(), buffer, last);
    EXPECT_EQ(last.body(), expected_body("/close"));
    EXPECT_FALSE(last.keep_alive());
    EXPECT_EQ(buffer.size(), 0u);
    EXPECT_TRUE(client.closed_by_server(2.0)) << "the server closes once the answer is out";
    EXPECT_EQ(f.platform.handled.load(), count + 1);
}

// The stuck client's answers fill its socket: the server's sends then take part of a response, or nothing, and the
// rest must follow later, in order and whole, without the I/O thread ever waiting for that client.
TEST_P(SendPaths, AClientThatStopsReadingHoldsUpNobodyAndLosesNothing) {
    server_fixture f(options());
    tls_test_client stuck(f.port(), f.ca_pem(), host);
    // A small receive window keeps the server's send buffer small too, so the answers soon stop fitting.
    stuck.stream().next_layer().set_option(boost::asio::socket_base::receive_buffer_size(4096));
    constexpr int count = 400;  // ~100 KB of answers, several times what the small window lets through
    std::string pipelined;
    for (int i = 0; i < count; ++i) pipelined += get_line("/s" + std::to_string(i));
    // Written asynchronously: the server stops reading requests while its answers cannot go out.
    boost::system::error_code write_error;
    boost::asio::async_write(stuck.stream(), boost::asio::buffer(pipelined),
                             [&](boost::system::error_code ec, std::size_t) { write_error = ec; });
    boost::asio::steady_timer hold(stuck.io(), std::chrono::milliseconds(500));
    int answered = 0;
    std::string mismatch;
    boost::beast::flat_buffer buffer;
    std::optional<http::response<http::string_body>> res;
    std::function<void()> read_next = [&] {
        res.emplace();
        http::async_read(stuck.stream(), buffer, *res, [&](boost::system::error_code ec, std::size_t) {
            if (ec) {
                mismatch = "read failed after " + std::to_string(answered) + " answers: " + ec.message();
                return;
            }
            const std::string want = expected_body("/s" + std::to_string(answered));
            if (res->body() != want) {
                mismatch = "answer " + std::to_string(answered) + " is " + res->body();
                return;
            }
            if (++answered < count) read_next();
        });
    };
    hold.async_wait([&](boost::system::error_code) {  // reading starts only after the hold, with a wide window
        stuck.stream().next_layer().set_option(boost::asio::socket_base::receive_buffer_size(1 << 20));
        read_next();
    });
    std::future<void> stuck_client = std::async(std::launch::async, [&] { stuck.io().run(); });

    // Meanwhile another client is served at once.
    tls_test_client other(f.port(), f.ca_pem(), host);
    EXPECT_EQ(other.get("/other").body(), expected_body("/other"));
    EXPECT_EQ(stuck_client.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout)
        << "the stuck client was still being held while the other was served";
    EXPECT_LT(f.platform.handled.load(), count) << "the server was waiting for the stuck client to read";

    ASSERT_EQ(stuck_client.wait_for(std::chrono::seconds(30)), std::future_status::ready);
    EXPECT_FALSE(write_error) << write_error.message();
    EXPECT_EQ(mismatch, "");
    EXPECT_EQ(answered, count);
}

INSTANTIATE_TEST_SUITE_P(, SendPaths, testing::Values(true, false),
                         [](const testing::TestParamInfo<bool>& info) { return info.param ? "Batched" : "Plain"; });

}  // namespace
}  // namespace sclab::emulators::server_testing
