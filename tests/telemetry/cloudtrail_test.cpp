// CloudTrail: golden samples written by hand from FIDELITY.md §2, the exact bytes the writer produces, the
// streaming reader across buffer refills and on cut files, malformed records, strict and lenient reading.
#include <gtest/gtest.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "event_diff.hpp"
#include "format_samples.hpp"
#include "random_events.hpp"
#include "telemetry/format.hpp"
#include "telemetry/formats/cloudtrail.hpp"
#include "telemetry/time_format.hpp"
#include "test_files.hpp"

namespace sclab::telemetry {
namespace {

using testing::read_events;
using testing::read_file;
using testing::sample_path;
using testing::temp_dir;
using testing::write_file;

const format_info& cloudtrail() { return testing::format_named("cloudtrail"); }

constexpr time_ns at_12_00_00 = 1714564800LL * ns_per_second;  // 2024-05-01T12:00:00Z

// The two records of cloudtrail_lambda.json, built field by field.
event list_functions_event() {
    event e;
    e.kind = event_kind::cloud_audit;
    e.time = at_12_00_00;
    e.user = "alice";
    cloud_audit_info& c = e.cloud;
    c.provider = "aws";
    c.actor_type = "IAMUser";
    c.actor_id = "AIDA6ON6E4XEGITEXAMPLE";
    c.actor_name = "arn:aws:iam::111122223333:user/alice";
    c.actor_account = "111122223333";
    c.access_key_id = "AKIAIOSFODNN7EXAMPLE";
    c.service = "lambda.amazonaws.com";
    c.action = "ListFunctions20150331";
    c.region = "us-east-1";
    c.source_ip = "203.0.113.10";
    c.user_agent = "aws-cli/2.15.40 Python/3.11.8 Linux/6.1.0-18-amd64 exe/x86_64.debian.12 prompt/off "
                   "command/lambda.list-functions";
    c.request_id = "5d4e0c3a-1b2c-4d5e-8f90-a1b2c3d4e5f6";
    c.event_id = "0f1e2d3c-4b5a-4968-8776-655443322110";
    c.read_only = true;
    c.management_event = true;
    c.account_id = "111122223333";
    c.category = "Management";
    return e;
}

event denied_invoke_event() {
    event e;
    e.kind = event_kind::cloud_audit;
    e.time = at_12_00_00 + 307 * ns_per_second;  // 12:05:07
    e.user = "bob";
    cloud_audit_info& c = e.cloud;
    c.provider = "aws";
    c.actor_type = "IAMUser";
    c.actor_id = "AIDA6ON6E4XEGIBOBEXMP";
    c.actor_name = "arn:aws:iam::111122223333:user/bob";
    c.actor_account = "111122223333";
    c.access_key_id = "AKIAI44QH8DHBEXAMPLE";
    c.service = "lambda.amazonaws.com";
    c.action = "Invoke";
    c.region = "us-east-1";
    c.source_ip = "198.51.100.7";
    c.user_agent = "aws-cli/2.15.40 Python/3.11.8 Linux/6.1.0-18-amd64 exe/x86_64.debian.12 prompt/off "
                   "command/lambda.invoke";
    c.success = false;
    c.error_code = "AccessDenied";
    c.error_message = "User: arn:aws:iam::111122223333:user/bob is not authorized to perform: lambda:InvokeFunction "
                      "on resource: arn:aws:lambda:us-east-1:111122223333:function:beacon because no identity-based "
                      "policy allows the lambda:InvokeFunction action";
    c.request_parameters = R"({"functionName":"arn:aws:lambda:us-east-1:111122223333:function:beacon","invocationType":"RequestResponse"})";
    c.request_id = "c6f0e7a2-9d8b-4c3a-b1e0-7f6e5d4c3b2a";
    c.event_id = "8e7d6c5b-4a39-4281-9f0e-1d2c3b4a5968";
    c.read_only = false;
    c.resource_type = "AWS::Lambda::Function";
    c.resource_name = "arn:aws:lambda:us-east-1:111122223333:function:beacon";
    c.management_event = false;
    c.account_id = "111122223333";
    c.category = "Data";
    return e;
}

void expect_same(const std::vector<event>& expected, const std::vector<event>& got) {
    ASSERT_EQ(expected.size(), got.size());
    for (std::size_t i = 0; i < got.size(); ++i)
        EXPECT_EQ(expected[i], got[i]) << "event " << i << ":\n" << testing::diff_events(expected[i], got[i]);
}

std::vector<event> read_with_buffer(const std::string& path, std::size_t buffer_bytes, read_options options = {}) {
    auto reader = open_cloudtrail_reader(path, options, buffer_bytes);
    std::vector<event> out;
    event e;
    while (reader->next(e)) out.push_back(e);
    return out;
}

TEST(cloudtrail, reads_the_golden_management_and_data_events) {
    expect_same({list_functions_event(), denied_invoke_event()},
                read_events(cloudtrail(), sample_path("cloudtrail_lambda.json")));
}

TEST(cloudtrail, writes_exactly_the_golden_file) {
    EXPECT_EQ(read_file(sample_path("cloudtrail_lambda.json")),
              testing::write_events(cloudtrail(), {list_functions_event(), denied_invoke_event()}));
}

TEST(cloudtrail, an_empty_trail_is_a_complete_file) {
    const std::string text = testing::write_events(cloudtrail(), {});
    EXPECT_EQ(text, "{\"Records\":[\n]}\n");
    temp_dir dir;
    write_file(dir.path("empty.json"), text);
    auto reader = cloudtrail().open_reader(dir.path("empty.json"), read_options{.strict = false});
    event e;
    EXPECT_FALSE(reader->next(e));
    EXPECT_EQ(reader->problems().skipped(), 0u);
}

TEST(cloudtrail, keeps_fields_it_does_not_model_through_a_round_trip) {
    const std::string path = sample_path("cloudtrail_delivered.json");
    auto events = read_events(cloudtrail(), path);
    ASSERT_EQ(events.size(), 2u);
    const event& get = events[0];
    EXPECT_EQ(get.cloud.action, "GetFunction20150331v2");
    EXPECT_EQ(get.cloud.actor_type, "AssumedRole");
    EXPECT_EQ(get.user, "");  // an assumed role has no userName; the issuer's is inside sessionContext
    EXPECT_EQ(get.cloud.resource_type, "AWS::Lambda::Function");  // resources[0] still feeds the model
    EXPECT_EQ(get.cloud.resource_name, "arn:aws:lambda:eu-west-1:111122223333:function:beacon");
    EXPECT_EQ(get.extra_value("eventVersion"), "\"1.09\"");
    EXPECT_EQ(get.extra_value("tlsDetails"),
              R"({"cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"lambda.eu-west-1.amazonaws.com","tlsVersion":"TLSv1.3"})");
    EXPECT_NE(get.extra_value("userIdentity.sessionContext").find("\"mfaAuthenticated\":\"false\""),
              std::string_view::npos);
    EXPECT_NE(get.extra_value("resources").find("AWS::KMS::Key"), std::string_view::npos);
    const event& invoke = events[1];
    EXPECT_EQ(invoke.extra_value("userIdentity.invokedBy"), "\"apigateway.amazonaws.com\"");
    EXPECT_EQ(invoke.extra_value("sharedEventID"), "\"4e5f6a7b-8c9d-4e0f-1a2b-3c4d5e6f7a8b\"");
    EXPECT_EQ(invoke.extra_value("eventVersion"), "");  // the default 1.08 needs no extra
    EXPECT_EQ(invoke.extra_value("resources"), "");    // one plain resource is all in the model

    // Written again, the records are the same JSON (key order aside), and read back the same events.
    const std::string rewritten = testing::write_events(cloudtrail(), events);
    EXPECT_EQ(nlohmann::json::parse(read_file(path)), nlohmann::json::parse(rewritten));
    temp_dir dir;
    write_file(dir.path("again.json"), rewritten);
    expect_same(events, read_events(cloudtrail(), dir.path("again.json")));
}

// Records with strings that look like structure, so a scanner that ignores strings or escapes fails.
std::vector<event> tricky_events(int count) {
    seeded_random rng(21);
    std::vector<event> events;
    for (int i = 0; i < count; ++i) {
        event e = cloudtrail().retain(
            testing::random_event(event_kind::cloud_audit, rng, {.style = testing::text_style::rich}));
        e.cloud.request_parameters = R"({"n":)" + std::to_string(i) + R"(,"q":"}{][\"\\"})";  // compact, keys sorted
        e.cloud.user_agent = "ua {\"" + std::to_string(i) + "\\";
        events.push_back(e);
    }
    return events;
}

TEST(cloudtrail, streams_records_across_buffer_refills) {
    const std::vector<event> events = tricky_events(40);
    const std::string one_per_line = testing::write_events(cloudtrail(), events);
    // AWS delivers the whole file on one line; JSON strings hold no raw line breaks, so dropping them is safe.
    std::string one_line = one_per_line;
    std::erase(one_line, '\n');
    temp_dir dir;
    write_file(dir.path("lines.json"), one_per_line);
    write_file(dir.path("one_line.json"), one_line);
    for (std::size_t buffer : {1u, 2u, 3u, 7u, 64u, 1000u, 1u << 16}) {
        SCOPED_TRACE("buffer " + std::to_string(buffer));
        expect_same(events, read_with_buffer(dir.path("lines.json"), buffer));
        expect_same(events, read_with_buffer(dir.path("one_line.json"), buffer));
    }
}

TEST(cloudtrail, problems_name_the_line_and_the_record_in_a_one_line_file) {
    std::string text = read_file(sample_path("cloudtrail_delivered.json"));
    const std::size_t at = text.find("\"eventTime\":\"2024-05-01T12:02:00Z\"");
    ASSERT_NE(at, std::string::npos);
    text.replace(at, 34, "\"eventTime\":\"noon\"");
    temp_dir dir;
    write_file(dir.path("bad.json"), text);
    auto reader = open_cloudtrail_reader(dir.path("bad.json"), read_options{.strict = false}, 5);
    event e;
    ASSERT_TRUE(reader->next(e));
    EXPECT_FALSE(reader->next(e));
    ASSERT_EQ(reader->problems().kept().size(), 1u);
    const input_error& p = reader->problems().kept()[0];
    EXPECT_EQ(p.line(), 1u);
    EXPECT_EQ(p.reason(), "Records[1]: \"eventTime\" is not an RFC 3339 time: noon");
}

struct cut_case {
    std::string name;
    std::string cut_before;  // the file ends just before this text
    std::size_t events;      // whole records before the cut
    std::uint64_t line;
    std::string reason;
};

TEST(cloudtrail, a_cut_file_is_reported_never_taken_as_complete) {
    const std::string golden = read_file(sample_path("cloudtrail_lambda.json"));
    const std::vector<cut_case> cases = {
        {"inside the second record", "\"eventName\":\"Invoke\"", 1, 3, "Records[1]: the file ends inside this record"},
        {"before the closing ]}", "\n]}", 2, 3, "the file ends inside the \"Records\" array"},
        {"between ] and }", "}\n", 2, 4, "the file ends after the \"Records\" array without the closing '}'"},
        {"after the opening [", "\n{\"eventVersion\"", 0, 1, "the file ends inside the \"Records\" array"},
    };
    temp_dir dir;
    for (const cut_case& c : cases) {
        SCOPED_TRACE(c.name);
        const std::size_t at = c.name == "between ] and }" ? golden.rfind(c.cut_before) : golden.find(c.cut_before);
        ASSERT_NE(at, std::string::npos);
        write_file(dir.path("cut.json"), golden.substr(0, at));

        auto lenient = cloudtrail().open_reader(dir.path("cut.json"), read_options{.strict = false});
        event e;
        std::size_t n = 0;
        while (lenient->next(e)) ++n;
        EXPECT_EQ(n, c.events);
        ASSERT_EQ(lenient->problems().skipped(), 1u);
        EXPECT_EQ(lenient->problems().kept()[0].line(), c.line);
        const std::string& reason = lenient->problems().kept()[0].reason();
        EXPECT_TRUE(reason.starts_with(c.reason)) << reason;

        auto strict = cloudtrail().open_reader(dir.path("cut.json"), read_options{});
        n = 0;
        try {
            while (strict->next(e)) ++n;
            ADD_FAILURE() << "a cut file read as complete";
        } catch (const input_error& error) {
            EXPECT_EQ(n, c.events);
            EXPECT_EQ(error.file(), dir.path("cut.json"));
            EXPECT_EQ(error.line(), c.line);
        }
    }
}

TEST(cloudtrail, malformed_records_are_skipped_in_lenient_mode_and_stop_strict_mode) {
    const std::string golden = read_file(sample_path("cloudtrail_lambda.json"));
    const std::size_t begin = golden.find("{\"eventVersion\""), end = golden.find(",\n{\"eventVersion\"", begin);
    const std::string first = golden.substr(begin, end - begin);
    const std::string text = "{\"Records\":[\n" + first + ",\n" +                             // line 2: good
                             R"({"eventName":"Invoke","eventTime":"2024-05-01"},)" "\n" +      // 3: date only
                             R"({"eventName":"Invoke","eventTime":"2024-05-01T12:00:00Z","readOnly":"maybe"},)" "\n" +  // 4
                             R"({"eventName":"Invoke","eventTime":"2024-05-01T12:00:00Z","userIdentity":"root"},)" "\n" +  // 5
                             R"({"eventTime":"2024-05-01T12:00:00Z"},)" "\n" +                   // 6: no eventName
                             R"({"eventName":"Invoke","eventTime":"2024-05-01T12:00:00Z","resources":{}},)" "\n" +  // 7
                             R"({"eventName":"Invoke" "eventTime":"2024-05-01T12:00:00Z"},)" "\n" +  // 8: no colon
                             "42,\n" +                                                           // 9: not an object
                             first + "\n]}\n";                                                   // 10: good
    temp_dir dir;
    write_file(dir.path("mixed.json"), text);

    auto lenient = cloudtrail().open_reader(dir.path("mixed.json"), read_options{.strict = false});
    event e;
    std::vector<event> got;
    while (lenient->next(e)) got.push_back(e);
    expect_same({list_functions_event(), list_functions_event()}, got);
    const auto& kept = lenient->problems().kept();
    ASSERT_EQ(kept.size(), 7u);
    const std::vector<std::pair<std::uint64_t, std::string>> expected = {
        {3, "Records[1]: \"eventTime\" is not an RFC 3339 time: 2024-05-01"},
        {4, "Records[2]: field \"readOnly\" should be true or false"},
        {5, "Records[3]: field \"userIdentity\" should be an object"},
        {6, "Records[4]: missing \"eventName\": not a CloudTrail record"},
        {7, "Records[5]: field \"resources\" should be an array"},
        {8, "Records[6]: not valid JSON"},
        {9, "Records[7]: expected a JSON object, found '4'"},
    };
    for (std::size_t i = 0; i < expected.size(); ++i) {
        EXPECT_EQ(kept[i].line(), expected[i].first) << kept[i].reason();
        EXPECT_TRUE(kept[i].reason().starts_with(expected[i].second)) << kept[i].reason();
    }

    auto strict = cloudtrail().open_reader(dir.path("mixed.json"), read_options{});
    ASSERT_TRUE(strict->next(e));
    try {
        strict->next(e);
        ADD_FAILURE() << "strict mode took a malformed record";
    } catch (const input_error& error) {
        EXPECT_EQ(error.line(), 3u);
        EXPECT_NE(std::string(error.what()).find("eventTime"), std::string::npos) << error.what();
    }
}

TEST(cloudtrail, reads_json_lines_pretty_printed_files_and_arrays) {
    const std::vector<event> expected = {list_functions_event(), denied_invoke_event()};
    const nlohmann::json trail = nlohmann::json::parse(read_file(sample_path("cloudtrail_lambda.json")));
    std::string lines;  // as a SIEM export gives them
    for (const auto& record : trail["Records"]) lines += record.dump() + "\n";
    temp_dir dir;
    write_file(dir.path("lines.jsonl"), lines);
    write_file(dir.path("pretty.json"), trail.dump(4) + "\n");
    write_file(dir.path("array.json"), trail["Records"].dump(2));
    for (const char* name : {"lines.jsonl", "pretty.json", "array.json"}) {
        SCOPED_TRACE(name);
        expect_same(expected, read_with_buffer(dir.path(name), 16));
    }
}

TEST(cloudtrail, a_cut_line_among_json_lines_costs_only_that_record) {
    const nlohmann::json trail = nlohmann::json::parse(read_file(sample_path("cloudtrail_lambda.json")));
    const std::string a = trail["Records"][0].dump(), b = trail["Records"][1].dump();
    const std::string text = a + "\n" + a.substr(0, a.find("\"type\"")) + "\n" +  // cut outside a string
                             b.substr(0, b.find("aws-cli") + 5) + "\n" +           // cut inside a string
                             b + "\n" + a + " trailing\n" + b + "\n";
    temp_dir dir;
    write_file(dir.path("lines.jsonl"), text);
    auto reader = open_cloudtrail_reader(dir.path("lines.jsonl"), read_options{.strict = false}, 8);
    event e;
    std::vector<event> got;
    while (reader->next(e)) got.push_back(e);
    expect_same({list_functions_event(), denied_invoke_event(), denied_invoke_event()}, got);
    const auto& kept = reader->problems().kept();
    ASSERT_EQ(kept.size(), 3u);
    EXPECT_EQ(kept[0].line(), 2u);
    EXPECT_EQ(kept[0].reason(), "the record is not closed before the next line starts another: the record is cut");
    EXPECT_EQ(kept[1].line(), 3u);
    EXPECT_EQ(kept[1].reason(), "a string runs past the end of the line: the record is cut or not JSON");
    EXPECT_EQ(kept[2].line(), 5u);
    EXPECT_TRUE(kept[2].reason().starts_with("unexpected text after the record")) << kept[2].reason();
}

TEST(cloudtrail, rejects_records_nested_too_deep) {
    std::string deep = R"({"eventName":"Invoke","eventTime":"2024-05-01T12:00:00Z","requestParameters":)";
    deep += std::string(300, '[') + std::string(300, ']') + "}";
    temp_dir dir;
    write_file(dir.path("deep.jsonl"), deep + "\n");
    auto reader = cloudtrail().open_reader(dir.path("deep.jsonl"), read_options{.strict = false});
    event e;
    EXPECT_FALSE(reader->next(e));
    ASSERT_EQ(reader->problems().kept().size(), 1u);
    EXPECT_EQ(reader->problems().kept()[0].reason(), "record nested deeper than 256 levels");
}

TEST(cloudtrail, keeps_json_text_in_canonical_form) {
    // Keys sorted, compact, numbers as nlohmann writes them (the form CloudTrail readers have always kept), an
    // integer beyond 64 bits read as a double rather than refused; of duplicate members the first.
    const std::string records =
        R"({"eventName":"Invoke","eventTime":"2024-05-01T12:00:00Z","requestParameters":{ "z": 1, "a": {"c": 2.50, "b": [true, null]}},)"
        R"("tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"X"},"dup":1,"dup":2})" "\n"
        R"({"eventName":"Invoke","eventTime":"2024-05-01T12:00:00Z","responseElements":{"count":18446744073709551616}})" "\n";
    temp_dir dir;
    write_file(dir.path("kept.jsonl"), records);
    auto events = read_events(cloudtrail(), dir.path("kept.jsonl"));
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].cloud.request_parameters, R"({"a":{"b":[true,null],"c":2.5},"z":1})");
    EXPECT_EQ(events[0].extra_value("tlsDetails"), R"({"cipherSuite":"X","tlsVersion":"TLSv1.3"})");
    EXPECT_EQ(events[0].extra_value("dup"), "1");
    const auto& extra = events[0].extra;
    EXPECT_EQ(std::count_if(extra.begin(), extra.end(), [](const auto& kv) { return kv.first == "dup"; }), 1);
    EXPECT_EQ(events[1].cloud.response_elements, R"({"count":1.8446744073709552e+19})");
}

TEST(cloudtrail, garbage_is_reported_never_thrown_in_lenient_mode) {
    const std::string golden = read_file(sample_path("cloudtrail_lambda.json"));
    seeded_random rng(5);
    temp_dir dir;
    std::uint64_t problems = 0;
    for (int round = 0; round < 300; ++round) {
        std::string text = golden;
        for (int m = static_cast<int>(rng.uniform_int(1, 6)); m > 0; --m) {
            const std::size_t at = rng.uniform_int(0, text.size() - 1);
            static constexpr std::string_view specials[] = {"{", "}", "[", "]", "\"", "\\", ",", ":", "\n", "\xff"};
            switch (rng.uniform_int(0, 2)) {
                case 0: text.erase(at, rng.uniform_int(1, 30)); break;
                case 1: text.insert(at, specials[rng.uniform_int(0, std::size(specials) - 1)]); break;
                default: text[at] = static_cast<char>(rng.uniform_int(1, 255)); break;
            }
        }
        write_file(dir.path("garbage.json"), text);
        auto lenient = open_cloudtrail_reader(dir.path("garbage.json"), read_options{.strict = false}, 1 + round % 50);
        event e;
        try {
            while (lenient->next(e)) EXPECT_EQ(e.kind, event_kind::cloud_audit);
        } catch (const std::exception& ex) {
            FAIL() << "lenient reading threw: " << ex.what() << "\n" << text;
        }
        problems += lenient->problems().skipped();
        auto strict = cloudtrail().open_reader(dir.path("garbage.json"), read_options{});
        try {
            while (strict->next(e)) {
            }
        } catch (const input_error&) {
            // the only exception strict reading may throw
        }
    }
    EXPECT_GT(problems, 150u) << "the mutations hardly mutate";
}

}  // namespace
}  // namespace sclab::telemetry
