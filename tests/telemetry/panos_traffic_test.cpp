// panos-traffic against hand-written TRAFFIC records (tests/telemetry/data/panos_traffic.log, one column per entry
// of the PAN-OS 9.1 "Traffic Log Fields" list, the first behind a syslog header), exact writer output, CSV quoting
// and malformed records.
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
using testing::replaced;
using testing::sample_path;
using testing::write_events;

const format_info& panos() { return format_named("panos-traffic"); }

TEST(panos_traffic, reads_an_end_log_behind_a_syslog_header) {
    const auto got = read_events(panos(), sample_path("panos_traffic.log"));
    ASSERT_EQ(got.size(), 2u);
    const event& e = got[0];
    EXPECT_EQ(e.kind, event_kind::network_session);
    EXPECT_EQ(e.time, 1673450984000000000);  // Generated Time 2023/01/11 15:29:44
    EXPECT_EQ(e.host, "PA-fw01");            // Device Name, not the syslog host fw01
    EXPECT_EQ(e.user, "corp\\alice");
    EXPECT_EQ(e.record_id, "7253419119627122716");
    const network_info& n = e.network;
    EXPECT_EQ(n.source.ip, "10.0.0.5");
    EXPECT_EQ(n.source.port, 51234);
    EXPECT_EQ(n.destination.ip, "104.16.1.1");
    EXPECT_EQ(n.destination.port, 443);
    EXPECT_EQ(n.transport, "tcp");
    EXPECT_EQ(n.protocol, "ssl");
    EXPECT_EQ(n.action, "allow");
    EXPECT_EQ(n.session_id, "33871");
    EXPECT_EQ(n.bytes_sent, 1523u);
    EXPECT_EQ(n.bytes_received, 6929u);
    EXPECT_EQ(n.packets_sent, 11u);
    EXPECT_EQ(n.packets_received, 13u);
    EXPECT_EQ(n.duration, 13 * ns_per_second);
    EXPECT_TRUE(n.destination.hostname.empty());
    EXPECT_TRUE(e.http.url.empty());
    // Vendor columns that differ from the writer's defaults, in column order, under PAN-OS's field names.
    // Bytes (8452), Packets (24) and Start Time (15:29:31) are what the other columns imply: not kept.
    const std::vector<std::pair<std::string, std::string>> extras = {
        {"receive_time", "2023/01/11 15:29:45"}, {"serial", "007200001056"}, {"natsrc", "198.51.100.7"},
        {"natdst", "104.16.1.1"}, {"rule", "allow-web"}, {"from", "trust"}, {"to", "untrust"},
        {"inbound_if", "ethernet1/2"}, {"outbound_if", "ethernet1/1"}, {"logset", "default"},
        {"natsport", "20112"}, {"natdport", "443"}, {"flags", "0x40001c"}, {"category", "computer-and-internet-info"},
        {"actionflags", "0x8000000000000000"}, {"srcloc", "10.0.0.0-10.255.255.255"}, {"dstloc", "United States"},
        {"session_end_reason", "tcp-fin"}, {"rule_uuid", "4c1d6a6e-1b6f-4b1c-9a0e-3b2f1c0d9e8f"}};
    EXPECT_EQ(e.extra, extras);
}

TEST(panos_traffic, reads_an_older_shorter_record_with_a_quoted_field) {
    const auto got = read_events(panos(), sample_path("panos_traffic.log"));
    ASSERT_EQ(got.size(), 2u);
    const event& e = got[1];
    EXPECT_EQ(e.host, "");  // no Device Name column and no syslog header
    EXPECT_EQ(e.extra_value("rule"), "block c2, lambda \"urls\"");
    EXPECT_EQ(e.extra_value("subtype"), "drop");
    EXPECT_EQ(e.extra_value("session_end_reason"), "policy-deny");
    EXPECT_EQ(e.network.action, "deny");
    EXPECT_EQ(e.network.bytes_sent, 66u);
    EXPECT_EQ(e.network.bytes_received, 0u);
    EXPECT_EQ(e.network.duration, 0);
    EXPECT_EQ(e.extra.size(), 10u) << "columns an old release lacks are not invented";
    EXPECT_EQ(e.extra.back().first, "session_end_reason");
}

TEST(panos_traffic, writes_pan_os_9_1_columns_exactly) {
    event e;
    e.kind = event_kind::http_request;
    e.time = 1673450984999000000;  // 15:29:44.999: PAN-OS keeps seconds
    e.host = "PA-fw01";
    e.user = "corp\\alice";
    e.record_id = "7253419119627122716";
    network_info& n = e.network;
    n.source = {"10.0.0.5", 51234, "ws01.corp.example", ""};
    n.destination = {"104.16.1.1", 443, "beacon.argustest.workers.dev", "https"};
    n.transport = "tcp";
    n.protocol = "ssl";
    n.action = "allow";
    n.session_id = "33871";
    n.bytes_sent = 1523;
    n.bytes_received = 6929;
    n.packets_sent = 11;
    n.packets_received = 13;
    n.duration = 13 * ns_per_second + 700 * ns_per_ms;
    e.http.url = "https://beacon.argustest.workers.dev/";  // TRAFFIC has no URL
    e.extra.emplace_back("rule", "allow, \"web\"");
    e.extra.emplace_back("serial", "007200001056");
    EXPECT_EQ(write_events(panos(), {e}),
              "1,2023/01/11 15:29:44,007200001056,TRAFFIC,end,1,2023/01/11 15:29:44,"  // 1-7
              "10.0.0.5,104.16.1.1,0.0.0.0,0.0.0.0,\"allow, \"\"web\"\"\",corp\\alice,,ssl,"  // 8-15
              "vsys1,,,,,,2023/01/11 15:29:44,"                                             // 16-22
              "33871,1,51234,443,0,0,0x0,tcp,allow,"                                        // 23-31
              "8452,1523,6929,24,2023/01/11 15:29:31,13,any,,"                              // 32-39
              "7253419119627122716,0x0,,,,"                                                 // 40-44
              "11,13,,0,0,0,0,,PA-fw01,from-policy,,,"                                      // 45-56
              "0,,0,,N/A,0,0,0,0,,"                                                         // 57-66
              "0,0,,,,,,,\n");                                                              // 67-75
}

TEST(panos_traffic, absent_counts_are_empty_columns) {
    event e;
    e.kind = event_kind::network_session;
    e.time = 1673450984000000000;
    e.network.bytes_sent = 10;  // Bytes is the sum of what is known
    const std::string line = write_events(panos(), {e});
    EXPECT_NE(line.find(",1,0,0,0,0,0x0,,,10,10,,,2023/01/11 15:29:44,,any,"), std::string::npos) << line;
}

TEST(panos_traffic, a_written_record_reads_back_as_retain_says) {
    event e;
    e.kind = event_kind::http_request;
    e.time = 1673450984123456789;
    e.user = "corp\\al,ice\nx";
    e.network.action = "allow";
    e.network.duration = 2500 * ns_per_ms;
    e.extra.emplace_back("start", "2023/01/11 15:20:00");   // differs from Generated - Elapsed: kept
    e.extra.emplace_back("bytes", "");                      // the default when no counts: not kept
    e.extra.emplace_back("subtype", "end");                 // the default: not kept
    e.extra.emplace_back("not_a_column", "x");              // dropped
    testing::temp_dir dir;
    testing::write_file(dir.path("t.csv"), write_events(panos(), {e}));
    const auto got = read_events(panos(), dir.path("t.csv"));
    ASSERT_EQ(got.size(), 1u);
    const event expected = panos().retain(e);
    EXPECT_EQ(expected, got[0]) << testing::diff_events(expected, got[0]);
    EXPECT_EQ(got[0].user, "corp\\al,ice x");
    EXPECT_EQ(got[0].network.duration, 2 * ns_per_second);
    EXPECT_EQ(got[0].extra, (std::vector<std::pair<std::string, std::string>>{{"start", "2023/01/11 15:20:00"}}));
}

TEST(panos_traffic, malformed_records_are_rejected_with_a_reason) {
    const std::string sample = testing::read_file(sample_path("panos_traffic.log"));
    const std::string good = sample.substr(0, sample.find('\n'));
    testing::expect_rejections(
        panos(), {{replaced(good, ",TRAFFIC,", ",THREAT,"), "(Type) is 'THREAT', not TRAFFIC"},
                  {"1,2023/01/11 15:29:45,007200001056,TRAFFIC,end", "at least 40"},
                  {replaced(good, ",2023/01/11 15:29:44,10.0.0.5", ",2023-01-11 15:29:44,10.0.0.5"), "Generated Time"},
                  {replaced(good, ",51234,443,", ",51234,99999,"), "Destination Port"},
                  {replaced(good, ",1523,6929,", ",lots,6929,"), "Bytes Sent"},
                  {replaced(good, ",allow-web,", ",\"allow-web,"), "never closed"},
                  {replaced(good, ",allow-web,", ",\"allow\"web,"), "after the closing quote"}});
}

TEST(panos_traffic, strict_stops_lenient_skips_and_counts) {
    testing::temp_dir dir;
    const std::string path = dir.path("mixed.csv");
    testing::write_file(path, "1,2,3\n" + testing::read_file(sample_path("panos_traffic.log")));
    EXPECT_THROW(read_events(panos(), path), input_error);
    const auto got = read_events(panos(), path, read_options{.strict = false});
    EXPECT_EQ(got.size(), 2u);
}

TEST(panos_traffic, garbage_is_read_or_rejected_never_crashes) {
    const std::string sample = testing::read_file(sample_path("panos_traffic.log"));
    std::vector<std::string> lines;
    for (std::size_t at = 0, nl; (nl = sample.find('\n', at)) != std::string::npos; at = nl + 1)
        lines.push_back(sample.substr(at, nl - at));
    testing::expect_mutations_read_or_rejected(panos(), lines, 400, 5);
}

}  // namespace
}  // namespace sclab::telemetry
