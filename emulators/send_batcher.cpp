#include "emulators/send_batcher.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <sys/socket.h>

#include <boost/asio/post.hpp>

#if SCLAB_HAVE_LIBURING
#include <liburing.h>
#endif

namespace sclab::emulators {

boost::asio::execution_context::id send_batcher::id;

namespace {

// make_service hands the service its context as an execution_context; send_batcher is only made for io_contexts.
boost::asio::io_context& as_io_context(boost::asio::execution_context& owner) {
    return static_cast<boost::asio::io_context&>(owner);
}

}  // namespace

#if SCLAB_HAVE_LIBURING

struct send_batcher::ring {
    io_uring handle{};
    bool ready = false;
    ~ring() {
        if (ready) io_uring_queue_exit(&handle);
    }
};

send_batcher::send_batcher(boost::asio::execution_context& owner, bool wanted)
    : service(owner), executor_(as_io_context(owner).get_executor()) {
    queued_.reserve(flush_threshold);
    if (!wanted) {
        unavailable_reason_ = "turned off";
        return;
    }
    auto made = std::make_unique<ring>();
    // No setup flags: the ring is made here and used from the I/O thread, and every send completes as it is
    // submitted, so none of the task-running options would change anything.
    if (int err = io_uring_queue_init(static_cast<unsigned>(flush_threshold), &made->handle, 0); err < 0) {
        unavailable_reason_ = std::string("io_uring cannot be set up: ") + std::strerror(-err);
        return;
    }
    made->ready = true;
    ring_ = std::move(made);
}

void send_batcher::flush() {
    if (queued_.empty()) return;
    if (!ring_) return drop_queued();
    io_uring& r = ring_->handle;
    const auto n = static_cast<unsigned>(queued_.size());
    for (unsigned k = 0; k < n; ++k) {
        io_uring_sqe* sqe = io_uring_get_sqe(&r);  // never null: the ring holds flush_threshold and starts empty
        const send_request& request = *queued_[k];
        // MSG_DONTWAIT: the send completes as it is submitted, with what the socket takes now, instead of being
        // parked by io_uring until the socket is writable (which would make the wait below wait for the client).
        io_uring_prep_send(sqe, request.fd, request.data, request.size, MSG_NOSIGNAL | MSG_DONTWAIT);
        io_uring_sqe_set_data64(sqe, k);
    }
    // Submit and collect the completions in one system call; a signal or a short submission only means another.
    std::string failure;
    while (io_uring_sq_ready(&r) > 0) {
        const int submitted = io_uring_submit_and_wait(&r, n);
        if (submitted < 0 && submitted != -EINTR) {
            failure = std::string("io_uring_enter failed: ") + std::strerror(-submitted);
            break;
        }
    }
    // The kernel takes the queue in order: what it did not take is the tail, never sent.
    const unsigned unsubmitted = io_uring_sq_ready(&r);
    for (unsigned k = n - unsubmitted; k < n; ++k) queued_[k]->result = not_sent;
    for (unsigned got = 0; got < n - unsubmitted;) {
        io_uring_cqe* cqe = nullptr;
        const int err = io_uring_wait_cqe(&r, &cqe);  // present already: no system call
        if (err == -EINTR) continue;
        if (err < 0) {
            // Sends whose outcome is unknown must not be sent again (the client would get bytes twice and the
            // TLS stream would break): their connections fail instead.
            failure = std::string("io_uring completions lost: ") + std::strerror(-err);
            for (send_request* request : queued_)
                if (request->queued && request->result != not_sent) request->result = -EIO;
            break;
        }
        send_request& request = *queued_[io_uring_cqe_get_data64(cqe)];
        request.result = cqe->res;
        request.queued = false;
        io_uring_cqe_seen(&r, cqe);
        ++got;
    }
    for (send_request* request : queued_) request->queued = false;
    queued_.clear();
    if (!failure.empty()) give_up(failure);
}

#else  // built without liburing: never active

struct send_batcher::ring {};

send_batcher::send_batcher(boost::asio::execution_context& owner, bool wanted)
    : service(owner), executor_(as_io_context(owner).get_executor()) {
    unavailable_reason_ = wanted ? "built without liburing" : "turned off";
}

void send_batcher::flush() { drop_queued(); }

#endif

send_batcher::~send_batcher() = default;

void send_batcher::add(send_request& request) {
    request.queued = true;
    request.result = 0;
    queued_.push_back(&request);
    if (queued_.size() >= flush_threshold) return flush();
    if (flush_posted_) return;
    flush_posted_ = true;
    boost::asio::post(executor_, [this] {
        flush_posted_ = false;
        flush();
    });
}

void send_batcher::withdraw(send_request& request) {
    if (!request.queued) return;
    auto it = std::find(queued_.begin(), queued_.end(), &request);
    if (it != queued_.end()) {
        *it = queued_.back();  // the order of different sockets' sends does not matter
        queued_.pop_back();
    }
    request.queued = false;
    request.result = not_sent;
}

void send_batcher::shutdown() {
    // The io_context is going away: its handlers (and the sockets waiting for the flush) are destroyed, not run.
    drop_queued();
}

void send_batcher::drop_queued() {
    for (send_request* request : queued_) {
        request->queued = false;
        request->result = not_sent;
    }
    queued_.clear();
}

void send_batcher::give_up(const std::string& reason) {
    ring_.reset();
    unavailable_reason_ = reason;
}

send_batcher* send_batcher::active_on(boost::asio::io_context& context) {
    if (!boost::asio::has_service<send_batcher>(context)) return nullptr;
    send_batcher& batcher = boost::asio::use_service<send_batcher>(context);
    return batcher.active() ? &batcher : nullptr;
}

}  // namespace sclab::emulators
