// The access and connection records the server emits, built from what a session observed.
#include "emulators/request_records.hpp"

#include <cctype>
#include <cerrno>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <gtest/gtest.h>

namespace sclab::emulators {
namespace {

connection_info sample_connection() {
    connection_info c;
    c.client_ip = "10.0.0.7";
    c.client_port = 50123;
    c.local_ip = "127.0.0.1";
    c.local_port = 8443;
    c.sni = "beacon.acme.workers.dev";
    c.connection_id = 42;
    c.connected_at = 1'700'000'000'000'000'000;
    return c;
}

TEST(AccessEvent, CarriesTheExchange) {
    request req(http::verb::post, "/result?api_token=s3cr3t&n=1", 11);
    req.set(http::field::host, "Beacon.ACME.workers.dev:8443");
    req.set(http::field::user_agent, "curl/8.4.0");
    req.set(http::field::authorization, "Bearer never-logged-token");
    req.set("X-Sclab-Run", "run-2024.01:abc_7");
    response res(http::status::ok, 11);
    res.set(http::field::content_type, "text/plain;charset=UTF-8");
    res.set("CF-RAY", "81a0cfa8cfc152a6-LHR");
    exchange_facts f{1'700'000'000'500'000'000, 3'000'000, 321, 654};

    telemetry::event e = access_event(sample_connection(), "beacon.acme.workers.dev", req, res, f);
    EXPECT_EQ(e.kind, telemetry::event_kind::http_request);
    EXPECT_EQ(e.time, f.started);
    EXPECT_EQ(e.run_id, "run-2024.01:abc_7");
    EXPECT_EQ(e.http.method, "POST");
    EXPECT_EQ(e.http.url, "https://beacon.acme.workers.dev:8443/result?api_token=REDACTED&n=1");
    EXPECT_EQ(e.http.status, 200);
    EXPECT_EQ(e.http.user_agent, "curl/8.4.0");
    EXPECT_EQ(e.http.content_type, "text/plain;charset=UTF-8");
    EXPECT_EQ(e.http.request_id, "81a0cfa8cfc152a6-LHR");
    EXPECT_EQ(e.network.source.ip, "10.0.0.7");
    EXPECT_EQ(e.network.source.port, 50123);
    EXPECT_EQ(e.network.destination.ip, "127.0.0.1");
    EXPECT_EQ(e.network.destination.port, 8443);
    EXPECT_EQ(e.network.destination.hostname, "beacon.acme.workers.dev");
    EXPECT_EQ(e.network.server_name, "beacon.acme.workers.dev");
    EXPECT_EQ(e.network.bytes_sent, 321u);
    EXPECT_EQ(e.network.bytes_received, 654u);
    EXPECT_EQ(e.network.duration, 3'000'000);
    EXPECT_EQ(e.network.transport, "tcp");
    for (const auto& [k, v] : e.extra) EXPECT_EQ(v.find("never-logged-token"), std::string::npos) << k;
}

TEST(AccessEvent, UrlFallsBackToSniThenLocalAddress) {
    connection_info c = sample_connection();
    request req(http::verb::get, "/", 10);  // HTTP/1.0 without Host
    EXPECT_EQ(logged_url(c, req), "https://beacon.acme.workers.dev/");
    c.sni.clear();
    EXPECT_EQ(logged_url(c, req), "https://127.0.0.1/");
    req.target("https://user:pw@abc.lambda-url.us-east-1.on.aws/x?sig=1");  // absolute form
    EXPECT_EQ(logged_url(c, req), "https://abc.lambda-url.us-east-1.on.aws/x?sig=REDACTED");
}

TEST(AccessEvent, HostHeaderCannotInjectDelimiters) {
    request req(http::verb::get, "/", 11);
    req.set(http::field::host, "a b\"c|d");
    EXPECT_EQ(logged_url(sample_connection(), req), "https://a%20b%22c%7Cd/");
}

// Every byte a Host header can carry: letters lower-cased, the host and port characters kept, the rest %XX.
TEST(AccessEvent, HostHeaderBytesAreLowerCasedOrPercentEncoded) {
    std::string host, expected = "https://";
    for (int c = 1; c < 256; ++c) {
        const auto ch = static_cast<char>(c);
        host.push_back(ch);
        if (std::isalnum(c) || std::string_view(".-_:[]").find(ch) != std::string_view::npos) {
            expected.push_back(static_cast<char>(std::tolower(c)));
        } else {
            static constexpr char hex[] = "0123456789ABCDEF";
            expected += {'%', hex[c >> 4], hex[c & 15]};
        }
    }
    expected += "/x";
    EXPECT_EQ(logged_url(sample_connection(), "/x", host), expected);
}

TEST(AccessEvent, RunIdMustLookLikeAnId) {
    request req(http::verb::get, "/", 11);
    EXPECT_EQ(run_id_of(req), "");
    req.set("x-sclab-run", "ok-1");
    EXPECT_EQ(run_id_of(req), "ok-1");
    req.set("X-Sclab-Run", "has space");
    EXPECT_EQ(run_id_of(req), "");
    req.set("X-Sclab-Run", std::string(129, 'a'));
    EXPECT_EQ(run_id_of(req), "");
}

TEST(AccessEvent, PlatformRequestIdsInOrderOfPreference) {
    request req(http::verb::get, "/", 11);
    response res(http::status::ok, 11);
    res.set("function-execution-id", "abc123def456");
    res.set("x-amzn-RequestId", "5a0f2a0e-0000-4000-8000-000000000000");
    EXPECT_EQ(access_event(sample_connection(), "h", req, res, {}).http.request_id,
              "5a0f2a0e-0000-4000-8000-000000000000");
}

TEST(AccessEvent, PlatformRequestIdNamesAreCaseInsensitiveAndTheFirstOfARepeatWins) {
    request req(http::verb::get, "/", 11);
    response res(http::status::ok, 11);
    res.insert("x-request-id", "generic-1");
    res.insert("cf-ray", "1111111111111111-LHR");
    res.insert("CF-RAY", "2222222222222222-LHR");
    res.insert("APIGW-REQUESTID", "Xy1Zw2Ab3Cd4Ef=");
    EXPECT_EQ(access_event(sample_connection(), "h", req, res, {}).http.request_id, "Xy1Zw2Ab3Cd4Ef=");
    res.erase("apigw-requestid");
    EXPECT_EQ(access_event(sample_connection(), "h", req, res, {}).http.request_id, "1111111111111111-LHR");
    res.erase("cf-ray");
    EXPECT_EQ(access_event(sample_connection(), "h", req, res, {}).http.request_id, "generic-1");
    res.insert("x-amzn-requestid-extra", "not-an-id");  // a longer name that starts the same is another header
    EXPECT_EQ(access_event(sample_connection(), "h", req, res, {}).http.request_id, "generic-1");
}

TEST(ConnectionEvent, RealByteAndPacketCountsAndDuration) {
    connection_facts f;
    f.closed_at = sample_connection().connected_at + 2'500'000'000;
    f.bytes_from_client = 1517;
    f.bytes_to_client = 4230;
    f.segments = tcp_segment_counts{9, 7};
    f.tls_established = true;
    f.first_host = "other";
    f.requests = 2;
    telemetry::event e = connection_event(sample_connection(), f);
    EXPECT_EQ(e.kind, telemetry::event_kind::network_session);
    EXPECT_EQ(e.time, sample_connection().connected_at);
    EXPECT_EQ(e.network.bytes_sent, 1517u);
    EXPECT_EQ(e.network.bytes_received, 4230u);
    EXPECT_EQ(e.network.packets_sent, 9u);
    EXPECT_EQ(e.network.packets_received, 7u);
    EXPECT_EQ(e.network.duration, 2'500'000'000);
    EXPECT_EQ(e.network.protocol, "ssl");
    EXPECT_EQ(e.network.destination.hostname, "beacon.acme.workers.dev");  // SNI first
    EXPECT_EQ(e.network.session_id, "42");
    EXPECT_TRUE(e.run_id.empty());

    f.segments.reset();
    f.tls_established = false;
    connection_info no_sni = sample_connection();
    no_sni.sni.clear();
    telemetry::event failed = connection_event(no_sni, f);
    EXPECT_FALSE(failed.network.packets_sent.has_value());
    EXPECT_EQ(failed.network.protocol, "");
    EXPECT_EQ(failed.network.destination.hostname, "other");
}

// A served connection: ClientHello and requests from the client, answers from the server.
connection_facts served_connection(connection_close closed_first) {
    connection_facts f;
    f.closed_at = sample_connection().connected_at + 1'000'000'000;
    f.bytes_from_client = 900;
    f.bytes_to_client = 2400;
    f.tls_established = true;
    f.requests = 1;
    f.closed_first = closed_first;
    return f;
}

std::string history_of(const connection_facts& f) {
    return std::string(connection_event(sample_connection(), f).extra_value("history"));
}

// Zeek's letters: S h a d f r, upper case from the client, lower case from the server, in order of first sight.
TEST(ConnectionEvent, ZeekHistoryFollowsWhoClosedFirst) {
    EXPECT_EQ(history_of(served_connection(connection_close::client_first)), "ShADadFf");  // Zeek's own example
    EXPECT_EQ(history_of(served_connection(connection_close::server_first)), "ShADadfF");
    EXPECT_EQ(history_of(served_connection(connection_close::client_reset)), "ShADadR");
    EXPECT_EQ(history_of(connection_facts{}), "ShAfFa") << "the default is the server closing first";
}

TEST(ConnectionEvent, ZeekHistoryHasNoDataLettersForSilentSides) {
    connection_facts silent = served_connection(connection_close::client_first);
    silent.bytes_from_client = 0;  // connected and left without a ClientHello: nothing was sent either way
    silent.bytes_to_client = 0;
    silent.tls_established = false;
    EXPECT_EQ(history_of(silent), "ShAFf");
    silent.closed_first = connection_close::server_first;  // the handshake timeout: the server's last ACK is "a"
    EXPECT_EQ(history_of(silent), "ShAfFa");

    connection_facts unanswered = served_connection(connection_close::server_first);
    unanswered.bytes_to_client = 0;  // the client's bytes, never an answer
    EXPECT_EQ(history_of(unanswered), "ShADafF");
}

// Refused at the cap: reset by the server unread, whatever else the facts say.
TEST(ConnectionEvent, RefusedConnectionIsAServerReset) {
    connection_facts refused;
    refused.refused_at_cap = true;
    refused.closed_at = sample_connection().connected_at;
    telemetry::event e = connection_event(sample_connection(), refused);
    EXPECT_EQ(e.extra_value("history"), "ShAr");
    EXPECT_EQ(e.extra_value("session_end_reason"), "tcp-rst-from-server");
}

TEST(ConnectionEvent, SessionEndReasonOnlyForResets) {
    EXPECT_EQ(connection_event(sample_connection(), served_connection(connection_close::client_reset))
                  .extra_value("session_end_reason"),
              "tcp-rst-from-client");
    for (connection_close c : {connection_close::client_first, connection_close::server_first})
        EXPECT_EQ(connection_event(sample_connection(), served_connection(c)).extra_value("session_end_reason"), "")
            << "a FIN is the firewall view's default (tcp-fin)";
}

// The errors tls_socket ends a read or handshake with, and who closed first for each.
TEST(CloseOfFailedRead, ClientEndsAreTheClients) {
    namespace asio = boost::asio;
    EXPECT_EQ(close_of_failed_read(asio::error::eof), connection_close::client_first);  // close_notify
    EXPECT_EQ(close_of_failed_read(asio::ssl::error::stream_truncated), connection_close::client_first);  // bare FIN
    EXPECT_EQ(close_of_failed_read(boost::system::error_code(ECONNRESET, boost::system::system_category())),
              connection_close::client_reset);
    // A fatal alert from the client (curl without the lab CA sends "unknown CA"), as OpenSSL reports it.
    const auto alert = static_cast<int>(ERR_PACK(ERR_LIB_SSL, 0, SSL_R_TLSV1_ALERT_UNKNOWN_CA));
    EXPECT_EQ(close_of_failed_read(boost::system::error_code(alert, asio::error::get_ssl_category())),
              connection_close::client_first);
}

TEST(CloseOfFailedRead, EverythingElseLeavesTheServerToClose) {
    namespace asio = boost::asio;
    EXPECT_EQ(close_of_failed_read(asio::error::operation_aborted), connection_close::server_first);  // timeout, stop
    // A TLS error in the client's bytes: the server sends its alert and closes.
    const auto no_cipher = static_cast<int>(ERR_PACK(ERR_LIB_SSL, 0, SSL_R_NO_SHARED_CIPHER));
    EXPECT_EQ(close_of_failed_read(boost::system::error_code(no_cipher, asio::error::get_ssl_category())),
              connection_close::server_first);
    EXPECT_EQ(close_of_failed_read(boost::system::error_code(ETIMEDOUT, boost::system::system_category())),
              connection_close::server_first);
}

}  // namespace
}  // namespace sclab::emulators
