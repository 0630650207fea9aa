// Cloudflare audit logs: a Logpush audit_logs line written by hand from FIDELITY.md §2, the writer's exact
// output, every Logpush timestamp format, API v1 records, malformed records, strict and lenient reading.
#include <gtest/gtest.h>

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

const format_info& cloudflare() { return testing::format_named("cloudflare-audit"); }

constexpr time_ns at_12_10_00 = 1714565400LL * ns_per_second;  // 2024-05-01T12:10:00Z

// The script upload of cloudflare_audit_script_upload.jsonl. ActionType "create" and ResourceType "script"
// for a Workers script upload are *unverified* (the dataset documents the fields, not their values).
event script_upload_event() {
    event e;
    e.kind = event_kind::cloud_audit;
    e.time = at_12_10_00;
    cloud_audit_info& c = e.cloud;
    c.provider = "cloudflare";
    c.success = true;
    c.action = "create";
    c.actor_name = "alice@example.com";
    c.actor_id = "4f2ad9c6b1e24c4e9d0a7b3c5e8f1a2b";
    c.source_ip = "203.0.113.10";
    c.actor_type = "user";
    c.event_id = "6a0d5d8e-3f4b-4c1e-9a7d-2b8c0e1f3a45";
    c.interface_name = "API";
    c.metadata = R"({"script_name":"beacon"})";
    c.account_id = "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d";
    c.resource_id = "beacon";
    c.resource_type = "script";
    return e;
}

std::vector<event> read_text(const std::string& text, read_options options = {}) {
    temp_dir dir;
    write_file(dir.path("in.jsonl"), text);
    return read_events(cloudflare(), dir.path("in.jsonl"), options);
}

TEST(cloudflare_audit, reads_the_golden_logpush_line) {
    auto events = read_events(cloudflare(), sample_path("cloudflare_audit_script_upload.jsonl"));
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(script_upload_event(), events[0]) << testing::diff_events(script_upload_event(), events[0]);
}

TEST(cloudflare_audit, writes_exactly_the_golden_line) {
    EXPECT_EQ(read_file(sample_path("cloudflare_audit_script_upload.jsonl")),
              testing::write_events(cloudflare(), {script_upload_event()}));
}

TEST(cloudflare_audit, a_failed_action_writes_action_result_false) {
    event e = script_upload_event();
    e.cloud.success = false;
    const std::string line = testing::write_events(cloudflare(), {e});
    EXPECT_TRUE(line.starts_with("{\"ActionResult\":false,")) << line;
    auto back = read_text(line);
    ASSERT_EQ(back.size(), 1u);
    EXPECT_FALSE(back[0].cloud.success);
}

TEST(cloudflare_audit, reads_when_in_every_logpush_timestamp_format) {
    const std::string golden = read_file(sample_path("cloudflare_audit_script_upload.jsonl"));
    const std::string when = R"("When":"2024-05-01T12:10:00Z")";
    const std::size_t at = golden.find(when);
    ASSERT_NE(at, std::string::npos);
    const std::vector<std::pair<std::string, time_ns>> cases = {
        {R"("When":1714565400)", at_12_10_00},                                  // unix
        {R"("When":"1714565400")", at_12_10_00},                                // unix, quoted by an exporter
        {R"("When":1714565400123456789)", at_12_10_00 + 123456789},             // unixnano
        {R"("When":"1714565400123456789")", at_12_10_00 + 123456789},
        {R"("When":"2024-05-01T12:10:00.123Z")", at_12_10_00 + 123000000},      // rfc3339ms
        {R"("When":"2024-05-01T12:10:00.123456789Z")", at_12_10_00 + 123456789},  // rfc3339ns
        {R"("When":"2024-05-01T17:40:00+05:30")", at_12_10_00},                 // an offset
        {R"("When":"2024-05-01T07:10:00-05:00")", at_12_10_00},
    };
    for (const auto& [field, expected] : cases) {
        SCOPED_TRACE(field);
        std::string line = golden;
        line.replace(at, when.size(), field);
        auto events = read_text(line);
        ASSERT_EQ(events.size(), 1u);
        EXPECT_EQ(events[0].time, expected);
    }
}

TEST(cloudflare_audit, reads_api_v1_audit_log_records) {
    auto events = read_events(cloudflare(), sample_path("cloudflare_audit_api_v1.jsonl"));
    ASSERT_EQ(events.size(), 1u);
    event expected = script_upload_event();
    expected.cloud.new_value = R"("")";  // the API gives newValue and oldValue as strings
    expected.cloud.old_value = R"("")";
    expected.extra = {{"action.info", R"("script uploaded")"}};
    EXPECT_EQ(expected, events[0]) << testing::diff_events(expected, events[0]);

    // Written as Logpush, the API record keeps what Logpush has no field for.
    const std::string line = testing::write_events(cloudflare(), events);
    EXPECT_NE(line.find(R"("When":"2024-05-01T12:10:00Z","action.info":"script uploaded"})"), std::string::npos) << line;
    auto again = read_text(line);
    ASSERT_EQ(again.size(), 1u);
    EXPECT_EQ(events[0], again[0]) << testing::diff_events(events[0], again[0]);
}

TEST(cloudflare_audit, keeps_unknown_members_in_place) {
    std::string line = read_file(sample_path("cloudflare_audit_script_upload.jsonl"));
    line.insert(line.rfind('}'), R"(,"ZoneName":"example.com")");
    auto events = read_text(line);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].extra_value("ZoneName"), R"("example.com")");
    EXPECT_EQ(testing::write_events(cloudflare(), events), line);
}

TEST(cloudflare_audit, malformed_records_name_the_field_and_the_line) {
    const std::string good = read_file(sample_path("cloudflare_audit_script_upload.jsonl"));
    auto with = [&](std::string_view from, std::string_view to) {
        std::string s = good;
        s.replace(s.find(from), from.size(), to);
        return s;
    };
    const std::string text = good +                                                          // 1
                             with(R"("ActionResult":true)", R"("ActionResult":"maybe")") +   // 2
                             with(R"("When":"2024-05-01T12:10:00Z")", R"("When":1714565400123)") +  // 3: milliseconds
                             with(R"(,"When":"2024-05-01T12:10:00Z")", "") +                 // 4
                             R"({"success":true,"errors":[],"messages":[],"result":[]})" "\n" +  // 5
                             R"({"hello":"world"})" "\n" +                                   // 6
                             with(R"("Metadata":{"script_name":"beacon"})", R"("Metadata":{"script_name":)") +  // 7
                             good;                                                           // 8
    auto lenient_reader = [&] {
        temp_dir dir;
        write_file(dir.path("mixed.jsonl"), text);
        auto reader = cloudflare().open_reader(dir.path("mixed.jsonl"), read_options{.strict = false});
        std::vector<event> got;
        event e;
        while (reader->next(e)) got.push_back(e);
        EXPECT_EQ(got.size(), 2u);
        const std::vector<std::pair<std::uint64_t, std::string>> expected = {
            {2, "field \"ActionResult\" should be true or false"},
            {3, "\"When\" is neither Unix seconds nor Unix nanoseconds: 1714565400123"},
            {4, "missing \"When\""},
            {5, "this is a Cloudflare API response envelope"},
            {6, "not a Cloudflare audit log record"},
            {7, "the record is not closed before the next line starts another"},
        };
        const auto& kept = reader->problems().kept();
        ASSERT_EQ(kept.size(), expected.size());
        for (std::size_t i = 0; i < expected.size(); ++i) {
            EXPECT_EQ(kept[i].line(), expected[i].first) << kept[i].reason();
            EXPECT_TRUE(kept[i].reason().starts_with(expected[i].second)) << kept[i].reason();
        }
    };
    lenient_reader();

    temp_dir dir;
    write_file(dir.path("mixed.jsonl"), text);
    auto strict = cloudflare().open_reader(dir.path("mixed.jsonl"), read_options{});
    event e;
    ASSERT_TRUE(strict->next(e));
    try {
        strict->next(e);
        ADD_FAILURE() << "strict mode took a malformed record";
    } catch (const input_error& error) {
        EXPECT_EQ(error.line(), 2u);
        EXPECT_EQ(error.reason(), "field \"ActionResult\" should be true or false");
    }
}

TEST(cloudflare_audit, a_last_line_cut_mid_record_is_reported) {
    const std::string good = read_file(sample_path("cloudflare_audit_script_upload.jsonl"));
    const std::string text = good + good.substr(0, good.find("\"OwnerID\""));
    auto got = read_text(text, read_options{.strict = false});
    EXPECT_EQ(got.size(), 1u);
    temp_dir dir;
    write_file(dir.path("cut.jsonl"), text);
    auto strict = cloudflare().open_reader(dir.path("cut.jsonl"), read_options{});
    event e;
    ASSERT_TRUE(strict->next(e));
    EXPECT_THROW(strict->next(e), input_error);
}

}  // namespace
}  // namespace sclab::telemetry
