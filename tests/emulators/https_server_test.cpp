// The HTTPS server over real TLS on 127.0.0.1: verified certificates, routing, limits, timeouts, the connection
// cap, records with real byte counts, and a graceful shutdown that loses no record.
#include "emulators/https_server.hpp"

#include <poll.h>

#include <cstdio>
#include <filesystem>
#include <set>
#include <thread>

#include <boost/asio/ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <gtest/gtest.h>

#include "client_tcp_counts.hpp"
#include "emulators/network_logs.hpp"
#include "server_fixture.hpp"
#include "telemetry/format.hpp"
#include "tls_test_client.hpp"

namespace sclab::emulators::server_testing {
namespace {

using telemetry::event;
using telemetry::event_kind;
using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point t) {
    return std::chrono::duration<double>(clock_type::now() - t).count();
}

TEST(HttpsServer, AnswersOverVerifiedTlsWithTheSniCertificate) {
    server_fixture f;
    tls_test_client client(f.port(), f.ca_pem(), "beacon.acme.workers.dev");
    EXPECT_EQ(peer_certificate_subject_alt_names(client.stream().native_handle()), "DNS:beacon.acme.workers.dev");
    auto res = client.get("/hello");
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(res.body(), "hello beacon.acme.workers.dev/hello body=0 sni=beacon.acme.workers.dev");
    EXPECT_TRUE(res.keep_alive());
    EXPECT_NE(res.find(http::field::date), res.end());  // added when the handler gives none
    // Keep-alive: a second request on the same connection.
    EXPECT_EQ(client.get("/again").result_int(), 200);
    EXPECT_EQ(f.platform.handled.load(), 2);
}

TEST(HttpsServer, AClientTrustingAnotherCaRefusesTheCertificate) {
    server_fixture f;
    telemetry::testing::temp_dir other;
    lab_ca stranger(other.root());
    EXPECT_THROW(tls_test_client(f.port(), stranger.certificate_pem(), "beacon.acme.workers.dev"),
                 boost::system::system_error);
}

TEST(HttpsServer, WithoutSniTheCertificateNamesTheListenAddress) {
    server_fixture f;
    tls_test_client client(f.port(), f.ca_pem(), "");  // verifies the IP SAN 127.0.0.1
    EXPECT_EQ(peer_certificate_subject_alt_names(client.stream().native_handle()), "IP:127.0.0.1");
    http::request<http::string_body> req(http::verb::get, "/by-ip", 11);
    req.set(http::field::host, "beacon.acme.workers.dev");  // routing still follows Host
    auto res = client.send(req);
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(res.body(), "hello beacon.acme.workers.dev/by-ip body=0 sni=");
}

TEST(HttpsServer, UnknownHostGets421NamingIt) {
    server_fixture f;
    tls_test_client client(f.port(), f.ca_pem(), "nobody.example.com");
    auto res = client.get("/x");
    EXPECT_EQ(res.result_int(), 421);
    EXPECT_NE(res.body().find("\"nobody.example.com\""), std::string::npos) << res.body();
    f.server->stop();
    auto access = f.recorded.of_kind(event_kind::http_request);
    ASSERT_EQ(access.size(), 1u);
    EXPECT_EQ(access[0].http.status, 421);
}

TEST(HttpsServer, AlpnOffersHttp11Only) {
    server_fixture f;
    namespace net = boost::asio;
    for (bool offer_http11 : {true, false}) {
        net::io_context ioc;
        net::ssl::context ctx(net::ssl::context::tls_client);
        ctx.add_certificate_authority(net::buffer(f.ca_pem()));
        ctx.set_verify_mode(net::ssl::verify_peer);
        static const unsigned char both[] = "\x02h2\x08http/1.1";
        static const unsigned char h2_only[] = "\x02h2";
        if (offer_http11) SSL_CTX_set_alpn_protos(ctx.native_handle(), both, sizeof both - 1);
        else SSL_CTX_set_alpn_protos(ctx.native_handle(), h2_only, sizeof h2_only - 1);
        net::ssl::stream<net::ip::tcp::socket> s(ioc, ctx);
        SSL_set_tlsext_host_name(s.native_handle(), "a.b.workers.dev");
        s.next_layer().connect({net::ip::make_address("127.0.0.1"), f.port()});
        s.handshake(net::ssl::stream_base::client);  // succeeds either way
        const unsigned char* proto = nullptr;
        unsigned int len = 0;
        SSL_get0_alpn_selected(s.native_handle(), &proto, &len);
        EXPECT_EQ(std::string(reinterpret_cast<const char*>(proto), len), offer_http11 ? "http/1.1" : "");
    }
}

TEST(HttpsServer, AccessRecordPerResponseWithRunIdAndNoSecrets) {
    server_fixture f;
    {
        tls_test_client client(f.port(), f.ca_pem(), "beacon.acme.workers.dev");
        http::request<http::string_body> req(http::verb::post, "/result?token=url-secret-123&n=1", 11);
        req.set("X-Sclab-Run", "run-42");
        req.set(http::field::authorization, "Bearer header-secret-456");
        req.set(http::field::user_agent, "curl/8.4.0");
        req.body() = "payload";
        EXPECT_EQ(client.send(req).result_int(), 200);
    }
    f.server->stop();
    auto access = f.recorded.of_kind(event_kind::http_request);
    ASSERT_EQ(access.size(), 1u);
    const event& e = access[0];
    EXPECT_EQ(e.run_id, "run-42");
    EXPECT_EQ(e.http.method, "POST");
    EXPECT_EQ(e.http.url, "https://beacon.acme.workers.dev/result?token=REDACTED&n=1");
    EXPECT_EQ(e.http.status, 200);
    EXPECT_EQ(e.http.user_agent, "curl/8.4.0");
    EXPECT_EQ(e.http.request_id, "81a0cfa8cfc152a6-LHR");
    EXPECT_EQ(e.network.source.ip, "127.0.0.1");
    EXPECT_NE(e.network.source.port, 0);
    EXPECT_EQ(e.network.destination.port, f.port());
    EXPECT_EQ(e.network.server_name, "beacon.acme.workers.dev");
    ASSERT_TRUE(e.network.bytes_sent && e.network.bytes_received);
    EXPECT_GT(*e.network.bytes_sent, 7u);       // header + "payload"
    EXPECT_GT(*e.network.bytes_received, 50u);  // status line, headers, body
    ASSERT_TRUE(e.network.duration);
    EXPECT_GT(*e.network.duration, 0);
    EXPECT_EQ(e.http.url.find("url-secret-123"), std::string::npos);
}

TEST(HttpsServer, ConnectionRecordHasTheRealTcpByteCounts) {
    server_fixture f;
    client_tcp_counts client_side;
    {
        tls_test_client client(f.port(), f.ca_pem(), "beacon.acme.workers.dev");
        http::request<http::string_body> post(http::verb::post, "/upload", 11);
        post.body() = std::string(900, 'x');
        EXPECT_EQ(client.send(post).result_int(), 200);
        EXPECT_EQ(client.get("/task").result_int(), 200);
        // The server's last record may still be in flight on the loopback when the client has its answer.
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        client_side = read_client_tcp_counts(client.stream().next_layer().native_handle());
    }
    f.server->stop();
    auto sessions = f.recorded.of_kind(event_kind::network_session);
    ASSERT_EQ(sessions.size(), 1u);
    const event& s = sessions[0];
    ASSERT_TRUE(s.network.bytes_sent && s.network.bytes_received);
    // What the server counted at the TCP level is exactly what the client's kernel counted.
    EXPECT_EQ(*s.network.bytes_sent, client_side.bytes_acked);
    EXPECT_EQ(*s.network.bytes_received, client_side.bytes_received);
    EXPECT_GT(*s.network.bytes_sent, 900u + 200u);  // the upload and the TLS handshake
    ASSERT_TRUE(s.network.packets_sent && s.network.packets_received);
    EXPECT_GE(*s.network.packets_sent, 3u);
    EXPECT_EQ(s.network.protocol, "ssl");
    EXPECT_EQ(s.network.server_name, "beacon.acme.workers.dev");
    ASSERT_TRUE(s.network.duration);
    EXPECT_GT(*s.network.duration, 0);
    // Access records of the same connection name it.
    for (const event& a : f.recorded.of_kind(event_kind::http_request)) EXPECT_EQ(a.network.session_id, s.network.session_id);
}

TEST(HttpsServer, SlowlorisHeaderIsCutOffAtTheHeaderTimeout) {
    server_fixture f;  // header timeout 1 s
    tls_test_client client(f.port(), f.ca_pem(), "beacon.acme.workers.dev");
    const auto start = clock_type::now();
    client.write_raw("GET / HTTP/1.1\r\nHost: beacon.acme.workers.dev\r\n");
    bool closed = false;
    // One more header byte every 100 ms, for up to 5 s: a server without a header deadline never closes.
    while (!closed && seconds_since(start) < 5) {
        closed = client.closed_by_server(0.1);
        if (!closed) {
            boost::system::error_code ec;
            boost::asio::write(client.stream(), boost::asio::buffer("X", 1), ec);
            closed = static_cast<bool>(ec);
        }
    }
    const double elapsed = seconds_since(start);
    EXPECT_TRUE(closed);
    EXPECT_GE(elapsed, 0.9);
    EXPECT_LT(elapsed, 2.5);
    EXPECT_EQ(f.platform.handled.load(), 0);
}

TEST(HttpsServer, SilentNewConnectionAndIdleKeepAliveAreClosed) {
    server_fixture f;  // header and idle timeouts 1 s
    {
        tls_test_client silent(f.port(), f.ca_pem(), "a.b.workers.dev");
        const auto start = clock_type::now();
        EXPECT_TRUE(silent.closed_by_server(3));
        EXPECT_LT(seconds_since(start), 2.5);
    }
    tls_test_client idle(f.port(), f.ca_pem(), "a.b.workers.dev");
    EXPECT_EQ(idle.get("/").result_int(), 200);
    const auto start = clock_type::now();
    EXPECT_TRUE(idle.closed_by_server(3));
    EXPECT_GE(seconds_since(start), 0.9);
    EXPECT_LT(seconds_since(start), 2.5);
}

// The TLS 1.3 session tickets follow the handshake at once when no request came with the client's Finished: a
// client that holds its request until its Finished is acknowledged (Nagle: Python's ssl, OpenSSL's s_client) would
// otherwise wait for a delayed ACK, 40 ms per connection. (They wait for the response only when the request is
// already there, so that the two share a packet.)
TEST(HttpsServer, SessionTicketsFollowTheHandshakeWhenNoRequestCameWithIt) {
    server_fixture f;
    tls_test_client client(f.port(), f.ca_pem(), "a.b.workers.dev");
    ASSERT_EQ(SSL_version(client.stream().native_handle()), TLS1_3_VERSION);
    pollfd readable{client.stream().next_layer().native_handle(), POLLIN, 0};
    EXPECT_EQ(::poll(&readable, 1, 2000), 1) << "nothing came after the handshake";
    EXPECT_EQ(client.get("/").result_int(), 200);
}

TEST(HttpsServer, BodyOverTheHandlersLimitGetsItsOwn413) {
    server_fixture f;  // fake platform limit: 1024 bytes
    {
        tls_test_client client(f.port(), f.ca_pem(), "a.b.workers.dev");
        http::request<http::string_body> ok(http::verb::post, "/small", 11);
        ok.body() = std::string(1024, 'a');
        auto res = client.send(ok);
        EXPECT_EQ(res.result_int(), 200);
        EXPECT_EQ(res.body(), "hello a.b.workers.dev/small body=1024 sni=a.b.workers.dev");
    }
    {
        // Declared length over the limit: refused before any body byte is read, and the connection closed.
        tls_test_client client(f.port(), f.ca_pem(), "a.b.workers.dev");
        client.write_raw("POST /big HTTP/1.1\r\nHost: a.b.workers.dev\r\nContent-Length: 5000000\r\n\r\n");
        std::string answer = client.read_until_closed(3);
        EXPECT_EQ(answer.rfind("HTTP/1.1 413", 0), 0u) << answer;
        EXPECT_NE(answer.find("fake platform: request body too large"), std::string::npos);
        EXPECT_NE(answer.find("Connection: close"), std::string::npos);
    }
    {
        // Chunked: the limit is enforced while reading.
        tls_test_client client(f.port(), f.ca_pem(), "a.b.workers.dev");
        client.write_raw("POST /big HTTP/1.1\r\nHost: a.b.workers.dev\r\nTransfer-Encoding: chunked\r\n\r\n"
                         "400\r\n" + std::string(1024, 'b') + "\r\n10\r\n" + std::string(16, 'c') + "\r\n0\r\n\r\n");
        std::string answer = client.read_until_closed(3);
        EXPECT_EQ(answer.rfind("HTTP/1.1 413", 0), 0u) << answer;
    }
    EXPECT_EQ(f.platform.handled.load(), 1);
}

TEST(HttpsServer, ExpectContinueGetsA100BeforeTheBody) {
    server_fixture f;
    tls_test_client client(f.port(), f.ca_pem(), "a.b.workers.dev");
    client.write_raw("POST /up HTTP/1.1\r\nHost: a.b.workers.dev\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
    char buf[64];
    std::size_t n = client.stream().read_some(boost::asio::buffer(buf));
    EXPECT_EQ(std::string(buf, n), "HTTP/1.1 100 Continue\r\n\r\n");
    client.write_raw("abcd");
    boost::beast::flat_buffer b;
    http::response<http::string_body> res;
    http::read(client.stream(), b, res);
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(res.body(), "hello a.b.workers.dev/up body=4 sni=a.b.workers.dev");
}

TEST(HttpsServer, MalformedAndOversizedHeadersAreAnsweredAndClosed) {
    server_fixture f;
    {
        tls_test_client client(f.port(), f.ca_pem(), "a.b.workers.dev");
        client.write_raw("GET / HTTP/1.1\r\nHost: a.b.workers.dev\r\nbad header line\r\n\r\n");
        EXPECT_EQ(client.read_until_closed(3).rfind("HTTP/1.1 400", 0), 0u);
    }
    {
        tls_test_client client(f.port(), f.ca_pem(), "a.b.workers.dev");
        client.write_raw("GET / HTTP/1.1\r\nHost: a.b.workers.dev\r\nX-Big: " + std::string(130 * 1024, 'h') + "\r\n\r\n");
        EXPECT_EQ(client.read_until_closed(3).rfind("HTTP/1.1 431", 0), 0u);
    }
}

TEST(HttpsServer, PipelinedRequestsAndHead) {
    server_fixture f;
    tls_test_client client(f.port(), f.ca_pem(), "a.b.workers.dev");
    client.write_raw("GET /one HTTP/1.1\r\nHost: a.b.workers.dev\r\n\r\nHEAD /two HTTP/1.1\r\nHost: a.b.workers.dev\r\n\r\n");
    boost::beast::flat_buffer b;
    http::response<http::string_body> first;
    http::read(client.stream(), b, first);
    EXPECT_EQ(first.body(), "hello a.b.workers.dev/one body=0 sni=a.b.workers.dev");
    http::response_parser<http::string_body> second;
    second.skip(true);  // a response to HEAD has no body
    http::read(client.stream(), b, second);
    EXPECT_EQ(second.get().result_int(), 200);
    EXPECT_EQ(second.get()[http::field::content_length],
              std::to_string(std::string("hello a.b.workers.dev/two body=0 sni=a.b.workers.dev").size()));
    EXPECT_FALSE(client.closed_by_server(0.2));  // nothing more arrives: no stray body bytes
}

// The server completes what a handler left out (Date, Content-Length) and keeps what it set, and a handler's own
// Connection: close ends the connection after its answer.
TEST(HttpsServer, TheHandlersHeadersDecideDateAndConnection) {
    server_fixture f;
    tls_test_client client(f.port(), f.ca_pem(), "a.b.workers.dev");
    const auto plain = client.get("/plain");
    EXPECT_EQ(plain.count(http::field::date), 1u);
    EXPECT_NE(plain[http::field::date], "Sun, 06 Nov 1994 08:49:37 GMT");
    EXPECT_TRUE(plain.keep_alive());
    const auto dated = client.get("/dated");
    EXPECT_EQ(dated.count(http::field::date), 1u);
    EXPECT_EQ(dated[http::field::date], "Sun, 06 Nov 1994 08:49:37 GMT");
    EXPECT_EQ(dated[http::field::content_length], std::to_string(dated.body().size()));
    EXPECT_FALSE(client.closed_by_server(0.2));
    const auto closing = client.get("/close");
    EXPECT_EQ(closing.result_int(), 200);
    EXPECT_EQ(closing[http::field::connection], "close");
    EXPECT_TRUE(client.closed_by_server(0.5));  // at once: the fixture's idle timeout would close it after 1 s
}

TEST(HttpsServer, AHandlerThatThrowsGets500AndTheServerCarriesOn) {
    server_fixture f;
    tls_test_client client(f.port(), f.ca_pem(), "a.b.workers.dev");
    EXPECT_EQ(client.get("/throw").result_int(), 500);
    EXPECT_EQ(client.get("/fine").result_int(), 200);
}

TEST(HttpsServer, ConnectionCapClosesConnectionsBeyondIt) {
    server_options o = fast_test_options();
    o.limits.max_connections = 3;
    o.limits.header_timeout = std::chrono::milliseconds(10'000);
    server_fixture f(o);
    std::vector<std::unique_ptr<tls_test_client>> clients;
    for (int i = 0; i < 3; ++i)
        clients.push_back(std::make_unique<tls_test_client>(f.port(), f.ca_pem(), "a.b.workers.dev"));
    EXPECT_EQ(f.server->stats().active, 3u);
    EXPECT_THROW(tls_test_client(f.port(), f.ca_pem(), "a.b.workers.dev"), boost::system::system_error);
    EXPECT_EQ(f.server->stats().refused, 1u);
    // The refused connection has its connection record, ended by the server's reset; the others are still open.
    auto sessions = f.recorded.of_kind(telemetry::event_kind::network_session);
    ASSERT_EQ(sessions.size(), 1u);
    EXPECT_EQ(sessions[0].extra_value("session_end_reason"), "tcp-rst-from-server");
    EXPECT_EQ(sessions[0].network.source.ip, "127.0.0.1");
    EXPECT_EQ(sessions[0].network.bytes_received.value_or(99), 0u);
    for (auto& c : clients) EXPECT_EQ(c->get("/still-served").result_int(), 200);

    clients.pop_back();  // one leaves: room for one more
    const auto start = clock_type::now();
    while (f.server->stats().active > 2 && seconds_since(start) < 3) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    tls_test_client again(f.port(), f.ca_pem(), "a.b.workers.dev");
    EXPECT_EQ(again.get("/").result_int(), 200);
}

TEST(HttpsServer, ShutdownClosesIdleConnectionsAtOnce) {
    server_options o = fast_test_options();
    o.limits.idle_timeout = std::chrono::milliseconds(60'000);
    o.limits.shutdown_grace = std::chrono::milliseconds(5'000);
    server_fixture f(o);
    tls_test_client client(f.port(), f.ca_pem(), "a.b.workers.dev");
    EXPECT_EQ(client.get("/").result_int(), 200);
    const auto start = clock_type::now();
    f.server->stop();
    EXPECT_LT(seconds_since(start), 1.0) << "an idle connection held the shutdown";
    EXPECT_TRUE(client.closed_by_server(1));
    EXPECT_EQ(f.recorded.of_kind(event_kind::network_session).size(), 1u);
}

// Reconciliation: after a graceful shutdown the access log holds exactly one record per response the clients
// received, the request in flight at the stop included, and one connection record per connection.
TEST(HttpsServer, GracefulShutdownFlushesExactlyOneRecordPerRequest) {
    telemetry::testing::temp_dir logs_dir;
    network_log_options log_options;
    log_options.directory = logs_dir.root();
    log_options.secrets = {"bearer-secret-0123456789"};
    log_options.warn = [](const std::string&) {};
    network_logs logs(log_options);
    server_options o = fast_test_options();
    o.threads = 2;
    o.limits.idle_timeout = std::chrono::milliseconds(60'000);
    server_fixture f(o, &logs);

    constexpr int clients = 8, per_client = 250;  // 2,000 requests
    std::atomic<int> received{0};
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c)
        threads.emplace_back([&, c] {
            tls_test_client client(f.port(), f.ca_pem(), "c" + std::to_string(c) + ".acme.workers.dev");
            for (int i = 0; i < per_client; ++i) {
                http::request<http::string_body> req(http::verb::get, "/req/" + std::to_string(c * per_client + i), 11);
                req.set("X-Sclab-Run", "reconcile");
                req.set(http::field::authorization, "Bearer bearer-secret-0123456789");
                if (client.send(req).result_int() == 200) received.fetch_add(1);
            }
        });
    for (auto& t : threads) t.join();
    ASSERT_EQ(received.load(), clients * per_client);

    // One request in flight when the stop comes: it is answered (Connection: close) and logged.
    std::optional<http::response<http::string_body>> slow_answer;
    std::thread slow([&] {
        tls_test_client client(f.port(), f.ca_pem(), "slow.acme.workers.dev");
        slow_answer = client.get("/slow");
    });
    while (!f.platform.slow_started.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    f.server->stop();
    slow.join();
    ASSERT_TRUE(slow_answer.has_value());
    EXPECT_EQ(slow_answer->result_int(), 200);
    EXPECT_FALSE(slow_answer->keep_alive());
    logs.close();

    const std::string access = logs.path_of("ecs-json", event_kind::http_request);
    auto reader = telemetry::find_format("ecs-json")->open_reader(access, telemetry::read_options{});
    std::multiset<std::string> targets;
    event e;
    while (reader->next(e)) {
        targets.insert(e.http.url.substr(e.http.url.find('/', 8)));
        EXPECT_EQ(e.run_id, e.http.url.ends_with("/slow") ? "" : "reconcile");
    }
    EXPECT_EQ(targets.size(), static_cast<std::size_t>(clients * per_client + 1));
    for (int n = 0; n < clients * per_client; ++n)
        ASSERT_EQ(targets.count("/req/" + std::to_string(n)), 1u) << "request " << n;
    EXPECT_EQ(targets.count("/slow"), 1u);
    EXPECT_EQ(f.server->stats().responses, static_cast<std::uint64_t>(clients * per_client + 1));

    for (const char* flow : {"zeek-conn", "panos-traffic"}) {
        std::string path = logs.path_of(flow, event_kind::network_session);
        if (path.empty()) continue;  // format not in this build
        auto flows = telemetry::find_format(flow)->open_reader(path, telemetry::read_options{});
        int connections = 0;
        while (flows->next(e)) ++connections;
        EXPECT_EQ(connections, clients + 1) << flow;
    }
    // The Authorization header reached no file.
    for (const auto& entry : std::filesystem::directory_iterator(logs_dir.root())) {
        std::string text = telemetry::testing::read_file(entry.path().string());
        EXPECT_EQ(text.find("bearer-secret"), std::string::npos) << entry.path();
        EXPECT_EQ(text.find("Bearer"), std::string::npos) << entry.path();
    }
}

TEST(HttpsServer, PortInUseIsAClearError) {
    server_fixture f;
    server_options o = fast_test_options();
    o.port = f.port();
    try {
        https_server second(o, f.ca, f.routes, f.recorded);
        FAIL() << "a second server bound the same port";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("127.0.0.1:" + std::to_string(f.port())), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("in use"), std::string::npos) << e.what();
    }
}

// curl, a real client with its own TLS stack settings, pinning the name with --resolve.
TEST(HttpsServer, CurlWithCacertAndResolve) {
    if (!std::filesystem::exists("/usr/bin/curl")) GTEST_SKIP() << "no curl";
    server_fixture f;
    const std::string ca_file = f.dir.path("ca.pem");
    telemetry::testing::write_file(ca_file, f.ca_pem());
    const std::string host = "beacon.acme.workers.dev";
    const std::string port = std::to_string(f.port());
    std::string command = "curl -sS --http2 --cacert " + ca_file + " --resolve " + host + ":" + port +
                          ":127.0.0.1 -w ' %{http_code} %{http_version}' https://" + host + ":" + port + "/curl 2>&1";
    std::FILE* p = ::popen(command.c_str(), "r");
    ASSERT_NE(p, nullptr);
    std::string out;
    char buf[512];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    EXPECT_EQ(::pclose(p), 0) << out;
    // curl asked for h2; ALPN gave it HTTP/1.1.
    EXPECT_EQ(out, "hello beacon.acme.workers.dev/curl body=0 sni=beacon.acme.workers.dev 200 1.1");
}

}  // namespace
}  // namespace sclab::emulators::server_testing
