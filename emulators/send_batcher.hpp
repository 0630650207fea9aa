// Sends the small outputs of many connections of one I/O thread in one system call (io_uring), instead of one
// send() each. Two things make this worth it (bench/RESULTS.md, "Emulator against nginx"): system calls are dear
// on the VMs the lab runs on, and sending each response the moment it is ready makes the load generator's threads
// preempt the I/O thread once per response (a ping-pong: each woken client thread handles the one response sent so
// far, sleeps, and is woken by the next one). Batches of `flush_threshold` responses, and the last of each reactor
// round, keep the I/O thread running while the clients' answers pile up.
//
// One per io_context (an asio service), used by that context's thread only. A send waits here until the batch is
// full or the current round of ready handlers is done (a posted flush), then all go in one io_uring_enter. Every
// send is non-blocking (MSG_DONTWAIT): it takes what the socket buffer can take now, so a flush never waits for a
// slow client; what a send leaves over is the owner's to send the ordinary way.
//
// Without io_uring (a kernel without it, a container whose seccomp profile refuses it, a build without liburing)
// the batcher says so (active() false) and the sockets send directly, as they did before.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/execution_context.hpp>
#include <boost/asio/io_context.hpp>

namespace sclab::emulators {

class send_batcher : public boost::asio::execution_context::service {
public:
    // One send waiting for the flush. The owner keeps it (and the bytes and descriptor it names) alive and unchanged
    // until the flush has filled in `result`, or withdraws it.
    struct send_request {
        int fd = -1;
        const char* data = nullptr;
        std::size_t size = 0;
        // After the flush: the bytes the kernel took (>= 0), or -errno (-EAGAIN: none, the socket buffer is full).
        // not_sent: the batcher gave up on io_uring before this send was made; the owner sends it itself.
        long result = 0;
        bool queued = false;
    };
    static constexpr long not_sent = -1'000'000;

    // Sends waiting when a flush goes out at once: 8 measured best of 4, 8 and 16 (bench/RESULTS.md).
    static constexpr std::size_t flush_threshold = 8;
    // Outputs larger than this are sent directly: a response of a few KB (a beacon's) fits any socket buffer, so a
    // batched send practically never leaves a remainder.
    static constexpr std::size_t largest_batched_send = 16 * 1024;

    using key_type = send_batcher;
    static boost::asio::execution_context::id id;

    // `owner` must be an io_context (boost::asio::make_service<send_batcher>(io_context, wanted)). `wanted` false:
    // never batch (active() is false). Otherwise io_uring is set up now; if that fails, active() is false and
    // unavailable_reason() says why. (The default is only there for use_service to compile: active_on() never
    // makes a batcher.)
    explicit send_batcher(boost::asio::execution_context& owner, bool wanted = true);
    ~send_batcher() override;
    send_batcher(const send_batcher&) = delete;
    send_batcher& operator=(const send_batcher&) = delete;

    bool active() const { return ring_ != nullptr; }
    const std::string& unavailable_reason() const { return unavailable_reason_; }

    // Queues `request` (active() must be true). The flush happens before any handler posted after this call runs:
    // at once when the batch is full, else in a handler posted now.
    void add(send_request& request);
    // Takes back a queued request (its socket is being cancelled or closed); result becomes not_sent.
    void withdraw(send_request& request);
    // Sends everything queued and fills in each result.
    void flush();

    // The batcher of `context`, or nullptr when it has none or batching is off.
    static send_batcher* active_on(boost::asio::io_context& context);

private:
    void shutdown() override;
    // io_uring failed in a way that leaves the ring's state unknown: every later send goes directly.
    void give_up(const std::string& reason);
    // Every queued request becomes not_sent (its owner sends it, or is going away) and leaves the queue.
    void drop_queued();

    struct ring;
    boost::asio::io_context::executor_type executor_;
    std::unique_ptr<ring> ring_;
    std::string unavailable_reason_;
    std::vector<send_request*> queued_;
    bool flush_posted_ = false;
};

}  // namespace sclab::emulators
