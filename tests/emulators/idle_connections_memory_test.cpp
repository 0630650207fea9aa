// The memory bound of the server: 10,000 idle TLS connections (handshake done, one request served, waiting
// for the next) must keep the server's resident memory under the bound stated in https_server.hpp.
//
// The clients run in a child process (forked before the server starts, so the child has no server threads),
// with blocking OpenSSL sockets that verify the certificate and the hostname like any TLS client. The server
// runs in this process; the growth of this process's VmRSS is the server's cost of the connections.
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include "server_fixture.hpp"
#include "tls_test_client.hpp"

namespace sclab::emulators::server_testing {
namespace {

constexpr int connection_count = 10'000;
// The bound asserted (server RSS growth for 10,000 idle connections): measured 174 MiB (17.8 KiB each) with
// OpenSSL 3.0 and Boost 1.81 on tls_socket (712 MiB, 72.9 KiB each, on asio's ssl::stream); see https_server.hpp
// for where it goes.
constexpr double bound_mib = 250;

// Counts without keeping anything: stored records would be counted as the server's memory.
class counting_sink final : public event_sink {
public:
    void emit(telemetry::event e) override {
        (e.kind == telemetry::event_kind::network_session ? connections : requests).fetch_add(1);
    }
    std::atomic<std::uint64_t> requests{0}, connections{0};
};

long rss_kib() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    return -1;
}

// The child: opens `connection_count` verified TLS connections, one request on each, then holds them open
// until the parent closes `done_fd`. Reports progress with one byte on `ready_fd` (1 = all open, 0 = failed).
[[noreturn]] void run_clients(int port_fd, int ready_fd, int done_fd, const std::string& ca_file) {
    std::uint16_t port = 0;
    if (::read(port_fd, &port, sizeof port) != sizeof port) ::_exit(3);
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_load_verify_locations(ctx, ca_file.c_str(), nullptr);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    const char* host = "idle.acme.workers.dev";
    const std::string request = std::string("GET /m HTTP/1.1\r\nHost: ") + host + "\r\n\r\n";
    const std::string body_end = std::string("sni=") + host;
    std::vector<SSL*> open;
    char ok = 1;
    for (int i = 0; i < connection_count && ok; ++i) {
        int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        SSL* ssl = SSL_new(ctx);
        SSL_set_fd(ssl, fd);
        SSL_set_tlsext_host_name(ssl, host);
        SSL_set1_host(ssl, host);
        if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || SSL_connect(ssl) != 1 ||
            SSL_write(ssl, request.data(), static_cast<int>(request.size())) <= 0) {
            ok = 0;
            break;
        }
        std::string answer;
        char buf[2048];
        while (answer.size() < body_end.size() || answer.compare(answer.size() - body_end.size(), body_end.size(), body_end) != 0) {
            int n = SSL_read(ssl, buf, sizeof buf);
            if (n <= 0) {
                ok = 0;
                break;
            }
            answer.append(buf, static_cast<std::size_t>(n));
        }
        open.push_back(ssl);
    }
    (void)!::write(ready_fd, &ok, 1);
    char byte;
    (void)!::read(done_fd, &byte, 1);  // returns when the parent closes its end
    ::_exit(0);                        // the kernel closes the sockets
}

TEST(HttpsServerMemory, TenThousandIdleTlsConnectionsStayUnderTheBound) {
    int port_pipe[2], ready_pipe[2], done_pipe[2];
    ASSERT_EQ(::pipe(port_pipe), 0);
    ASSERT_EQ(::pipe(ready_pipe), 0);
    ASSERT_EQ(::pipe(done_pipe), 0);
    telemetry::testing::temp_dir scratch;
    const std::string ca_file = scratch.path("ca.pem");

    server_options o = fast_test_options();
    o.limits.max_connections = connection_count + 100;
    o.limits.header_timeout = std::chrono::milliseconds(300'000);
    o.limits.idle_timeout = std::chrono::milliseconds(300'000);
    o.limits.shutdown_grace = std::chrono::milliseconds(1'000);

    std::fflush(nullptr);
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        ::close(port_pipe[1]);
        ::close(ready_pipe[0]);
        ::close(done_pipe[1]);
        run_clients(port_pipe[0], ready_pipe[1], done_pipe[0], ca_file);
    }
    ::close(port_pipe[0]);
    ::close(ready_pipe[1]);
    ::close(done_pipe[0]);

    counting_sink sink;
    {
        server_fixture f(o, &sink);
        telemetry::testing::write_file(ca_file, f.ca_pem());
        {
            // Warm up: the certificate is minted and OpenSSL's one-time state is built before the baseline.
            tls_test_client warm(f.port(), f.ca_pem(), "idle.acme.workers.dev");
            EXPECT_EQ(warm.get("/m").result_int(), 200);
        }
        const long before = rss_kib();
        std::uint16_t port = f.port();
        ASSERT_EQ(::write(port_pipe[1], &port, sizeof port), static_cast<ssize_t>(sizeof port));

        pollfd p{ready_pipe[0], POLLIN, 0};
        ASSERT_EQ(::poll(&p, 1, 300'000), 1) << "the clients did not finish within 300 s";
        char ok = 0;
        ASSERT_EQ(::read(ready_pipe[0], &ok, 1), 1);
        ASSERT_EQ(ok, 1) << "a client connection failed";
        for (int i = 0; i < 200 && f.server->stats().active < connection_count; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        EXPECT_EQ(f.server->stats().active, static_cast<std::uint64_t>(connection_count));
        EXPECT_EQ(f.server->stats().responses, static_cast<std::uint64_t>(connection_count + 1));
        const long after = rss_kib();

        const double growth_mib = static_cast<double>(after - before) / 1024.0;
        const double per_connection_kib = static_cast<double>(after - before) / connection_count;
        std::printf("[ memory   ] %d idle TLS connections: server RSS %ld -> %ld KiB, +%.1f MiB, %.1f KiB each\n",
                    connection_count, before, after, growth_mib, per_connection_kib);
        ::testing::Test::RecordProperty("rss_growth_mib", std::to_string(growth_mib));
        EXPECT_LT(growth_mib, bound_mib);

        ::close(done_pipe[1]);  // the child exits and its connections close
        int status = 0;
        ::waitpid(child, &status, 0);
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        f.server->stop();
        EXPECT_EQ(f.server->stats().active, 0u);
        EXPECT_EQ(sink.connections.load(), static_cast<std::uint64_t>(connection_count + 1));
        EXPECT_EQ(sink.requests.load(), static_cast<std::uint64_t>(connection_count + 1));
    }
    ::close(port_pipe[1]);
    ::close(ready_pipe[0]);
}

}  // namespace
}  // namespace sclab::emulators::server_testing
