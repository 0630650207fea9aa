// ECS is the hub: it must keep every field, vendor extras included, and read ECS from other producers.
#include <gtest/gtest.h>

#include "event_diff.hpp"
#include "random_events.hpp"
#include "telemetry/format.hpp"
#include "test_files.hpp"

namespace sclab::telemetry {
namespace {

const format_info& ecs() { return *find_format("ecs-json"); }

std::vector<event> read_all(const std::string& path, read_options options = {}) {
    auto reader = ecs().open_reader(path, options);
    std::vector<event> out;
    event e;
    while (reader->next(e)) out.push_back(e);
    return out;
}

TEST(ecs_json, keeps_vendor_extras_and_every_field_of_every_kind) {
    seeded_random rng(11);
    testing::temp_dir dir;
    std::vector<event> written;
    for (int k = 0; k < event_kind_count; ++k)
        for (int i = 0; i < 20; ++i)
            written.push_back(testing::random_event(static_cast<event_kind>(k), rng,
                                                    {.style = testing::text_style::rich, .with_extras = true}));
    {
        output_file out(dir.path("x.jsonl"));
        auto w = ecs().open_writer(out);
        for (const event& e : written) w->write(e);
        w->finish();
        out.commit();
    }
    auto got = read_all(dir.path("x.jsonl"));
    ASSERT_EQ(got.size(), written.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        event expected = ecs().retain(written[i]);
        ASSERT_EQ(expected, got[i]) << testing::diff_events(expected, got[i]);
        // Nothing is dropped: every vendor extra comes back, in order.
        EXPECT_EQ(written[i].extra.size(), got[i].extra.size());
    }
}

TEST(ecs_json, writes_standard_ecs_names) {
    event e;
    e.kind = event_kind::network_connection;
    e.time = 1673450985832287400;  // 2023-01-11T15:29:45.8322874Z
    e.host = "WS01";
    e.user = "CORP\\alice";
    e.process.image = "C:\\Windows\\System32\\curl.exe";
    e.process.pid = 4242;
    e.network.transport = "tcp";
    e.network.destination.ip = "104.16.1.1";
    e.network.destination.port = 443;
    e.network.server_name = "beacon.argustest.workers.dev";
    testing::temp_dir dir;
    {
        output_file out(dir.path("one.jsonl"));
        ecs().open_writer(out)->write(e);
        out.commit();
    }
    EXPECT_EQ(testing::read_file(dir.path("one.jsonl")),
              R"({"@timestamp":"2023-01-11T15:29:45.832287400Z","event":{"kind":"event","category":"network","type":"connection","dataset":"sclab.network_connection"},)"
              R"("host":{"name":"WS01"},"user":{"domain":"CORP","name":"alice"},)"
              R"("process":{"pid":4242,"executable":"C:\\Windows\\System32\\curl.exe","name":"curl.exe"},)"
              R"("destination":{"ip":"104.16.1.1","port":443},"network":{"transport":"tcp"},)"
              R"("tls":{"client":{"server_name":"beacon.argustest.workers.dev"}}})"
              "\n");
}

TEST(ecs_json, reads_ecs_from_another_producer_by_category) {
    testing::temp_dir dir;
    testing::write_file(dir.path("elastic.jsonl"),
                        R"({"@timestamp":"2024-05-01T12:00:00.123Z","event":{"category":["process"],"type":["start"]},"process":{"pid":7,"executable":"C:\\x\\pwsh.exe","command_line":"pwsh -c 1","parent":{"executable":"C:\\x\\cmd.exe"}},"host":{"name":"h1"}})"
                        "\n"
                        R"({"@timestamp":"2024-05-01T12:00:01Z","event":{"category":"network"},"dns":{"question":{"name":"a.workers.dev","type":"A"}}})"
                        "\n");
    auto got = read_all(dir.path("elastic.jsonl"));
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].kind, event_kind::process_creation);
    EXPECT_EQ(got[0].process.command_line, "pwsh -c 1");
    EXPECT_EQ(got[0].parent.image, "C:\\x\\cmd.exe");
    EXPECT_EQ(got[0].time, 1714564800123000000);
    EXPECT_EQ(got[1].kind, event_kind::dns_query);
    EXPECT_EQ(got[1].dns.query_name, "a.workers.dev");
}

TEST(ecs_json, malformed_records_name_file_line_and_reason) {
    testing::temp_dir dir;
    const std::string path = dir.path("bad.jsonl");
    testing::write_file(path, "{\"@timestamp\":\"2024-05-01T12:00:00Z\",\"event\":{\"dataset\":\"sclab.dns_query\"}}\n"
                              "{not json\n"
                              "{\"@timestamp\":\"yesterday\",\"event\":{\"dataset\":\"sclab.dns_query\"}}\n"
                              "{\"@timestamp\":\"2024-05-01T12:00:00Z\",\"event\":{\"dataset\":\"sclab.dns_query\"},\"process\":{\"pid\":\"x\"}}\n"
                              "{\"@timestamp\":\"2024-05-01T12:00:00Z\",\"event\":{\"dataset\":\"sclab.dns_query\"}}");
    try {
        read_all(path);
        FAIL() << "strict mode accepted a malformed line";
    } catch (const input_error& e) {
        EXPECT_EQ(e.line(), 2u);
        EXPECT_NE(std::string(e.what()).find("bad.jsonl:2: not valid JSON"), std::string::npos) << e.what();
    }
    auto reader = ecs().open_reader(path, read_options{.strict = false});
    event e;
    int n = 0;
    while (reader->next(e)) ++n;
    EXPECT_EQ(n, 1);
    const auto& problems = reader->problems();
    ASSERT_EQ(problems.skipped(), 4u);
    EXPECT_EQ(problems.kept()[1].line(), 3u);
    EXPECT_NE(problems.kept()[1].reason().find("@timestamp"), std::string::npos);
    EXPECT_NE(problems.kept()[2].reason().find("pid"), std::string::npos);
    EXPECT_EQ(problems.kept()[3].line(), 5u);
    EXPECT_NE(problems.kept()[3].reason().find("truncated"), std::string::npos);
}

}  // namespace
}  // namespace sclab::telemetry
