// The network-side logs: which records go to which file, the run id only in ECS, no secret in clear, whole
// records under concurrency, and flushing while running and at close.
#include "emulators/network_logs.hpp"

#include <chrono>
#include <filesystem>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "emulators/request_records.hpp"

#include "telemetry/format.hpp"
#include "telemetry/time_format.hpp"
#include "tests/telemetry/test_files.hpp"

namespace sclab::emulators {
namespace {

using telemetry::event;
using telemetry::event_kind;
using telemetry::testing::read_file;
using telemetry::testing::temp_dir;

event request_event(int n, std::string run_id = "run-1") {
    event e;
    e.kind = event_kind::http_request;
    e.time = 1'700'000'000'000'000'000 + std::int64_t{n} * 1'000'000;
    e.run_id = std::move(run_id);
    e.network.transport = "tcp";
    e.network.protocol = "https";
    e.network.source = {"10.0.0.5", 50000, "", ""};
    e.network.destination = {"127.0.0.1", 8443, "beacon.acme.workers.dev", ""};
    e.network.server_name = "beacon.acme.workers.dev";
    e.network.bytes_sent = 200;
    e.network.bytes_received = 300;
    e.network.duration = 1'000'000;
    e.http.method = "GET";
    e.http.url = "https://beacon.acme.workers.dev/task/" + std::to_string(n);
    e.http.status = 200;
    e.http.user_agent = "curl/8.4.0";
    e.http.content_type = "text/plain";
    return e;
}

event connection_record(int n) {
    event e = request_event(n, "");
    e.kind = event_kind::network_session;
    e.http = {};
    e.network.session_id = std::to_string(n);
    return e;
}

event audit_event(std::string provider, int n) {
    event e;
    e.kind = event_kind::cloud_audit;
    e.time = 1'700'000'000'000'000'000 + n;
    e.run_id = "run-audit";
    e.cloud.provider = std::move(provider);
    e.cloud.action = "GetFunction20150331";
    e.cloud.service = "lambda.amazonaws.com";
    e.cloud.source_ip = "10.0.0.5";
    e.cloud.account_id = "123456789012";
    e.cloud.request_id = "req-" + std::to_string(n);
    e.cloud.event_id = "evt-" + std::to_string(n);
    return e;
}

std::vector<event> read_back(const std::string& format, const std::string& path) {
    const telemetry::format_info* f = telemetry::find_format(format);
    std::vector<event> out;
    auto reader = f->open_reader(path, telemetry::read_options{});
    event e;
    while (reader->next(e)) out.push_back(e);
    return out;
}

std::size_t count_lines(const std::string& text) { return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')); }

network_log_options options_for(const temp_dir& dir, std::vector<std::string>* warnings = nullptr) {
    network_log_options o;
    o.directory = dir.root() / "logs";
    o.flush_interval = std::chrono::milliseconds(50);
    o.warn = [warnings](const std::string& line) {
        if (warnings) warnings->push_back(line);
    };
    return o;
}

TEST(NetworkLogs, AccessRecordsGoToEcsWithTheRunId) {
    temp_dir dir;
    network_logs logs(options_for(dir));
    logs.emit(request_event(1, "run-A"));
    logs.emit(request_event(2, "run-B"));
    logs.close();
    auto events = read_back("ecs-json", logs.path_of("ecs-json", event_kind::http_request));
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].run_id, "run-A");
    EXPECT_EQ(events[1].run_id, "run-B");
    EXPECT_EQ(events[0].http.url, "https://beacon.acme.workers.dev/task/1");
    EXPECT_EQ(events[0].network.bytes_sent, 200u);
    EXPECT_EQ(events[0].kind, event_kind::http_request);
}

TEST(NetworkLogs, RunIdAppearsOnlyInTheEcsFiles) {
    temp_dir dir;
    network_logs logs(options_for(dir));
    for (int i = 0; i < 5; ++i) {
        logs.emit(request_event(i, "RUNMARK-7f3a"));
        logs.emit(connection_record(i));
        event a = audit_event(i % 2 ? "aws" : "gcp", i);
        a.run_id = "RUNMARK-7f3a";
        logs.emit(a);
    }
    logs.close();
    int ecs_files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir.root() / "logs")) {
        std::string name = entry.path().filename().string();
        std::string text = read_file(entry.path().string());
        if (name.ends_with(".ecs.jsonl")) {
            ++ecs_files;
            EXPECT_NE(text.find("RUNMARK-7f3a"), std::string::npos) << name;
        } else {
            EXPECT_EQ(text.find("RUNMARK-7f3a"), std::string::npos) << name << " carries the run id";
        }
    }
    EXPECT_EQ(ecs_files, 2);  // access and audit
}

TEST(NetworkLogs, LabSecretsNeverReachAFileInClear) {
    temp_dir dir;
    network_log_options o = options_for(dir);
    o.secrets = {"cf-api-token-4f9a8b7c6d5e", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"};
    network_logs logs(o);
    event req = request_event(1);
    req.http.user_agent = "tool/1.0 cf-api-token-4f9a8b7c6d5e";
    req.http.url = "https://x.workers.dev/?t=cf-api-token-4f9a8b7c6d5e";
    logs.emit(req);
    event audit = audit_event("aws", 1);
    audit.cloud.request_parameters = R"({"secret":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"})";
    logs.emit(audit);
    logs.close();
    for (const auto& entry : std::filesystem::directory_iterator(dir.root() / "logs")) {
        std::string text = read_file(entry.path().string());
        EXPECT_EQ(text.find("cf-api-token-4f9a8b7c6d5e"), std::string::npos) << entry.path();
        EXPECT_EQ(text.find("wJalrXUtnFEMI"), std::string::npos) << entry.path();
    }
    EXPECT_NE(read_file(logs.path_of("ecs-json", event_kind::http_request)).find("REDACTED"), std::string::npos);
}

TEST(NetworkLogs, RecordsBecomeVisibleWithinTheFlushIntervalWhileRunning) {
    temp_dir dir;
    network_logs logs(options_for(dir));
    logs.emit(request_event(1));
    const std::string path = logs.path_of("ecs-json", event_kind::http_request);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    std::string text;
    while (std::chrono::steady_clock::now() < deadline) {
        text = read_file(path);
        if (!text.empty()) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_EQ(count_lines(text), 1u) << "not flushed within 2 s with a 50 ms interval";
    EXPECT_EQ(text.back(), '\n');
}

TEST(NetworkLogs, ConcurrentWritersLeaveWholeRecords) {
    temp_dir dir;
    network_logs logs(options_for(dir));
    constexpr int threads = 8, per_thread = 2000;
    std::vector<std::thread> writers;
    for (int t = 0; t < threads; ++t)
        writers.emplace_back([&, t] {
            for (int i = 0; i < per_thread; ++i) logs.emit(request_event(t * per_thread + i));
        });
    for (auto& w : writers) w.join();
    logs.close();
    auto events = read_back("ecs-json", logs.path_of("ecs-json", event_kind::http_request));  // strict: no cut line
    ASSERT_EQ(events.size(), static_cast<std::size_t>(threads * per_thread));
    std::vector<bool> seen(threads * per_thread);
    for (const auto& e : events) {
        int n = std::stoi(e.http.url.substr(e.http.url.rfind('/') + 1));
        EXPECT_FALSE(seen[n]) << "twice: " << n;
        seen[n] = true;
    }
}

TEST(NetworkLogs, AuditRecordsByProvider) {
    temp_dir dir;
    network_logs logs(options_for(dir));
    for (int i = 0; i < 3; ++i) logs.emit(audit_event("aws", i));
    logs.emit(audit_event("cloudflare", 10));
    logs.emit(audit_event("gcp", 20));
    logs.emit(audit_event("gcp", 21));
    logs.close();
    EXPECT_EQ(read_back("ecs-json", logs.path_of("ecs-json", event_kind::cloud_audit)).size(), 6u);
    struct expectation {
        const char* format;
        std::size_t records;
    };
    for (expectation x : {expectation{"cloudtrail", 3}, expectation{"cloudflare-audit", 1}, expectation{"gcp-audit", 2}}) {
        std::string path = logs.path_of(x.format, event_kind::cloud_audit);
        if (path.empty()) {
            EXPECT_NE(std::find(logs.missing_formats().begin(), logs.missing_formats().end(), x.format),
                      logs.missing_formats().end());
            continue;
        }
        EXPECT_EQ(count_lines(read_file(path)), x.records) << path << ": one record per line";
        EXPECT_EQ(read_back(x.format, path).size(), x.records) << path;
    }
}

TEST(NetworkLogs, ConnectionRecordsGoToTheFlowLogsOnly) {
    temp_dir dir;
    network_logs logs(options_for(dir));
    logs.emit(connection_record(1));
    logs.emit(connection_record(2));
    logs.close();
    EXPECT_EQ(count_lines(read_file(logs.path_of("ecs-json", event_kind::http_request))), 0u);
    for (const char* format : {"panos-traffic", "zeek-conn"}) {
        std::string path = logs.path_of(format, event_kind::network_session);
        if (path.empty()) continue;  // not in this build (reported by missing_formats)
        auto events = read_back(format, path);
        ASSERT_EQ(events.size(), 2u) << format;
        EXPECT_EQ(events[0].network.bytes_sent, 200u) << format;
        EXPECT_EQ(events[1].network.bytes_received, 300u) << format;
    }
}

// Each sensor's own conventions: Squid logs at completion with TCP_MISS, PAN-OS writes "end" logs whose
// Generated Time is the session's end and whose action is allow, Zeek has conn_state SF and uids like C...
TEST(NetworkLogs, SensorsRecordInTheirOwnWay) {
    temp_dir dir;
    network_logs logs(options_for(dir));
    event request = request_event(1);
    request.network.duration = 2'000'000'000;
    logs.emit(request);
    event connection = connection_record(7);
    connection.network.duration = 3'000'000'000;
    logs.emit(connection);
    logs.close();
    auto read_one = [&](const char* format, event_kind kind) -> std::optional<event> {
        std::string path = logs.path_of(format, kind);
        if (path.empty()) return std::nullopt;  // not in this build
        auto events = read_back(format, path);
        EXPECT_EQ(events.size(), 1u) << format;
        return events.empty() ? std::nullopt : std::optional<event>(events[0]);
    };
    if (auto squid = read_one("squid", event_kind::http_request)) {
        EXPECT_EQ(squid->time, request.time + 2'000'000'000);
        EXPECT_EQ(squid->network.action, "TCP_MISS");
        EXPECT_EQ(squid->http.status, 200);
    }
    if (auto leef = read_one("leef", event_kind::http_request)) {
        EXPECT_EQ(leef->network.action, "TCP_MISS");
        EXPECT_EQ(leef->time, request.time);  // Squid's completion time (the log before) does not carry over
    }
    if (auto panos = read_one("panos-traffic", event_kind::network_session)) {
        // PAN-OS times have whole seconds.
        EXPECT_EQ(panos->time, telemetry::truncate_time(connection.time + 3'000'000'000, telemetry::ns_per_second));
        EXPECT_EQ(panos->network.action, "allow");
        EXPECT_EQ(panos->network.session_id, "7");
        EXPECT_EQ(panos->extra_value("session_end_reason"), "tcp-fin");
    }
    if (auto zeek = read_one("zeek-conn", event_kind::network_session)) {
        EXPECT_EQ(zeek->time, connection.time);  // ts: the connection's first packet
        EXPECT_EQ(zeek->network.action, "SF");
        ASSERT_EQ(zeek->network.session_id.size(), 18u);
        EXPECT_EQ(zeek->network.session_id[0], 'C');
        EXPECT_EQ(zeek->network.session_id.find_first_not_of(
                      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"),
                  std::string::npos);
    }
    // The ECS record is the server's own view: start time, no vendor result code.
    auto ecs = read_back("ecs-json", logs.path_of("ecs-json", event_kind::http_request));
    ASSERT_EQ(ecs.size(), 1u);
    EXPECT_EQ(ecs[0].time, request.time);
    EXPECT_EQ(ecs[0].network.action, "");
}

// A connection the server reset (refused at the connection cap) ends as a reset in both flow logs; the next,
// ordinary connection does not inherit it.
TEST(NetworkLogs, AServerResetIsRecordedAsSuchByPanosAndZeek) {
    temp_dir dir;
    network_logs logs(options_for(dir));
    event reset = connection_record(8);
    reset.set_extra("session_end_reason", "tcp-rst-from-server");
    logs.emit(reset);
    logs.emit(connection_record(9));
    logs.close();
    auto panos = read_back("panos-traffic", logs.path_of("panos-traffic", event_kind::network_session));
    ASSERT_EQ(panos.size(), 2u);
    EXPECT_EQ(panos[0].extra_value("session_end_reason"), "tcp-rst-from-server");
    EXPECT_EQ(panos[1].extra_value("session_end_reason"), "tcp-fin");
    auto zeek = read_back("zeek-conn", logs.path_of("zeek-conn", event_kind::network_session));
    ASSERT_EQ(zeek.size(), 2u);
    EXPECT_EQ(zeek[0].network.action, "RSTR");
    EXPECT_EQ(zeek[1].network.action, "SF");
}

// emit() builds the sensors' records in one scratch event per thread: nothing of one event may reach the next.
TEST(NetworkLogs, EachRecordStartsFromItsOwnEvent) {
    temp_dir dir;
    network_logs logs(options_for(dir));
    event denied = request_event(1);
    denied.network.action = "TCP_DENIED";
    denied.network.duration = 5'000'000'000;
    logs.emit(denied);
    event plain = request_event(2, "");  // no run id, no action, no duration
    plain.network.duration.reset();
    logs.emit(plain);
    logs.close();
    const std::string squid_path = logs.path_of("squid", event_kind::http_request);
    if (squid_path.empty()) GTEST_SKIP() << "no squid writer in this build";
    auto squid = read_back("squid", squid_path);
    ASSERT_EQ(squid.size(), 2u);
    EXPECT_EQ(squid[0].network.action, "TCP_DENIED");
    EXPECT_EQ(squid[0].time, denied.time + 5'000'000'000);
    EXPECT_EQ(squid[1].network.action, "TCP_MISS");
    EXPECT_EQ(squid[1].time, plain.time);
    auto ecs = read_back("ecs-json", logs.path_of("ecs-json", event_kind::http_request));
    ASSERT_EQ(ecs.size(), 2u);
    EXPECT_EQ(ecs[0].run_id, "run-1");
    EXPECT_EQ(ecs[1].run_id, "");
}

// The columns of the one record line of a CSV log with no quoting in it (0-based).
std::vector<std::string> csv_columns(const std::string& text) {
    std::vector<std::string> columns;
    std::stringstream line(text.substr(0, text.find('\n')));
    std::string column;
    while (std::getline(line, column, ',')) columns.push_back(column);
    return columns;
}

// PAN-OS TRAFFIC columns 12 Rule, 17 Source Zone, 18 Destination Zone, 19 Inbound Interface, 20 Outbound
// Interface, 21 Log Action (FIDELITY.md; 1-based), as a lab firewall fills them.
// Writes one connection with `options` and returns the PAN-OS TRAFFIC file (empty: no such writer in this build).
std::string panos_file_of_one_connection(const network_log_options& options) {
    network_logs logs(options);
    logs.emit(connection_record(1));
    logs.close();
    return logs.path_of("panos-traffic", event_kind::network_session);
}

TEST(NetworkLogs, FirewallRuleZonesAndInterfacesHaveLabDefaults) {
    temp_dir dir;
    const std::string path = panos_file_of_one_connection(options_for(dir));
    if (path.empty()) GTEST_SKIP() << "no panos-traffic writer in this build";
    std::vector<std::string> columns = csv_columns(read_file(path));
    ASSERT_GE(columns.size(), 40u);
    EXPECT_EQ(columns[11], "allow-web-egress");
    EXPECT_EQ(columns[16], "trust");
    EXPECT_EQ(columns[17], "untrust");
    EXPECT_EQ(columns[18], "ethernet1/2");
    EXPECT_EQ(columns[19], "ethernet1/1");
    EXPECT_EQ(columns[20], "default");
    auto events = read_back("panos-traffic", path);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].extra_value("rule"), "allow-web-egress");
    EXPECT_EQ(events[0].extra_value("logset"), "default");
}

TEST(NetworkLogs, FirewallSettingsComeFromTheLabFile) {
    temp_dir dir;
    const std::string lab_path = dir.path("lab.json");
    telemetry::testing::write_file(lab_path, R"({"name": "fw", "sensors": {"firewall": {
        "rule": "C2 egress test", "from_zone": "corp-lan", "to_zone": "internet",
        "inbound_interface": "ae1.100", "outbound_interface": "ethernet1/3", "log_forwarding_profile": "to-qradar"}}})");
    network_log_options o = options_for(dir);
    o.sensors = load_lab_config(lab_path).sensors;
    const std::string path = panos_file_of_one_connection(o);
    if (path.empty()) GTEST_SKIP() << "no panos-traffic writer in this build";
    std::vector<std::string> columns = csv_columns(read_file(path));
    ASSERT_GE(columns.size(), 40u);
    EXPECT_EQ(columns[11], "C2 egress test");
    EXPECT_EQ(columns[16], "corp-lan");
    EXPECT_EQ(columns[17], "internet");
    EXPECT_EQ(columns[18], "ae1.100");
    EXPECT_EQ(columns[19], "ethernet1/3");
    EXPECT_EQ(columns[20], "to-qradar");
}

// conn.log: history as the server saw the connection, conn_state from how it ended; PAN-OS the matching reason.
TEST(NetworkLogs, ZeekHistoryAndStateFollowHowTheConnectionEnded) {
    temp_dir dir;
    network_logs logs(options_for(dir));
    connection_info conn{"10.0.0.5", 50000, "127.0.0.1", 8443, "beacon.acme.workers.dev", 1, 1'700'000'000'000'000'000};
    connection_facts facts;
    facts.closed_at = conn.connected_at + 1'000'000'000;
    facts.bytes_from_client = 900;
    facts.bytes_to_client = 2400;
    facts.tls_established = true;
    for (connection_close c : {connection_close::client_first, connection_close::server_first, connection_close::client_reset}) {
        facts.closed_first = c;
        ++conn.connection_id;
        logs.emit(connection_event(conn, facts));
    }
    connection_facts refused;
    refused.refused_at_cap = true;
    ++conn.connection_id;
    logs.emit(connection_event(conn, refused));
    logs.close();

    const std::string zeek_path = logs.path_of("zeek-conn", event_kind::network_session);
    if (zeek_path.empty()) GTEST_SKIP() << "no zeek-conn writer in this build";
    auto zeek = read_back("zeek-conn", zeek_path);
    ASSERT_EQ(zeek.size(), 4u);
    EXPECT_EQ(zeek[0].extra_value("history"), "ShADadFf");
    EXPECT_EQ(zeek[0].network.action, "SF");
    EXPECT_EQ(zeek[1].extra_value("history"), "ShADadfF");
    EXPECT_EQ(zeek[1].network.action, "SF");
    EXPECT_EQ(zeek[2].extra_value("history"), "ShADadR");
    EXPECT_EQ(zeek[2].network.action, "RSTO");
    EXPECT_EQ(zeek[3].extra_value("history"), "ShAr");
    EXPECT_EQ(zeek[3].network.action, "RSTR");
    EXPECT_NE(read_file(zeek_path).find("\tShADadFf\t"), std::string::npos) << "the history column as written";

    auto panos = read_back("panos-traffic", logs.path_of("panos-traffic", event_kind::network_session));
    ASSERT_EQ(panos.size(), 4u);
    EXPECT_EQ(panos[0].extra_value("session_end_reason"), "tcp-fin");
    EXPECT_EQ(panos[1].extra_value("session_end_reason"), "tcp-fin");
    EXPECT_EQ(panos[2].extra_value("session_end_reason"), "tcp-rst-from-client");
    EXPECT_EQ(panos[3].extra_value("session_end_reason"), "tcp-rst-from-server");
}

// QRadar's proxy DSMs put a web request in Event Category WebProxy, not LEEF's network session default.
TEST(NetworkLogs, LeefAccessRecordsAreWebProxyEvents) {
    temp_dir dir;
    network_logs logs(options_for(dir));
    logs.emit(request_event(1));
    event own = request_event(2);
    own.set_extra("cat", "proxy-custom");  // a category the event brings is kept
    logs.emit(own);
    logs.emit(request_event(3));  // and does not stick to the next record
    logs.close();
    const std::string path = logs.path_of("leef", event_kind::http_request);
    if (path.empty()) GTEST_SKIP() << "no leef writer in this build";
    const std::string text = read_file(path);
    EXPECT_NE(text.find("|TCP_MISS|x09|"), std::string::npos) << text;
    EXPECT_NE(text.find("\tcat=WebProxy\t"), std::string::npos) << text;
    EXPECT_EQ(text.find("cat=network_session"), std::string::npos) << text;
    auto events = read_back("leef", path);
    ASSERT_EQ(events.size(), 3u);
    EXPECT_EQ(events[0].extra_value("cat"), "WebProxy");
    EXPECT_EQ(events[1].extra_value("cat"), "proxy-custom");
    EXPECT_EQ(events[2].extra_value("cat"), "WebProxy");
    // The ECS record is the server's own: no vendor category.
    auto ecs = read_back("ecs-json", logs.path_of("ecs-json", event_kind::http_request));
    ASSERT_EQ(ecs.size(), 3u);
    EXPECT_EQ(ecs[0].extra_value("cat"), "");
}

TEST(NetworkLogs, ReportsMissingFormatsOnceAndSkipsThem) {
    temp_dir dir;
    std::vector<std::string> warnings;
    network_logs logs(options_for(dir, &warnings));
    for (const std::string& name : logs.missing_formats()) {
        EXPECT_EQ(telemetry::find_format(name), nullptr);
        ASSERT_EQ(warnings.size(), 1u);
        EXPECT_NE(warnings[0].find(name), std::string::npos);
    }
    if (logs.missing_formats().empty()) {
        EXPECT_TRUE(warnings.empty());
    }
}

TEST(NetworkLogs, EventsAfterCloseAreDroppedAndCounted) {
    temp_dir dir;
    network_logs logs(options_for(dir));
    logs.emit(request_event(1));
    logs.close();
    logs.emit(request_event(2));
    EXPECT_EQ(logs.dropped_events(), 1u);
    EXPECT_EQ(count_lines(read_file(logs.path_of("ecs-json", event_kind::http_request))), 1u);
}

TEST(NetworkLogs, AppendsAcrossRuns) {
    temp_dir dir;
    {
        network_logs logs(options_for(dir));
        logs.emit(request_event(1));
    }
    network_logs logs(options_for(dir));
    logs.emit(request_event(2));
    logs.close();
    EXPECT_EQ(read_back("ecs-json", logs.path_of("ecs-json", event_kind::http_request)).size(), 2u);
}

// The server's own hand-over (emit_access, emit_connection: the writer builds the events, from slots reused
// record after record) writes exactly what emitting the built events writes. Requests that differ in what
// they carry (User-Agent or none, run id or none, content type, request id) follow one another, so a field left
// over from a slot's previous record would show.
TEST(NetworkLogs, TheServersHandOverWritesWhatTheBuiltEventsWrite) {
    temp_dir handed_dir, built_dir;
    network_logs handed(options_for(handed_dir));
    network_logs built(options_for(built_dir));
    connection_info conn{"10.0.0.5", 50000, "127.0.0.1", 8443, "beacon.acme.workers.dev", 7, 1'700'000'000'000'000'000};
    for (int i = 0; i < 600; ++i) {  // several batches: slots are refilled
        request req(i % 3 == 0 ? http::verb::post : http::verb::get, "/check-in/" + std::to_string(i), 11);
        req.set(http::field::host, "beacon.acme.workers.dev");
        if (i % 2 == 0) req.set(http::field::user_agent, "curl/8.5." + std::to_string(i));
        if (i % 5 == 0) req.set(run_id_header, "run-" + std::to_string(i));
        req.body() = std::string(static_cast<std::size_t>(i), 'b');
        response res(i % 7 == 0 ? http::status::not_found : http::status::ok, 11);
        if (i % 4 != 0) res.set(http::field::content_type, "text/plain");
        if (i % 3 != 0) res.set("CF-RAY", "81a0cfa8cfc1" + std::to_string(1000 + i) + "-LHR");
        res.body() = "task";
        exchange_facts facts;
        facts.started = conn.connected_at + i * 1'000'000;
        facts.elapsed = 250'000 + i;
        facts.request_bytes = 100 + static_cast<std::uint64_t>(i);
        facts.response_bytes = 200 + static_cast<std::uint64_t>(i);
        built.emit(access_event(conn, "beacon.acme.workers.dev", req, res, facts));
        handed.emit_access(conn, "beacon.acme.workers.dev", req, res, facts);
        if (i % 50 == 49) {
            connection_facts closed;
            closed.closed_at = facts.started + 5'000'000;
            closed.bytes_from_client = 1000 + static_cast<std::uint64_t>(i);
            closed.bytes_to_client = 3000 + static_cast<std::uint64_t>(i);
            closed.tls_established = i % 100 == 49;
            closed.closed_first = i % 100 == 49 ? connection_close::client_first : connection_close::server_first;
            built.emit(connection_event(conn, closed));
            handed.emit_connection(conn, closed);
            ++conn.connection_id;
            conn.sni = i % 100 == 49 ? "" : "beacon.acme.workers.dev";
        }
        if (i % 97 == 0) handed.flush();  // the writer takes a batch here, then producers refill its slots
    }
    handed.close();
    built.close();
    std::size_t compared = 0;
    for (const auto& entry : std::filesystem::directory_iterator(built_dir.root() / "logs")) {
        const std::string name = entry.path().filename().string();
        const std::string expected = read_file(entry.path().string());
        EXPECT_EQ(read_file((handed_dir.root() / "logs" / name).string()), expected) << name;
        if (!expected.empty()) ++compared;
    }
    EXPECT_GE(compared, 5u) << "the three access logs and the two flow logs";
}

}  // namespace
}  // namespace sclab::emulators
