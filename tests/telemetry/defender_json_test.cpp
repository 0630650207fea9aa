// Defender advanced hunting rows: golden rows hand-written from Microsoft's column lists (FIDELITY.md §3) read into
// the model, the writer gives those rows back byte for byte, Sentinel copies, and malformed rows.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "event_diff.hpp"
#include "random_events.hpp"
#include "telemetry/format.hpp"
#include "telemetry/time_format.hpp"
#include "test_files.hpp"

namespace sclab::telemetry {
namespace {

const format_info& defender() { return *find_format("defender-json"); }

const std::string data_dir = SCLAB_TEST_DATA;

std::vector<event> read_all(const std::string& path, read_options options = {}) {
    auto reader = defender().open_reader(path, options);
    std::vector<event> out;
    event e;
    while (reader->next(e)) out.push_back(e);
    return out;
}

event read_one(const std::string& golden) {
    auto events = read_all(data_dir + "/" + golden);
    if (events.size() != 1) throw std::runtime_error(golden + ": expected one row");
    return events[0];
}

std::string write_all(const std::vector<event>& events) {
    testing::temp_dir dir;
    const std::string path = dir.path("out.jsonl");
    {
        output_file out(path);
        auto writer = defender().open_writer(out);
        for (const event& e : events)
            if (!writer->write(e)) throw std::runtime_error("writer refused an event");
        writer->finish();
        out.commit();
    }
    return testing::read_file(path);
}

std::string golden_text(const std::string& golden) { return testing::read_file(data_dir + "/" + golden); }

time_ns at(std::string_view iso) {
    time_ns t = 0;
    if (!parse_iso8601(iso, t)) throw std::runtime_error("bad test time");
    return t;
}

TEST(defender_json, is_registered_for_the_three_tables_kinds) {
    ASSERT_NE(find_format("defender-json"), nullptr);
    EXPECT_TRUE(defender().carries(event_kind::network_connection));
    EXPECT_TRUE(defender().carries(event_kind::process_creation));
    EXPECT_TRUE(defender().carries(event_kind::dns_query));
    EXPECT_FALSE(defender().carries(event_kind::network_session));
    EXPECT_FALSE(defender().carries(event_kind::file_creation));
}

TEST(defender_json, reads_a_device_network_events_row) {
    const event e = read_one("defender_network_connection_success.jsonl");
    EXPECT_EQ(e.kind, event_kind::network_connection);
    EXPECT_EQ(e.time, 1714564800123456700);
    EXPECT_EQ(e.host, "ws01.corp.example");
    EXPECT_EQ(e.user, "corp\\alice");
    EXPECT_EQ(e.process.user, "corp\\alice");
    EXPECT_EQ(e.record_id, "12345");
    EXPECT_EQ(e.network.action, "ConnectionSuccess");
    EXPECT_EQ(e.network.transport, "tcp");  // Defender's "Tcp", normalised
    EXPECT_EQ(e.network.destination.ip, "104.21.48.12");
    EXPECT_EQ(e.network.destination.port, 443);
    EXPECT_EQ(e.network.source.ip, "10.0.0.15");
    EXPECT_EQ(e.network.source.port, 50312);
    EXPECT_EQ(e.http.url, "");  // RemoteUrl is often empty
    EXPECT_FALSE(e.network.bytes_sent.has_value()) << "DeviceNetworkEvents has no byte counts";
    EXPECT_FALSE(e.network.bytes_received.has_value());
    EXPECT_EQ(e.process.image, "c:\\windows\\system32\\curl.exe");
    EXPECT_EQ(e.process.pid, 7412u);
    EXPECT_EQ(e.process.command_line, "\"curl.exe\" -s -X POST https://beacon.argustest.workers.dev/api");
    EXPECT_EQ(e.process.creation_time, at("2024-05-01T11:59:59.9876543Z"));
    EXPECT_EQ(e.process.sha1, "5b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e");
    EXPECT_EQ(e.process.md5, "0f1e2d3c4b5a69788796a5b4c3d2e1f0");
    EXPECT_EQ(e.process.sha256, "");
    EXPECT_EQ(e.process.file_size, std::optional<std::uint64_t>(5816320));
    EXPECT_EQ(e.process.company, "curl, https://curl.se/");
    EXPECT_EQ(e.process.product, "The curl executable");
    EXPECT_EQ(e.process.file_version, "8.4.0");
    EXPECT_EQ(e.process.original_file_name, "curl.exe");
    EXPECT_EQ(e.process.description, "The curl executable");
    EXPECT_EQ(e.process.integrity_level, "Medium");
    EXPECT_EQ(e.process.terminal_session_id, std::optional<std::uint32_t>(1));
    EXPECT_EQ(e.parent.image, "powershell.exe");  // only the file name in this table
    EXPECT_EQ(e.parent.pid, 6120u);
    EXPECT_EQ(e.parent.creation_time, at("2024-05-01T11:58:00Z"));
    // Columns with no model field travel as extras under their own names; empty ones do not.
    EXPECT_EQ(e.extra_value("DeviceId"), "c5a964d2a2b9b3e5a1e8f0d7c1e2f3a4b5c6d7e8");
    EXPECT_EQ(e.extra_value("LocalIPType"), "Private");
    EXPECT_EQ(e.extra_value("RemoteIPType"), "Public");
    EXPECT_EQ(e.extra_value("InitiatingProcessVersionInfoInternalFileName"), "curl");
    EXPECT_EQ(e.extra_value("InitiatingProcessAccountSid"), "S-1-5-21-1111111111-2222222222-3333333333-1104");
    EXPECT_EQ(e.extra_value("InitiatingProcessTokenElevation"), "TokenElevationTypeLimited");
    EXPECT_EQ(e.extra_value("IsInitiatingProcessRemoteSession"), "false");
    EXPECT_EQ(e.extra_value("InitiatingProcessFileName"), "") << "FileName matches the FolderPath: nothing to keep";
    for (const auto& [k, v] : e.extra) EXPECT_FALSE(v.empty()) << k;
}

TEST(defender_json, writes_a_hand_built_connection_as_the_golden_row) {
    event e;
    e.kind = event_kind::network_connection;
    e.time = at("2024-05-01T12:00:00.123456789Z");  // cut to 100 ns on the way out
    e.host = "ws01.corp.example";
    e.user = "corp\\alice";
    e.record_id = "12345";
    e.network.action = "ConnectionSuccess";
    e.network.transport = "tcp";
    e.network.destination = {.ip = "104.21.48.12", .port = 443, .hostname = "-", .port_name = "https"};
    e.network.source = {.ip = "10.0.0.15", .port = 50312, .hostname = "", .port_name = ""};
    e.network.bytes_sent = 1200;  // a Sysmon/proxy notion: no column carries it
    e.network.server_name = "beacon.argustest.workers.dev";
    process_info& p = e.process;
    p.image = "c:\\windows\\system32\\curl.exe";
    p.guid = "{11111111-2222-3333-4444-555555555555}";
    p.pid = 7412;
    p.command_line = "\"curl.exe\" -s -X POST https://beacon.argustest.workers.dev/api";
    p.creation_time = at("2024-05-01T11:59:59.9876543Z");
    p.sha1 = "5b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e";
    p.md5 = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    p.file_size = 5816320;
    p.company = "curl, https://curl.se/";
    p.product = "The curl executable";
    p.file_version = "8.4.0";
    p.original_file_name = "curl.exe";
    p.description = "The curl executable";
    p.integrity_level = "Medium";
    p.terminal_session_id = 1;
    e.parent.image = "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe";
    e.parent.pid = 6120;
    e.parent.creation_time = at("2024-05-01T11:58:00Z");
    e.parent.command_line = "powershell.exe -File beacon.ps1";
    e.set_extra("DeviceId", "c5a964d2a2b9b3e5a1e8f0d7c1e2f3a4b5c6d7e8");
    e.set_extra("LocalIPType", "Private");
    e.set_extra("RemoteIPType", "Public");
    e.set_extra("InitiatingProcessVersionInfoInternalFileName", "curl");
    e.set_extra("InitiatingProcessAccountSid", "S-1-5-21-1111111111-2222222222-3333333333-1104");
    e.set_extra("InitiatingProcessAccountUpn", "alice@corp.example");
    e.set_extra("InitiatingProcessAccountObjectId", "6f1c2e3d-4b5a-4c6d-8e7f-9a0b1c2d3e4f");
    e.set_extra("InitiatingProcessTokenElevation", "TokenElevationTypeLimited");
    e.set_extra("IsInitiatingProcessRemoteSession", "false");
    e.set_extra("RuleName", "-");  // a Sysmon extra: not a column, not written
    const std::string written = write_all({e});
    EXPECT_EQ(written, golden_text("defender_network_connection_success.jsonl"));
    EXPECT_EQ(written.find("Bytes"), std::string::npos);
    EXPECT_EQ(written.find("RuleName"), std::string::npos);
}

TEST(defender_json, reads_a_device_process_events_row_with_its_parent) {
    const event e = read_one("defender_process_created.jsonl");
    EXPECT_EQ(e.kind, event_kind::process_creation);
    EXPECT_EQ(e.network.action, "ProcessCreated");
    EXPECT_EQ(e.user, "corp\\alice");
    EXPECT_EQ(e.process.image, "C:\\Windows\\System32\\curl.exe");
    EXPECT_EQ(e.process.pid, 7412u);
    EXPECT_EQ(e.process.command_line, "curl.exe -s https://script.google.com/macros/s/AKfycbx1/exec");
    EXPECT_EQ(e.process.integrity_level, "Medium");
    EXPECT_EQ(e.process.logon_id, "0x3e7");  // LogonId 999, spelled as Sysmon does
    EXPECT_EQ(e.process.terminal_session_id, std::optional<std::uint32_t>(1));  // CreatedProcessSessionId
    EXPECT_EQ(e.process.file_size, std::optional<std::uint64_t>(5816320));
    EXPECT_EQ(e.parent.image, "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe");
    EXPECT_EQ(e.parent.pid, 6120u);
    EXPECT_EQ(e.parent.command_line, "\"powershell.exe\" -ExecutionPolicy Bypass -File C:\\Users\\alice\\beacon.ps1");
    EXPECT_EQ(e.parent.creation_time, at("2024-05-01T11:58:00Z"));
    EXPECT_EQ(e.parent.user, "corp\\alice");
    // The grandparent and the parent's own details have no model slot.
    EXPECT_EQ(e.extra_value("InitiatingProcessParentFileName"), "explorer.exe");
    EXPECT_EQ(e.extra_value("InitiatingProcessParentId"), "5020");
    EXPECT_EQ(e.extra_value("InitiatingProcessParentCreationTime"), "2024-05-01T08:00:00.5000000Z");
    EXPECT_EQ(e.extra_value("InitiatingProcessSHA1"), "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4");
    EXPECT_EQ(e.extra_value("InitiatingProcessVersionInfoProductName"), "Microsoft\xc2\xae Windows\xc2\xae Operating System");
    EXPECT_EQ(e.extra_value("InitiatingProcessLogonId"), "999");
    EXPECT_EQ(e.extra_value("InitiatingProcessSessionId"), "1");
    EXPECT_EQ(e.extra_value("InitiatingProcessFileName"), "");  // matches the FolderPath's last component
}

TEST(defender_json, reads_a_dns_query_response_row) {
    const event e = read_one("defender_dns_query_response.jsonl");
    EXPECT_EQ(e.kind, event_kind::dns_query);
    EXPECT_EQ(e.network.action, "DnsQueryResponse");
    EXPECT_EQ(e.dns.query_name, "beacon.argustest.workers.dev");
    EXPECT_EQ(e.dns.query_type, "A");
    EXPECT_EQ(e.process.image, "c:\\windows\\system32\\curl.exe");
    EXPECT_EQ(e.process.logon_id, "0x3e7");  // InitiatingProcessLogonId
    EXPECT_EQ(e.parent.image, "powershell.exe");
    EXPECT_EQ(e.user, "corp\\alice");
    // The answers' inner shape in the sample is illustrative (unverified); the reader keeps whatever is there.
    EXPECT_EQ(e.extra_value("AdditionalFields"),
              R"({"DnsQueryResult":[{"DnsQueryResultRecord":"104.21.48.12"},{"DnsQueryResultRecord":"172.67.160.20"}]})");
    EXPECT_EQ(e.extra_value("RemotePort"), "");  // null stays absent
    EXPECT_EQ(e.extra_value("IsProcessRemoteSession"), "");
}

TEST(defender_json, writer_gives_each_golden_row_back_byte_for_byte) {
    for (const char* golden : {"defender_network_connection_success.jsonl", "defender_process_created.jsonl",
                               "defender_dns_query_response.jsonl"}) {
        const event e = read_one(golden);
        EXPECT_EQ(write_all({e}), golden_text(golden)) << golden;
    }
}

TEST(defender_json, reads_a_sentinel_copy_by_its_type_and_keeps_sentinel_columns) {
    const event e = read_one("defender_sentinel_network_events.jsonl");
    EXPECT_EQ(e.kind, event_kind::network_connection);
    EXPECT_EQ(e.network.transport, "TcpV4");  // a variant is kept as Defender spelled it
    EXPECT_EQ(e.http.url, "abcdefghijklmnop.lambda-url.us-east-1.on.aws");
    EXPECT_EQ(e.extra_value("TenantId"), "0a1b2c3d-1111-2222-3333-444455556666");
    EXPECT_EQ(e.extra_value("TimeGenerated"), "2024-05-01T12:00:05.5000000Z");
    EXPECT_EQ(e.extra_value("Type"), "DeviceNetworkEvents");
    EXPECT_EQ(e.extra_value("MachineGroup"), "Lab");
    EXPECT_EQ(e.extra_value("AdditionalFields"), R"({"direction":"Out"})");  // Sentinel's dynamic column, as JSON text

    // Written back: the table's columns in schema order, then Sentinel's, with AdditionalFields as a JSON value.
    const std::string written = write_all({e});
    EXPECT_EQ(written.rfind("{\"Timestamp\":\"2024-05-01T12:00:00.1234567Z\",\"DeviceId\":", 0), 0u) << written;
    EXPECT_NE(written.find(R"("Protocol":"TcpV4")"), std::string::npos);
    EXPECT_NE(written.find(R"("AdditionalFields":{"direction":"Out"})"), std::string::npos) << written;
    EXPECT_NE(written.find(R"("TimeGenerated":"2024-05-01T12:00:05.5000000Z","TenantId":"0a1b2c3d-1111-2222-3333-444455556666","Type":"DeviceNetworkEvents","SourceSystem":"","MachineGroup":"Lab"})"),
              std::string::npos)
        << written;
    testing::temp_dir dir;
    testing::write_file(dir.path("again.jsonl"), written);
    auto again = read_all(dir.path("again.jsonl"));
    ASSERT_EQ(again.size(), 1u);
    EXPECT_EQ(again[0], e) << testing::diff_events(e, again[0]);
}

TEST(defender_json, identifies_projected_rows_by_action_type_or_telltale_columns) {
    testing::temp_dir dir;
    testing::write_file(dir.path("projected.jsonl"),
                        // The advanced hunting API's own example rows: a projection without the table's telltales.
                        R"({"Timestamp":"2020-02-05T01:10:26.2648757Z","FileName":"csc.exe","InitiatingProcessFileName":"powershell.exe","ActionType":"ProcessCreated"})"
                        "\n"
                        R"({"Timestamp":"2024-05-01T12:00:00Z","ActionType":"ConnectionFailed","RemoteIP":"1.2.3.4","RemotePort":443})"
                        "\n"
                        R"({"Timestamp":"2024-05-01T12:00:00Z","ActionType":"DnsQueryResponse","AdditionalFields":{"DnsQueryString":"x.workers.dev"}})"
                        "\n"
                        R"({"Timestamp":"2024-05-01T12:00:00Z","ActionType":"ListeningConnectionCreated","Protocol":"Udp","LocalPort":53})"
                        "\n");
    auto got = read_all(dir.path("projected.jsonl"));
    ASSERT_EQ(got.size(), 4u);
    EXPECT_EQ(got[0].kind, event_kind::process_creation);
    EXPECT_EQ(got[0].process.image, "csc.exe");  // no FolderPath: the FileName is all there is
    EXPECT_EQ(got[0].parent.image, "powershell.exe");
    EXPECT_EQ(got[0].time, 1580865026264875700);
    EXPECT_EQ(got[1].kind, event_kind::network_connection);
    EXPECT_EQ(got[1].network.destination.port, 443);
    EXPECT_EQ(got[2].kind, event_kind::dns_query);
    EXPECT_EQ(got[2].dns.query_name, "x.workers.dev");
    EXPECT_EQ(got[3].kind, event_kind::network_connection);
    EXPECT_EQ(got[3].network.transport, "udp");
}

TEST(defender_json, protocol_spelling_round_trips_and_variants_stay_exact) {
    event e;
    e.kind = event_kind::network_connection;
    e.time = at("2024-05-01T12:00:00Z");
    for (const auto& [model, defender_spelling] : {std::pair{"tcp", "Tcp"}, std::pair{"udp", "Udp"},
                                                  std::pair{"TcpV6", "TcpV6"}}) {
        e.network.transport = model;
        const std::string written = write_all({e});
        EXPECT_NE(written.find(std::string("\"Protocol\":\"") + defender_spelling + "\""), std::string::npos)
            << written;
        EXPECT_EQ(defender().retain(e).network.transport, model);
    }
}

TEST(defender_json, retain_states_what_is_lost) {
    event e;
    e.kind = event_kind::network_connection;
    e.time = 1714564800123456789;
    e.network.bytes_sent = 10;
    e.network.bytes_received = 20;
    e.network.server_name = "a.workers.dev";
    e.parent.image = "C:\\Windows\\explorer.exe";
    e.parent.command_line = "explorer.exe";
    e.run_id = "run-1";
    e.record_id = "not-a-number";
    event kept = defender().retain(e);
    EXPECT_EQ(kept.time, 1714564800123456700);
    EXPECT_FALSE(kept.network.bytes_sent.has_value());
    EXPECT_FALSE(kept.network.bytes_received.has_value());
    EXPECT_EQ(kept.network.server_name, "");
    EXPECT_EQ(kept.parent.image, "explorer.exe");
    EXPECT_EQ(kept.parent.command_line, "");
    EXPECT_EQ(kept.run_id, "");
    EXPECT_EQ(kept.record_id, "");  // ReportId is a long

    e.kind = event_kind::process_creation;  // here the parent is the InitiatingProcess: full path and command line
    kept = defender().retain(e);
    EXPECT_EQ(kept.parent.image, "C:\\Windows\\explorer.exe");
    EXPECT_EQ(kept.parent.command_line, "explorer.exe");
    EXPECT_EQ(kept.network.action, "ProcessCreated");
}

TEST(defender_json, vendor_extras_of_every_column_type_round_trip_as_retain_says) {
    // The generic round trip has no extras; here every kind carries column extras of each Kusto type, some with
    // values the column cannot hold (dropped), and half of the events come from Sentinel.
    seeded_random rng(21);
    std::vector<event> written;
    for (event_kind kind : {event_kind::network_connection, event_kind::process_creation, event_kind::dns_query}) {
        for (int i = 0; i < 20; ++i) {
            event e = testing::random_event(kind, rng, {.style = testing::text_style::rich});
            e.set_extra("DeviceId", testing::random_text(rng, testing::text_style::rich));
            e.set_extra("InitiatingProcessAccountSid", "S-1-5-21-" + std::to_string(i));
            e.set_extra("IsInitiatingProcessRemoteSession", i % 3 == 0 ? "true" : i % 3 == 1 ? "false" : "maybe");
            e.set_extra("InitiatingProcessParentCreationTime", "2024-01-02T03:04:05.5Z");  // DeviceProcessEvents only
            e.set_extra("InitiatingProcessParentId", i % 2 ? "4242" : "not-a-pid");            // ditto
            e.set_extra("RemotePort", "53");                                                  // DeviceEvents only
            e.set_extra("AdditionalFields", i % 2 ? R"({"b": [1, 2], "a": "x"})" : "plain text");
            e.set_extra("InitiatingProcessFileName", i % 4 == 0 ? "renamed.exe" : "");
            e.set_extra("not_a_column", "dropped");
            if (i % 2) {
                e.set_extra("TenantId", "t-" + std::to_string(i));
                e.set_extra("MachineGroup", "Lab");
                if (i % 4 == 1) e.set_extra("TimeGenerated", "2024-01-02T03:04:06Z");
            }
            written.push_back(e);
        }
    }
    testing::temp_dir dir;
    testing::write_file(dir.path("x.jsonl"), write_all(written));
    auto got = read_all(dir.path("x.jsonl"));
    ASSERT_EQ(got.size(), written.size());
    std::size_t with_kept_extras = 0;
    for (std::size_t i = 0; i < got.size(); ++i) {
        event expected = defender().retain(written[i]);
        ASSERT_EQ(expected, got[i]) << "event " << i << "\n" << testing::diff_events(expected, got[i]);
        EXPECT_EQ(got[i].extra_value("not_a_column"), "");
        with_kept_extras += got[i].extra.size() >= 3;
    }
    EXPECT_EQ(with_kept_extras, got.size()) << "extras were dropped wholesale";
}

TEST(defender_json, malformed_rows_are_record_errors_strict_and_lenient) {
    testing::temp_dir dir;
    const std::string path = dir.path("bad.jsonl");
    testing::write_file(
        path,
        R"({"Timestamp":"2024-05-01T12:00:00Z","ActionType":"ConnectionSuccess","Protocol":"Tcp","RemoteIP":"1.2.3.4"})"
        "\n"
        R"({"Timestamp":"2024-05-01T12:00:00Z","Type":"DeviceFileEvents","ActionType":"FileCreated"})"
        "\n"
        R"({"Timestamp":"2024-05-01T12:00:00Z","ActionType":"ConnectionSuccess","Protocol":"Tcp","RemotePort":"https"})"
        "\n"
        R"({"Timestamp":"2024-05-01T12:00:00Z","ActionType":"ConnectionSuccess","Protocol":"Tcp","DeviceName":42})"
        "\n"
        R"({"Timestamp":"2024-05-01T12:00:00Z","Type":"DeviceEvents","ActionType":"ProcessCreatedUsingWmiQuery"})"
        "\n"
        R"({"Timestamp":"2024-05-01T12:00:00Z","ActionType":"FileCreated","FileName":"a.txt"})"
        "\n"
        R"({"Timestamp":"yesterday","ActionType":"ProcessCreated"})"
        "\n"
        R"(["not","a","row"])"
        "\n"
        R"({"Timestamp":"2024-05-01T12:00:00Z","ActionType":"DnsQueryResponse","AdditionalFields":"{not json"})"
        "\n"
        R"({"Timestamp":"2024-05-01T12:00:00Z","ActionType":"ConnectionSuccess","Protocol":"Tcp","RemotePort":70000})"
        "\n"
        R"({"ActionType":"ProcessCreated","FileName":"a.exe"})"
        "\n"
        R"({"Timestamp":"2024-05-01T12:00:01Z","ActionType":"ProcessCreated","FileName":"b.exe"})"
        "\n"
        R"({"Timestamp":"2024-05-01T12:00:00Z","ActionType":"ConnectionSuccess","Protocol":"Tcp","RemotePort":1e999})"
        "\n"
        R"({"Timestamp":"2024-05-01T12:00:02Z","ActionType":"ProcessCreated")");
    try {
        read_all(path);
        FAIL() << "strict mode accepted a malformed row";
    } catch (const input_error& e) {
        EXPECT_EQ(e.line(), 2u);
        EXPECT_NE(std::string(e.what()).find("bad.jsonl:2:"), std::string::npos) << e.what();
        EXPECT_NE(e.reason().find("DeviceFileEvents"), std::string::npos) << e.reason();
    }

    auto reader = defender().open_reader(path, read_options{.strict = false});
    std::vector<event> good;
    event e;
    while (reader->next(e)) good.push_back(e);
    ASSERT_EQ(good.size(), 2u);
    EXPECT_EQ(good[0].network.destination.ip, "1.2.3.4");
    EXPECT_EQ(good[1].process.image, "b.exe");
    const auto& problems = reader->problems();
    ASSERT_EQ(problems.skipped(), 12u);
    const auto& kept = problems.kept();
    auto reason_at = [&](std::uint64_t line) -> std::string {
        for (const input_error& p : kept)
            if (p.line() == line) return p.reason();
        return "<no problem reported>";
    };
    EXPECT_NE(reason_at(2).find("is not a table defender-json carries"), std::string::npos) << reason_at(2);
    EXPECT_NE(reason_at(3).find("RemotePort"), std::string::npos) << reason_at(3);
    EXPECT_NE(reason_at(4).find("DeviceName"), std::string::npos) << reason_at(4);
    EXPECT_NE(reason_at(5).find("only DnsQueryResponse rows are carried"), std::string::npos) << reason_at(5);
    EXPECT_NE(reason_at(6).find("cannot tell which Defender table"), std::string::npos) << reason_at(6);
    EXPECT_NE(reason_at(7).find("Timestamp"), std::string::npos) << reason_at(7);
    EXPECT_NE(reason_at(8).find("JSON object"), std::string::npos) << reason_at(8);
    EXPECT_NE(reason_at(9).find("AdditionalFields"), std::string::npos) << reason_at(9);
    EXPECT_NE(reason_at(10).find("out of range"), std::string::npos) << reason_at(10);
    EXPECT_NE(reason_at(11).find("missing \"Timestamp\""), std::string::npos) << reason_at(11);
    EXPECT_NE(reason_at(13).find("not valid JSON"), std::string::npos) << reason_at(13);  // a number JSON cannot hold
    EXPECT_NE(reason_at(14).find("truncated"), std::string::npos) << reason_at(14);
}

TEST(defender_json, rows_read_alike_whatever_their_column_order) {
    // The reader matches a row's members to columns in one pass, trying the previous row's order first: rows
    // whose columns come in another order, shifted by other members, or after a byte order mark read the same.
    const std::string golden = golden_text("defender_network_connection_success.jsonl");
    const auto row = nlohmann::ordered_json::parse(golden);
    nlohmann::ordered_json reversed = nlohmann::ordered_json::object(), shifted = nlohmann::ordered_json::object();
    std::vector<std::pair<std::string, nlohmann::ordered_json>> members;
    for (const auto& [key, value] : row.items()) members.emplace_back(key, value);
    for (auto it = members.rbegin(); it != members.rend(); ++it) reversed[it->first] = it->second;
    shifted["SomeNewColumn"] = "x";
    for (const auto& [key, value] : members) shifted[key] = value;
    testing::temp_dir dir;
    testing::write_file(dir.path("orders.jsonl"), "\xEF\xBB\xBF" + golden + reversed.dump() + "\n" + golden +
                                                      shifted.dump() + "\n" + golden);
    auto got = read_all(dir.path("orders.jsonl"));
    ASSERT_EQ(got.size(), 5u);
    const event expected = read_one("defender_network_connection_success.jsonl");
    EXPECT_EQ(expected.network.destination.port, 443);  // not an empty event
    for (std::size_t i : {0u, 1u, 2u, 4u})
        EXPECT_EQ(got[i], expected) << i << "\n" << testing::diff_events(expected, got[i]);
    event with_new_column = expected;
    with_new_column.set_extra("SomeNewColumn", "x");
    EXPECT_EQ(got[3], with_new_column) << testing::diff_events(with_new_column, got[3]);
}

TEST(defender_json, members_of_no_carried_column_are_kept_sorted_by_name_in_canonical_json) {
    // A Sentinel row (Type names the table) with a column of another table, members no table has, a null one and a
    // duplicate: the non-null ones become extras after the columns', sorted by name; JSON values as canonical
    // text (keys sorted); of duplicates the first.
    std::string row = golden_text("defender_sentinel_network_events.jsonl");
    row.erase(row.find_last_of('}'));
    row += R"(,"Zeta":{"b":1,"a":[2.50]},"ProcessIntegrityLevel":"High","Alpha":"first","Nothing":null,)"
           R"("Alpha":"second"})";
    testing::temp_dir dir;
    testing::write_file(dir.path("more.jsonl"), row + "\n");
    auto got = read_all(dir.path("more.jsonl"));
    ASSERT_EQ(got.size(), 1u);
    const auto& extra = got[0].extra;
    ASSERT_GE(extra.size(), 3u);
    const std::vector<std::pair<std::string, std::string>> tail(extra.end() - 3, extra.end());
    const std::vector<std::pair<std::string, std::string>> expected = {
        {"Alpha", "first"}, {"ProcessIntegrityLevel", "High"}, {"Zeta", R"({"a":[2.5],"b":1})"}};
    EXPECT_EQ(tail, expected);
    EXPECT_EQ(got[0].extra_value("Nothing"), "");
    EXPECT_EQ(got[0].extra_value("TenantId"), "0a1b2c3d-1111-2222-3333-444455556666");  // Sentinel's come before
}

TEST(defender_json, refuses_kinds_no_table_carries) {
    event e;
    e.kind = event_kind::network_session;
    testing::temp_dir dir;
    output_file out(dir.path("x.jsonl"));
    auto writer = defender().open_writer(out);
    EXPECT_FALSE(writer->write(e));
    e.kind = event_kind::dns_query;
    EXPECT_TRUE(writer->write(e));
    EXPECT_NE(out.buffer().find(R"("ActionType":"DnsQueryResponse")"), std::string::npos);
}

}  // namespace
}  // namespace sclab::telemetry
