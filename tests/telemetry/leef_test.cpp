// leef against hand-written LEEF 2.0 and 1.0 events (tests/telemetry/data/leef_v*.log, IBM's header layouts and
// FIDELITY.md's predefined keys, behind RFC 3164 and RFC 5424 syslog headers), exact writer output, escaping,
// delimiters in every documented form, and malformed events.
#include <gtest/gtest.h>

#include "event_diff.hpp"
#include "format_samples.hpp"
#include "telemetry/format.hpp"
#include "test_files.hpp"

namespace sclab::telemetry {
namespace {

using testing::format_named;
using testing::read_events;
using testing::sample_path;
using testing::write_events;
using extras = std::vector<std::pair<std::string, std::string>>;

const format_info& leef() { return format_named("leef"); }

TEST(leef, reads_leef_2_with_caret_tab_and_pipe_delimiters) {
    const auto got = read_events(leef(), sample_path("leef_v2.log"));
    ASSERT_EQ(got.size(), 3u);

    event pan;
    pan.kind = event_kind::network_session;
    pan.time = 1673450984120000000;  // Jan 11 2023 15:29:44.120 GMT
    pan.host = "qradar-gw";          // from the syslog header
    pan.user = "corp\\alice";
    network_info& n = pan.network;
    n.action = "allow";
    n.transport = "tcp";
    n.source = {"10.0.0.5", 51234, "", ""};
    n.destination = {"104.16.1.1", 443, "beacon.argustest.workers.dev", ""};
    n.bytes_sent = 1523;
    n.bytes_received = 6929;
    n.packets_sent = 11;
    n.packets_received = 13;
    pan.http.url = "https://beacon.argustest.workers.dev/?a=1";
    pan.extra = {{"leef_vendor", "Palo Alto Networks"}, {"leef_product", "PAN-OS Syslog Integration"},
                 {"leef_product_version", "9.1.0"}, {"cat", "TRAFFIC"}, {"sev", "1"}, {"msg", "a^b c=d"}};
    EXPECT_EQ(got[0], pan) << testing::diff_events(pan, got[0]);

    // "x09": a tab given in hex; devTime in epoch milliseconds without a devTimeFormat.
    EXPECT_EQ(got[1].network.action, "41");
    EXPECT_EQ(got[1].time, 1673450985832000000);
    EXPECT_EQ(got[1].network.source.ip, "10.0.1.8");
    EXPECT_EQ(got[1].network.destination.port, 21);
    EXPECT_EQ(got[1].host, "");
    EXPECT_EQ(got[1].extra, (extras{{"leef_vendor", "Lancope"}, {"leef_product", "StealthWatch"}, {"sev", "5"}}));

    // "0x7C": '|' itself as the delimiter, behind an RFC 5424 header; "\|" in a value is a literal '|'.
    EXPECT_EQ(got[2].host, "192.168.1.1");
    EXPECT_EQ(got[2].time, 1673450986000000000);
    EXPECT_EQ(got[2].network.source.ip, "10.0.1.9");
    EXPECT_EQ(got[2].extra_value("msg"), "x|y");
}

TEST(leef, reads_leef_1_with_default_and_custom_time_formats) {
    const auto got = read_events(leef(), sample_path("leef_v1.log"));
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].time, 1673450984000000000);  // Jan 11 2023 15:29:44, LEEF's default pattern
    EXPECT_EQ(got[0].network.action, "15345");
    EXPECT_EQ(got[0].user, "joe.black");
    EXPECT_EQ(got[0].network.source.port, 81);
    EXPECT_EQ(got[0].extra, (extras{{"leef_vendor", "Microsoft"}, {"leef_product", "MSExchange"},
                                    {"leef_product_version", "4.0 SP1"}, {"sev", "5"}, {"cat", "anomaly"}}));
    EXPECT_EQ(got[1].host, "exch01");
    EXPECT_EQ(got[1].time, 1673450984500000000);  // 17:29:44.500+0200
}

event tunnel() {
    event e;
    e.kind = event_kind::http_request;
    e.time = 1673450985832287400;
    e.host = "proxy01";  // LEEF has no key for the observer: not written
    e.user = "CORP\\alice";
    network_info& n = e.network;
    n.action = "TCP_TUNNEL";
    n.transport = "tcp";
    n.source = {"10.0.0.5", 51234, "", ""};
    n.destination = {"104.16.1.1", 443, "beacon.argustest.workers.dev", "https"};
    n.bytes_sent = 918;
    n.bytes_received = 6083;
    n.session_id = "abc";  // no key for it either
    e.http.url = "https://beacon.argustest.workers.dev/a=b|c\td";
    return e;
}

TEST(leef, writes_leef_2_exactly) {
    event e = tunnel();
    e.extra = {{"sev", "3"}, {"note", "tab\there"}, {"bad key", "x"}, {"src", "shadowed"}, {"leef_vendor", "Acme"}};
    EXPECT_EQ(write_events(leef(), {e}),
              "LEEF:2.0|Acme|sclab|1.0|TCP_TUNNEL|x09|devTimeFormat=MMM dd yyyy HH:mm:ss.SSS z\t"
              "devTime=Jan 11 2023 15:29:45.832 GMT\tcat=network_session\tproto=tcp\tsrc=10.0.0.5\tsrcPort=51234\t"
              "dst=104.16.1.1\tdstPort=443\tdhost=beacon.argustest.workers.dev\tusrName=CORP\\alice\t"
              "url=https://beacon.argustest.workers.dev/a=b|c\\\td\tsrcBytes=918\tdstBytes=6083\tsev=3\t"
              "note=tab\\\there\n");

    event odd;
    odd.kind = event_kind::network_session;
    odd.time = 0;
    odd.user = "x\\=y\\";
    odd.network.action = "a|b\\";
    EXPECT_EQ(write_events(leef(), {odd}),
              "LEEF:2.0|sclab|sclab|1.0|a\\|b\\\\|x09|devTimeFormat=MMM dd yyyy HH:mm:ss.SSS z\t"
              "devTime=Jan 01 1970 00:00:00.000 GMT\tcat=network_session\tusrName=x\\\\=y\\\\\n");
}

TEST(leef, written_events_read_back_as_retain_says) {
    event plain = tunnel();
    event odd = tunnel();
    odd.user = "x\\=y\\";
    odd.network.action = "a|b\\\r\nc";
    odd.network.destination.hostname = "";
    odd.network.packets_sent = 4;
    odd.extra = {{"cat", ""}, {"msg", "\\|\t=\\\\"}, {"leef_product", "P|Q"}, {"msg", "dup"}, {"bad=key", "x"}};
    event unknown;
    unknown.kind = event_kind::network_session;
    unknown.time = 1;
    testing::temp_dir dir;
    testing::write_file(dir.path("x.leef"), write_events(leef(), {plain, odd, unknown}));
    const auto got = read_events(leef(), dir.path("x.leef"));
    ASSERT_EQ(got.size(), 3u);
    for (std::size_t i = 0; i < got.size(); ++i) {
        const event expected = leef().retain(std::vector<event>{plain, odd, unknown}[i]);
        EXPECT_EQ(expected, got[i]) << i << ":\n" << testing::diff_events(expected, got[i]);
    }
    EXPECT_EQ(got[0].kind, event_kind::network_session);
    EXPECT_EQ(got[0].host, "");
    EXPECT_EQ(got[0].http.url, plain.http.url);
    EXPECT_EQ(got[1].network.action, "a|b\\  c");
    EXPECT_EQ(got[1].extra, (extras{{"leef_product", "P|Q"}, {"cat", ""}, {"msg", "\\|\t=\\\\"}}));
    EXPECT_EQ(got[2].network.action, "unknown");
}

TEST(leef, malformed_events_are_rejected_with_a_reason) {
    testing::expect_rejections(
        leef(),
        {{"LEEF:3.0|V|P|1|ID|devTime=1", "LEEF version '3.0'"},
         {"LEEF:2.0|V|P|1", "fewer than 5"},
         {"LEEF:2.0|V|P|1|ID|abc|devTime=1", "delimiter field 'abc'"},
         {"LEEF:1.0|V|P|1|ID|devTime=1673450985832\tsrc", "'src' has no '='"},
         {"LEEF:1.0|V|P|1|ID|devTime=1673450985832\t=x", "empty key"},
         {"LEEF:1.0|V|P|1|ID|src=1.2.3.4", "no devTime"},
         {"LEEF:1.0|V|P|1|ID|devTime=yesterday", "devTime 'yesterday'"},
         {"LEEF:1.0|V|P|1|ID|devTimeFormat=yyyy-MM-dd\tdevTime=2023/01/11", "does not match devTimeFormat"},
         {"LEEF:1.0|V|P|1|ID|devTimeFormat=yyyy-MM-dd QQ\tdevTime=2023-01-11 1", "letter 'Q' is not supported"},
         {"LEEF:1.0|V|P|1|ID|devTime=1673450985832\tsrcPort=http", "srcPort is not a port number"},
         {"LEEF:1.0|V|P|1|ID|devTime=1673450985832\tdstBytes=-1", "dstBytes is not a count"},
         {"Jan 11 15:29:45 host CEF:0|V|P|1|ID|x|5|a=b", "no LEEF header"}});
}

TEST(leef, strict_stops_lenient_skips_and_counts) {
    testing::temp_dir dir;
    const std::string path = dir.path("mixed.leef");
    testing::write_file(path, testing::read_file(sample_path("leef_v1.log")) + "LEEF:1.0|V|P|1|ID|src=1.2.3.4\n" +
                                  testing::read_file(sample_path("leef_v2.log")));
    try {
        read_events(leef(), path);
        FAIL() << "strict reading accepted an event without devTime";
    } catch (const input_error& e) {
        EXPECT_EQ(e.line(), 3u);
    }
    auto reader = leef().open_reader(path, read_options{.strict = false});
    event e;
    int n = 0;
    while (reader->next(e)) ++n;
    EXPECT_EQ(n, 5);
    EXPECT_EQ(reader->problems().skipped(), 1u);
}

TEST(leef, garbage_is_read_or_rejected_never_crashes) {
    const std::string sample = testing::read_file(sample_path("leef_v2.log")) + testing::read_file(sample_path("leef_v1.log"));
    std::vector<std::string> lines;
    for (std::size_t at = 0, nl; (nl = sample.find('\n', at)) != std::string::npos; at = nl + 1)
        lines.push_back(sample.substr(at, nl - at));
    testing::expect_mutations_read_or_rejected(leef(), lines, 400, 11);
}

}  // namespace
}  // namespace sclab::telemetry
