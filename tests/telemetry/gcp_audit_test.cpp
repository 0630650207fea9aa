// Google Cloud audit logs: a CreateFunction Admin Activity entry written by hand from FIDELITY.md §2, the
// writer's exact output, a denied Data Access entry, gcloud's JSON arrays, malformed entries.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "event_diff.hpp"
#include "format_samples.hpp"
#include "telemetry/format.hpp"
#include "telemetry/time_format.hpp"
#include "test_files.hpp"

namespace sclab::telemetry {
namespace {

using testing::read_events;
using testing::read_file;
using testing::sample_path;
using testing::temp_dir;
using testing::write_file;

const format_info& gcp() { return testing::format_named("gcp-audit"); }

constexpr time_ns at_12_15_00 = 1714565700LL * ns_per_second;  // 2024-05-01T12:15:00Z

// The entry of gcp_audit_create_function.jsonl.
event create_function_event() {
    event e;
    e.kind = event_kind::cloud_audit;
    e.time = at_12_15_00 + 123456000;
    cloud_audit_info& c = e.cloud;
    c.provider = "gcp";
    c.actor_name = "alice@example.com";
    c.source_ip = "203.0.113.10";
    c.user_agent = "google-cloud-sdk gcloud/471.0.0 command/gcloud.functions.deploy,gzip(gfe)";
    c.service = "cloudfunctions.googleapis.com";
    c.action = "google.cloud.functions.v1.CloudFunctionsService.CreateFunction";
    c.resource_name = "projects/lab-project/locations/us-central1/functions/beacon";
    c.request_parameters =
        R"({"@type":"type.googleapis.com/google.cloud.functions.v1.CreateFunctionRequest","function":{"entryPoint":"beacon","httpsTrigger":{},"name":"projects/lab-project/locations/us-central1/functions/beacon","runtime":"nodejs20"},"location":"projects/lab-project/locations/us-central1"})";
    c.read_only = false;  // authorizationInfo says ADMIN_WRITE
    c.event_id = "-k2x9q1e2abc";
    c.resource_type = "cloud_function";
    c.account_id = "lab-project";
    c.resource_id = "beacon";
    c.region = "us-central1";
    c.severity = "NOTICE";
    c.category = "activity";
    e.extra = {
        {"protoPayload.authorizationInfo",
         R"([{"granted":true,"permission":"cloudfunctions.functions.create","permissionType":"ADMIN_WRITE","resource":"projects/lab-project/locations/us-central1/functions/beacon"}])"},
        {"protoPayload.resourceLocation", R"({"currentLocations":["us-central1"]})"},
        {"receiveTimestamp", R"("2024-05-01T12:15:01.045872113Z")"},
    };
    return e;
}

std::vector<event> read_text(const std::string& text, read_options options = {}) {
    temp_dir dir;
    write_file(dir.path("in.jsonl"), text);
    return read_events(gcp(), dir.path("in.jsonl"), options);
}

constexpr std::string_view denied_get_function =
    R"({"protoPayload":{"@type":"type.googleapis.com/google.cloud.audit.AuditLog","status":{"code":7,"message":"Permission 'cloudfunctions.functions.get' denied on resource 'projects/lab-project/locations/us-central1/functions/beacon' (or resource may not exist)."},)"
    R"("authenticationInfo":{"principalEmail":"mallory@example.com"},"requestMetadata":{"callerIp":"198.51.100.7","callerSuppliedUserAgent":"curl/8.5.0"},)"
    R"("serviceName":"cloudfunctions.googleapis.com","methodName":"google.cloud.functions.v1.CloudFunctionsService.GetFunction",)"
    R"("authorizationInfo":[{"permission":"cloudfunctions.functions.get","permissionType":"ADMIN_READ"}],"resourceName":"projects/lab-project/locations/us-central1/functions/beacon"},)"
    R"("insertId":"1x2y3z","resource":{"type":"cloud_function","labels":{"project_id":"lab-project","function_name":"beacon","region":"us-central1"}},)"
    R"("timestamp":"2024-05-01T12:20:00Z","severity":"ERROR","logName":"projects/lab-project/logs/cloudaudit.googleapis.com%2Fdata_access","receiveTimestamp":"2024-05-01T12:20:00.5Z"})"
    "\n";

TEST(gcp_audit, reads_the_golden_create_function_entry) {
    auto events = read_events(gcp(), sample_path("gcp_audit_create_function.jsonl"));
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(create_function_event(), events[0]) << testing::diff_events(create_function_event(), events[0]);
}

TEST(gcp_audit, writes_exactly_the_golden_line) {
    EXPECT_EQ(read_file(sample_path("gcp_audit_create_function.jsonl")),
              testing::write_events(gcp(), {create_function_event()}));
}

TEST(gcp_audit, a_denied_data_access_entry_is_a_failure_in_the_data_access_log) {
    auto events = read_text(std::string(denied_get_function));
    ASSERT_EQ(events.size(), 1u);
    const cloud_audit_info& c = events[0].cloud;
    EXPECT_FALSE(c.success);
    EXPECT_EQ(c.error_code, "7");  // google.rpc.Code PERMISSION_DENIED
    EXPECT_TRUE(c.error_message.starts_with("Permission 'cloudfunctions.functions.get' denied"));
    EXPECT_EQ(c.category, "data_access");
    EXPECT_EQ(c.read_only, std::optional<bool>(true));
    EXPECT_EQ(c.severity, "ERROR");
    EXPECT_EQ(c.actor_name, "mallory@example.com");
    EXPECT_EQ(events[0].time, at_12_15_00 + 300 * ns_per_second);
    // Written again: the same entry (the writer's time has protobuf's 0/3/6/9 digits, as Google's has).
    const std::string rewritten = testing::write_events(gcp(), events);
    EXPECT_EQ(nlohmann::json::parse(denied_get_function), nlohmann::json::parse(rewritten));
}

TEST(gcp_audit, writes_the_log_name_from_project_and_category) {
    event e = create_function_event();
    e.extra.clear();
    e.cloud.category = "data_access";
    e.time = at_12_15_00;
    const std::string line = testing::write_events(gcp(), {e});
    EXPECT_NE(line.find(R"("timestamp":"2024-05-01T12:15:00Z","severity":"NOTICE","logName":"projects/lab-project/logs/cloudaudit.googleapis.com%2Fdata_access","receiveTimestamp":"2024-05-01T12:15:00Z"})"),
              std::string::npos)
        << line;
    e.cloud.category.clear();  // no category: the Admin Activity log, which is always on
    EXPECT_NE(testing::write_events(gcp(), {e}).find("cloudaudit.googleapis.com%2Factivity"), std::string::npos);
}

TEST(gcp_audit, a_log_name_spelled_differently_survives) {
    std::string line = read_file(sample_path("gcp_audit_create_function.jsonl"));
    const std::string encoded = "cloudaudit.googleapis.com%2Factivity";
    line.replace(line.find(encoded), encoded.size(), "cloudaudit.googleapis.com/activity");
    auto events = read_text(line);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].cloud.category, "activity");
    EXPECT_EQ(testing::write_events(gcp(), events), line);
}

TEST(gcp_audit, reads_gcloud_json_arrays) {
    const nlohmann::json entries = {nlohmann::json::parse(read_file(sample_path("gcp_audit_create_function.jsonl"))),
                                    nlohmann::json::parse(denied_get_function)};
    auto events = read_text(entries.dump(2) + "\n");  // gcloud logging read --format=json pretty-prints an array
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(create_function_event(), events[0]) << testing::diff_events(create_function_event(), events[0]);
    EXPECT_EQ(events[1].cloud.error_code, "7");
}

TEST(gcp_audit, entries_that_are_no_audit_log_are_rejected_with_the_reason) {
    const std::string good = read_file(sample_path("gcp_audit_create_function.jsonl"));
    std::string other_payload = good;
    const std::string type = "type.googleapis.com/google.cloud.audit.AuditLog";
    other_payload.replace(other_payload.find(type), type.size(), "type.googleapis.com/google.cloud.run.v1.Log");
    std::string bad_time = good;
    bad_time.replace(bad_time.find("2024-05-01T12:15:00.123456Z"), 27, "2024-05-01 12:15:00");
    const std::string text = good + other_payload + R"({"textPayload":"hello","timestamp":"2024-05-01T12:15:00Z"})" "\n" +
                             bad_time + R"({"protoPayload":{"@type":"type.googleapis.com/google.cloud.audit.AuditLog","status":{"code":"seven"}},"timestamp":"2024-05-01T12:15:00Z"})" "\n" + good;
    temp_dir dir;
    write_file(dir.path("mixed.jsonl"), text);
    auto lenient = gcp().open_reader(dir.path("mixed.jsonl"), read_options{.strict = false});
    event e;
    std::size_t n = 0;
    while (lenient->next(e)) ++n;
    EXPECT_EQ(n, 2u);
    const std::vector<std::pair<std::uint64_t, std::string>> expected = {
        {2, "protoPayload \"@type\" is \"type.googleapis.com/google.cloud.run.v1.Log\", not "
            "type.googleapis.com/google.cloud.audit.AuditLog: not a Cloud Audit Logs entry"},
        {3, "no \"protoPayload\": not a Cloud Audit Logs entry"},
        {4, "\"timestamp\" is not an RFC 3339 time: 2024-05-01 12:15:00"},
        {5, "field \"code\" should be an integer"},
    };
    const auto& kept = lenient->problems().kept();
    ASSERT_EQ(kept.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        EXPECT_EQ(kept[i].line(), expected[i].first);
        EXPECT_EQ(kept[i].reason(), expected[i].second);
    }
    auto strict = gcp().open_reader(dir.path("mixed.jsonl"), read_options{});
    ASSERT_TRUE(strict->next(e));
    EXPECT_THROW(strict->next(e), input_error);
}

}  // namespace
}  // namespace sclab::telemetry
