// squid and squid-upload against hand-written access.log lines (tests/telemetry/data/squid_*.log, typed from
// FIDELITY.md's logformat), exact writer output, Squid's field encodings, and malformed lines.
#include <gtest/gtest.h>

#include "event_diff.hpp"
#include "format_samples.hpp"
#include "telemetry/format.hpp"
#include "telemetry/time_format.hpp"
#include "test_files.hpp"

namespace sclab::telemetry {
namespace {

using testing::format_named;
using testing::read_events;
using testing::sample_path;
using testing::write_events;

const format_info& squid() { return format_named("squid"); }
const format_info& squid_upload() { return format_named("squid-upload"); }

// The CONNECT tunnel of line 1 of squid_access.log, field by field.
event connect_tunnel() {
    event e;
    e.kind = event_kind::network_session;
    e.time = 1673450985832000000;
    network_info& n = e.network;
    n.duration = 153 * ns_per_ms;
    n.source.ip = "10.0.0.5";
    n.action = "TCP_TUNNEL";
    n.bytes_received = 6083;
    n.destination.ip = "104.16.1.1";
    e.http.status = 200;
    e.http.method = "CONNECT";
    e.http.url = "beacon.argustest.workers.dev:443";
    return e;
}

TEST(squid, reads_native_access_log_lines) {
    const auto got = read_events(squid(), sample_path("squid_access.log"));
    ASSERT_EQ(got.size(), 4u);
    EXPECT_EQ(got[0], connect_tunnel()) << testing::diff_events(connect_tunnel(), got[0]);

    // %[un is doubled-backslash quoted; a URL keeps its own %XX; %mt as logged.
    EXPECT_EQ(got[1].user, "CORP\\alice");
    EXPECT_EQ(got[1].http.url, "http://example.com/a%20b.html?q=1");
    EXPECT_EQ(got[1].http.content_type, "text/html");
    EXPECT_EQ(got[1].network.duration, 42 * ns_per_ms);
    EXPECT_FALSE(got[1].network.bytes_sent.has_value()) << "native Squid does not log upload bytes";

    // A denied request: no peer ("HIER_NONE/-"), which is the default hierarchy code and not kept.
    EXPECT_EQ(got[2].network.action, "TCP_DENIED");
    EXPECT_EQ(got[2].http.status, 403);
    EXPECT_EQ(got[2].network.destination.ip, "");
    EXPECT_EQ(got[2].network.duration, 0);
    EXPECT_TRUE(got[2].extra.empty());

    // A hierarchy code other than the obvious one travels as an extra; %20 in the user is decoded.
    EXPECT_EQ(got[3].extra_value("hier_code"), "TIMEOUT_HIER_DIRECT");
    EXPECT_EQ(got[3].user, "bob smith");
    EXPECT_EQ(got[3].http.status, 502);
    EXPECT_EQ(got[3].time, 1673450990123000000);
}

TEST(squid, reads_the_upload_bytes_variant_with_either_format) {
    for (const format_info* fmt : {&squid(), &squid_upload()}) {
        const auto got = read_events(*fmt, sample_path("squid_upload_access.log"));
        ASSERT_EQ(got.size(), 2u);
        event expected = connect_tunnel();
        expected.network.bytes_sent = 918;
        EXPECT_EQ(got[0], expected) << testing::diff_events(expected, got[0]);
        EXPECT_EQ(got[1].network.bytes_sent, 0u);
        EXPECT_EQ(got[1].http.url, "blocked.example:443");
    }
}

TEST(squid, writes_native_lines_exactly) {
    event tunnel = connect_tunnel();
    tunnel.time = 1673450985832987654;             // sub-millisecond digits are cut, not rounded
    tunnel.network.duration = 153 * ns_per_ms + 999'999;
    tunnel.network.bytes_sent = 918;               // not in the native format
    tunnel.host = "proxy01";                       // nor is the proxy's name
    tunnel.kind = event_kind::http_request;

    event odd;
    odd.kind = event_kind::network_session;
    odd.time = 1700000000000000000;
    odd.user = "CORP\\bob smith[1]%";
    odd.http.url = "http://h.example/a b\"<x>";
    odd.http.method = "GET";
    odd.http.content_type = "text/html; charset=utf-8";
    odd.network.source.ip = "10.0.0.9";
    EXPECT_EQ(write_events(squid(), {tunnel, odd}),
              "1673450985.832    153 10.0.0.5 TCP_TUNNEL/200 6083 CONNECT beacon.argustest.workers.dev:443 - "
              "HIER_DIRECT/104.16.1.1 -\n"
              "1700000000.000      - 10.0.0.9 NONE/000 - GET http://h.example/a%20b%22%3Cx%3E "
              "CORP\\\\bob%20smith%5b1%5d%25 HIER_NONE/- text/html\n");
    EXPECT_EQ(write_events(squid_upload(), {tunnel}),
              "1673450985.832    153 10.0.0.5 TCP_TUNNEL/200 6083 CONNECT beacon.argustest.workers.dev:443 - "
              "HIER_DIRECT/104.16.1.1 - 918\n");
}

TEST(squid, user_quoting_round_trips_every_byte) {
    std::string every_byte;
    for (int c = 1; c < 256; ++c) every_byte.push_back(static_cast<char>(c));
    event e = connect_tunnel();
    e.user = every_byte + "\\";
    testing::temp_dir dir;
    testing::write_file(dir.path("u.log"), write_events(squid(), {e}));
    const auto got = read_events(squid(), dir.path("u.log"));
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].user, e.user);
}

TEST(squid, retain_keeps_what_a_reader_gets_back) {
    event e = connect_tunnel();
    e.kind = event_kind::http_request;
    e.http.url = "http://h/a b";
    e.http.content_type = "text/plain;charset=x";
    e.extra.emplace_back("hier_code", "HIER_DIRECT");  // the default: not kept
    e.extra.emplace_back("rule", "x");                  // Squid has no such field
    const event kept = squid().retain(e);
    EXPECT_EQ(kept.kind, event_kind::network_session);
    EXPECT_EQ(kept.http.url, "http://h/a%20b");
    EXPECT_EQ(kept.http.content_type, "text/plain");
    EXPECT_TRUE(kept.extra.empty());
    EXPECT_FALSE(kept.network.bytes_sent.has_value());
}

TEST(squid, malformed_lines_are_rejected_with_a_reason) {
    const std::string good =
        "1673450985.832    153 10.0.0.5 TCP_TUNNEL/200 6083 CONNECT beacon.example:443 - HIER_DIRECT/104.16.1.1 -";
    testing::expect_rejections(
        squid(),
        {{"1673450985.832 153 10.0.0.5 TCP_TUNNEL/200 6083 CONNECT", "expected 10 fields"},
         {good + " 12 13", "found 12"},
         {testing::replaced(good, "1673450985.832", "yesterday"), "timestamp 'yesterday'"},
         {testing::replaced(good, "TCP_TUNNEL/200", "TCP_TUNNEL"), "not code/status"},
         {testing::replaced(good, "TCP_TUNNEL/200", "TCP_TUNNEL/ok"), "HTTP status"},
         {testing::replaced(good, " 6083 ", " 6k "), "bytes to the client (%<st) is not a count"},
         {testing::replaced(good, "   153 ", " -5 "), "elapsed time"},
         {testing::replaced(good, "HIER_DIRECT/104.16.1.1", "HIER_DIRECT"), "not code/peer"}});
}

TEST(squid, strict_stops_lenient_skips_and_counts) {
    testing::temp_dir dir;
    const std::string path = dir.path("mixed.log");
    std::string text = testing::read_file(sample_path("squid_access.log"));
    text.insert(text.find('\n') + 1, "garbage line\n");
    testing::write_file(path, text);
    try {
        read_events(squid(), path);
        FAIL() << "strict reading accepted a garbage line";
    } catch (const input_error& e) {
        EXPECT_EQ(e.line(), 2u);
        EXPECT_NE(std::string(e.what()).find("mixed.log:2: expected 10 fields"), std::string::npos) << e.what();
    }
    auto reader = squid().open_reader(path, read_options{.strict = false});
    event e;
    int n = 0;
    while (reader->next(e)) ++n;
    EXPECT_EQ(n, 4);
    EXPECT_EQ(reader->problems().skipped(), 1u);
}

TEST(squid, garbage_is_read_or_rejected_never_crashes) {
    const std::string sample = testing::read_file(sample_path("squid_access.log"));
    std::vector<std::string> lines;
    for (std::size_t at = 0, nl; (nl = sample.find('\n', at)) != std::string::npos; at = nl + 1)
        lines.push_back(sample.substr(at, nl - at));
    testing::expect_mutations_read_or_rejected(squid(), lines, 400, 7);
}

}  // namespace
}  // namespace sclab::telemetry
