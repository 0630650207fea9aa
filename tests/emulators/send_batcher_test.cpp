// The batcher on its own, over socket pairs: sends wait for the flush, go out whole and in one piece per socket,
// never wait for a peer that does not read, and a withdrawn send is never made.
#include "emulators/send_batcher.hpp"

#include <cerrno>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

namespace sclab::emulators {
namespace {

// A connected pair of stream sockets; the batcher sends on `ours`, the test reads on `theirs`.
struct socket_pair {
    socket_pair() {
        int fds[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds) != 0) throw std::runtime_error("socketpair");
        ours = fds[0];
        theirs = fds[1];
    }
    ~socket_pair() {
        if (ours >= 0) ::close(ours);
        if (theirs >= 0) ::close(theirs);
    }
    // Everything the peer can read now.
    std::string received() const {
        std::string out;
        char buf[65536];
        for (;;) {
            ssize_t n = ::recv(theirs, buf, sizeof buf, MSG_DONTWAIT);
            if (n <= 0) return out;
            out.append(buf, static_cast<std::size_t>(n));
        }
    }
    int ours = -1, theirs = -1;
};

send_batcher::send_request request_for(const socket_pair& pair, const std::string& bytes) {
    send_batcher::send_request r;
    r.fd = pair.ours;
    r.data = bytes.data();
    r.size = bytes.size();
    return r;
}

// The batcher of a fresh io_context, or a skip naming why this machine has no io_uring (a container's seccomp
// profile, a kernel without it): the batcher's fallback is then what the server uses, tested below.
#define REQUIRE_ACTIVE(batcher)                                                                           \
    if (!(batcher).active()) GTEST_SKIP() << "io_uring unavailable here: " << (batcher).unavailable_reason()

TEST(SendBatcher, SendsWaitForTheEndOfTheRoundThenGoOutWhole) {
    boost::asio::io_context context(1);
    send_batcher& batcher = boost::asio::make_service<send_batcher>(context, true);
    REQUIRE_ACTIVE(batcher);
    std::vector<socket_pair> pairs(3);
    std::vector<std::string> payloads = {"first response", std::string(9000, 'x'), "third"};
    std::vector<send_batcher::send_request> requests;
    for (std::size_t i = 0; i < pairs.size(); ++i) requests.push_back(request_for(pairs[i], payloads[i]));
    for (auto& r : requests) batcher.add(r);

    for (auto& r : requests) EXPECT_TRUE(r.queued);
    for (auto& p : pairs) EXPECT_EQ(p.received(), "") << "nothing is sent before the flush";

    EXPECT_EQ(context.poll(), 1u);  // the one flush posted for the round
    for (std::size_t i = 0; i < pairs.size(); ++i) {
        EXPECT_FALSE(requests[i].queued);
        EXPECT_EQ(requests[i].result, static_cast<long>(payloads[i].size()));
        EXPECT_EQ(pairs[i].received(), payloads[i]);
    }
}

TEST(SendBatcher, AFullBatchGoesOutAtOnce) {
    boost::asio::io_context context(1);
    send_batcher& batcher = boost::asio::make_service<send_batcher>(context, true);
    REQUIRE_ACTIVE(batcher);
    std::vector<socket_pair> pairs(send_batcher::flush_threshold + 1);
    std::vector<std::string> payloads;
    for (std::size_t i = 0; i < pairs.size(); ++i) payloads.push_back("response " + std::to_string(i));
    std::vector<send_batcher::send_request> requests;
    for (std::size_t i = 0; i < pairs.size(); ++i) requests.push_back(request_for(pairs[i], payloads[i]));

    for (std::size_t i = 0; i < send_batcher::flush_threshold; ++i) batcher.add(requests[i]);
    for (std::size_t i = 0; i < send_batcher::flush_threshold; ++i) {
        EXPECT_FALSE(requests[i].queued);
        EXPECT_EQ(pairs[i].received(), payloads[i]) << "sent by the add that filled the batch";
    }
    batcher.add(requests.back());  // the flush already posted for this round takes it
    EXPECT_EQ(pairs.back().received(), "");
    context.poll();
    EXPECT_EQ(pairs.back().received(), payloads.back());
}

TEST(SendBatcher, APeerThatDoesNotReadGetsWhatFitsAndTheFlushDoesNotWaitForIt) {
    boost::asio::io_context context(1);
    send_batcher& batcher = boost::asio::make_service<send_batcher>(context, true);
    REQUIRE_ACTIVE(batcher);
    socket_pair stuck, fine;
    const std::string filler(4096, 'f');
    while (::send(stuck.ours, filler.data(), filler.size(), MSG_DONTWAIT) > 0) {
    }
    ASSERT_TRUE(errno == EAGAIN || errno == EWOULDBLOCK);

    const std::string payload(send_batcher::largest_batched_send, 'p');
    auto blocked = request_for(stuck, payload);
    auto delivered = request_for(fine, "still served");
    batcher.add(blocked);
    batcher.add(delivered);
    batcher.flush();  // returns: the stuck socket's send gives up instead of waiting
    EXPECT_FALSE(blocked.queued);
    EXPECT_TRUE(blocked.result == -EAGAIN || (blocked.result >= 0 && blocked.result < static_cast<long>(payload.size())))
        << blocked.result;
    EXPECT_EQ(delivered.result, 12);
    EXPECT_EQ(fine.received(), "still served");
}

TEST(SendBatcher, AWithdrawnSendIsNeverMade) {
    boost::asio::io_context context(1);
    send_batcher& batcher = boost::asio::make_service<send_batcher>(context, true);
    REQUIRE_ACTIVE(batcher);
    socket_pair kept, withdrawn;
    const std::string a = "kept", b = "withdrawn";
    auto keep = request_for(kept, a);
    auto take_back = request_for(withdrawn, b);
    batcher.add(take_back);
    batcher.add(keep);
    batcher.withdraw(take_back);
    EXPECT_FALSE(take_back.queued);
    EXPECT_EQ(take_back.result, send_batcher::not_sent);
    context.poll();
    EXPECT_EQ(withdrawn.received(), "");
    EXPECT_EQ(take_back.result, send_batcher::not_sent);
    EXPECT_EQ(kept.received(), "kept");
    batcher.withdraw(keep);  // after its flush: nothing to take back, its result stays
    EXPECT_EQ(keep.result, 4);
}

TEST(SendBatcher, AFailedSendFailsOnlyItsOwnRequest) {
    boost::asio::io_context context(1);
    send_batcher& batcher = boost::asio::make_service<send_batcher>(context, true);
    REQUIRE_ACTIVE(batcher);
    socket_pair closed, open;
    ::close(closed.theirs);
    closed.theirs = -1;
    const std::string bytes = "hello";
    auto to_closed = request_for(closed, bytes);
    auto to_open = request_for(open, bytes);
    batcher.add(to_closed);
    batcher.add(to_open);
    context.poll();  // MSG_NOSIGNAL: no SIGPIPE ends the test
    EXPECT_EQ(to_closed.result, -EPIPE);
    EXPECT_EQ(to_open.result, 5);
    EXPECT_EQ(open.received(), "hello");
}

TEST(SendBatcher, TurnedOffItIsInactiveAndSocketsSendThemselves) {
    boost::asio::io_context with_off(1), without(1);
    send_batcher& off = boost::asio::make_service<send_batcher>(with_off, false);
    EXPECT_FALSE(off.active());
    EXPECT_EQ(off.unavailable_reason(), "turned off");
    EXPECT_EQ(send_batcher::active_on(with_off), nullptr);
    EXPECT_EQ(send_batcher::active_on(without), nullptr);
    EXPECT_FALSE(boost::asio::has_service<send_batcher>(without)) << "active_on only looks, never makes one";
}

TEST(SendBatcher, AnActiveBatcherIsFoundForItsContext) {
    boost::asio::io_context context(1);
    send_batcher& batcher = boost::asio::make_service<send_batcher>(context, true);
    REQUIRE_ACTIVE(batcher);
    EXPECT_EQ(send_batcher::active_on(context), &batcher);
}

TEST(SendBatcher, DestroyingTheContextDropsQueuedSendsUnsent) {
    socket_pair pair;
    const std::string bytes = "never";
    auto r = request_for(pair, bytes);
    bool active = false;
    {
        boost::asio::io_context context(1);
        send_batcher& batcher = boost::asio::make_service<send_batcher>(context, true);
        active = batcher.active();
        if (active) batcher.add(r);
    }  // the posted flush is destroyed, not run
    if (!active) GTEST_SKIP() << "io_uring unavailable here";
    EXPECT_FALSE(r.queued);
    EXPECT_EQ(r.result, send_batcher::not_sent);
    EXPECT_EQ(pair.received(), "");
}

}  // namespace
}  // namespace sclab::emulators
