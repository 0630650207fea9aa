#include "emulators/https_server.hpp"

#include <algorithm>
#include <cstdio>
#include <future>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include "emulators/https_session.hpp"
#include "emulators/send_batcher.hpp"
#include "emulators/thread_name.hpp"
#include "emulators/tls_context.hpp"

namespace sclab::emulators {

namespace net = boost::asio;
namespace beast = boost::beast;
using boost::system::error_code;
using net::ip::tcp;

namespace {

using io_contexts = std::vector<std::unique_ptr<net::io_context>>;
using acceptor_type = net::basic_socket_acceptor<tcp, net::io_context::executor_type>;

// Accepts connections and hands each to a new session on the next io thread (round robin), or closes it at once
// beyond the connection cap.
class listener : public std::enable_shared_from_this<listener> {
public:
    listener(io_contexts& contexts, acceptor_type&& acceptor, session_context& context)
        : contexts_(contexts), acceptor_(std::move(acceptor)), retry_(acceptor_.get_executor()), context_(context) {}

    void start() {
        net::dispatch(acceptor_.get_executor(), [self = shared_from_this()] { self->accept(); });
    }

    // The future is ready once no connection can be accepted any more (when the io threads run).
    std::future<void> stop() {
        auto done = std::make_shared<std::promise<void>>();
        std::future<void> stopped = done->get_future();
        net::dispatch(acceptor_.get_executor(), [self = shared_from_this(), done] {
            self->stopped_ = true;
            error_code ignored;
            self->acceptor_.close(ignored);
            self->retry_.cancel();
            done->set_value();
        });
        return stopped;
    }

private:
    void accept() {
        if (stopped_) return;
        // The new socket belongs to the io_context (thread) that will run its session from start to end.
        net::io_context& target = *contexts_[next_context_++ % contexts_.size()];
        acceptor_.async_accept(target, peer_, beast::bind_front_handler(&listener::on_accept, shared_from_this()));
    }

    void on_accept(error_code ec, tls_socket::socket_type socket) {
        if (stopped_ || ec == net::error::operation_aborted) return;
        if (ec) {
            // Out of file descriptors or memory: retrying at once would spin; wait a little.
            report_throttled("accepting a connection failed: " + ec.message());
            retry_.expires_after(std::chrono::milliseconds(100));
            retry_.async_wait([self = shared_from_this()](error_code wait_ec) {
                if (!wait_ec) self->accept();
            });
            return;
        }
        if (context_.registry.size() >= context_.limits.max_connections) {
            context_.refused.fetch_add(1);
            record_refused(socket);
            report_throttled("connection cap reached (" + std::to_string(context_.limits.max_connections) +
                             " open): new connections are closed at once (--max-connections)");
        } else {
            try {
                auto session = std::make_shared<https_session>(std::move(socket), peer_, context_);
                context_.accepted.fetch_add(1);
                session->start();
            } catch (const std::exception& e) {
                report_throttled(std::string("cannot take a connection: ") + e.what());
            }
        }
        accept();
    }

    // A refused connection still crossed the network: the firewall and flow logs get their record of it.
    void record_refused(tls_socket::socket_type& socket) {
        connection_info conn = describe_connection(socket, peer_, context_);
        connection_facts facts;
        facts.refused_at_cap = true;
        facts.closed_at = conn.connected_at;
        facts.segments = read_tcp_segment_counts(socket.native_handle());
        error_code ignored;
        socket.close(ignored);
        try {
            context_.sink.emit_connection(conn, facts);
        } catch (const std::exception& e) {
            report_throttled(std::string("cannot record a connection: ") + e.what());
        }
    }

    // At most one line every 10 seconds: a flood must not become a flood of log lines.
    void report_throttled(const std::string& line) {
        auto now = std::chrono::steady_clock::now();
        if (last_report_ && now - *last_report_ < std::chrono::seconds(10)) return;
        last_report_ = now;
        context_.warn(line);
    }

    io_contexts& contexts_;
    acceptor_type acceptor_;
    net::steady_timer retry_;
    session_context& context_;
    tcp::endpoint peer_;  // the client of the connection being accepted (one accept at a time)
    std::size_t next_context_ = 0;
    bool stopped_ = false;
    std::optional<std::chrono::steady_clock::time_point> last_report_;
};

acceptor_type open_acceptor(net::io_context& ioc, const std::string& address, std::uint16_t port) {
    error_code ec;
    net::ip::address ip = net::ip::make_address(address, ec);
    if (ec) throw std::runtime_error("--listen: '" + address + "' is not an IP address");
    tcp::endpoint endpoint(ip, port);
    acceptor_type acceptor(ioc.get_executor());
    auto fail = [&](const char* doing) {
        std::string where = ip.is_v6() ? "[" + address + "]" : address;
        throw std::runtime_error(std::string("cannot ") + doing + " " + where + ":" + std::to_string(port) + ": " +
                                 ec.message());
    };
    acceptor.open(endpoint.protocol(), ec);
    if (ec) fail("open a socket for");
    acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (ec) fail("set SO_REUSEADDR on");
    acceptor.bind(endpoint, ec);
    if (ec) fail("listen on");
    acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec) fail("listen on");
    return acceptor;
}

}  // namespace

struct https_server::impl {
    impl(server_options opts, lab_ca& ca, router& routes, event_sink& sink)
        : options(std::move(opts)),
          tls(ca),
          clock(options.clock != nullptr ? *options.clock : wall),
          warn(options.warn ? options.warn
                            : [](const std::string& line) { std::fprintf(stderr, "sclab emulate: %s\n", line.c_str()); }),
          context{tls.context(), routes, sink, clock, options.limits, warn} {
        // One io_context per thread, each run by its own thread: a session never moves between threads, so it
        // needs no strand, and the scheduler knows it is never run concurrently (concurrency hint 1).
        for (unsigned i = 0; i < std::max(1u, options.threads); ++i) {
            contexts.push_back(std::make_unique<net::io_context>(1));
            keep_running.emplace_back(contexts.back()->get_executor());
            const send_batcher& batcher = net::make_service<send_batcher>(*contexts.back(), options.batched_sends);
            sends_batched = batcher.active();
            if (options.batched_sends && !batcher.active() && i == 0)
                warn("responses are sent one system call each: " + batcher.unavailable_reason());
        }
        acceptor_type acceptor = open_acceptor(*contexts.front(), options.listen_address, options.port);
        context.listen_endpoint = acceptor.local_endpoint();
        accept_loop = std::make_shared<listener>(contexts, std::move(acceptor), context);
    }

    server_options options;
    tls_server_context tls;
    telemetry::wall_clock wall;
    telemetry::clock_source& clock;
    std::function<void(const std::string&)> warn;
    session_context context;
    // Declared after everything the sessions use, and cleared first in stop(): destroying an io_context destroys
    // any session still held by a pending handler, and its destructor needs the context and the sink.
    io_contexts contexts;
    // Keeps each thread's run() going while it has no connection; released at stop.
    std::vector<net::executor_work_guard<net::io_context::executor_type>> keep_running;
    std::shared_ptr<listener> accept_loop;
    std::vector<std::thread> threads;
    bool sends_batched = false;
    std::mutex stop_mutex;
    bool started = false;
    bool stopped = false;
};

https_server::https_server(server_options options, lab_ca& ca, router& routes, event_sink& sink)
    : impl_(std::make_unique<impl>(std::move(options), ca, routes, sink)) {}

https_server::~https_server() { stop(); }

std::string https_server::address() const { return impl_->context.listen_endpoint.address().to_string(); }
std::uint16_t https_server::port() const { return impl_->context.listen_endpoint.port(); }

void https_server::start() {
    std::lock_guard lock(impl_->stop_mutex);
    if (impl_->started || impl_->stopped) return;
    impl_->started = true;
    impl_->accept_loop->start();
    const unsigned n = std::max(1u, impl_->options.threads);
    for (unsigned i = 0; i < n; ++i)
        impl_->threads.emplace_back([this, i] {
            name_this_thread("sclab-io-" + std::to_string(i));
            for (;;) {
                try {
                    impl_->contexts[i]->run();
                    return;
                } catch (const std::exception& e) {
                    // A handler threw past the session's own guard: report, keep serving the others.
                    impl_->warn(std::string("unexpected error in the server: ") + e.what());
                }
            }
        });
}

void https_server::stop() {
    std::lock_guard lock(impl_->stop_mutex);
    if (impl_->stopped) return;
    impl_->stopped = true;
    impl& s = *impl_;
    s.context.shutting_down.store(true);
    std::future<void> accepting_stopped = s.accept_loop->stop();
    if (s.started) {
        using clock = std::chrono::steady_clock;
        // Wait for the acceptor to close first, so no connection slips in after the shutdown notice below.
        accepting_stopped.wait_for(std::chrono::seconds(2));
        for (auto& session : s.context.registry.snapshot()) session->begin_shutdown();
        if (!s.context.registry.wait_until_empty(clock::now() + s.options.limits.shutdown_grace)) {
            for (auto& session : s.context.registry.snapshot()) session->force_close();
            s.context.registry.wait_until_empty(clock::now() + std::chrono::seconds(2));
        }
        // Nothing is left to do once every connection is gone and the acceptor is closed: run() returns by itself.
        // Should something still hold it, stop it rather than hang.
        s.keep_running.clear();
        for (std::size_t i = 0; i < s.threads.size(); ++i) {
            if (!s.threads[i].joinable()) continue;
            net::io_context& ioc = *s.contexts[i];
            auto deadline = clock::now() + std::chrono::seconds(2);
            while (!ioc.stopped() && clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(5));
            if (!ioc.stopped()) ioc.stop();
            s.threads[i].join();
        }
    }
    s.keep_running.clear();
    s.accept_loop.reset();
    s.contexts.clear();  // destroys leftover handlers and with them their sessions, whose records still reach the sink
}

server_stats https_server::stats() const {
    const session_context& c = impl_->context;
    return {c.accepted.load(), c.refused.load(), c.registry.size(),
            c.handshake_failures.load(), c.responses.load(), impl_->sends_batched};
}

}  // namespace sclab::emulators
