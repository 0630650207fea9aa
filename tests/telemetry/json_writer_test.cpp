// json_writer: commas, nesting, escaping, and its staging buffer. Text is gathered in the writer and moved into
// the string in pieces, so these tests write values around and across the buffer's size, and check that the
// string holds every byte once a top-level value is complete, before the writer is gone.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "telemetry/json_text.hpp"

namespace sclab::telemetry {
namespace {

TEST(json_writer, writes_commas_between_members_and_elements_at_every_depth) {
    std::string out;
    json_writer w(out);
    w.begin_object();
    w.field("a", "x").key("b").number(std::uint64_t{1}).key("c").begin_array();
    w.number(std::int64_t{-2}).boolean(true).null().begin_object().end_object().begin_array().end_array();
    w.end_array().key("d").raw(R"({"k":[1,2]})").key("e").raw("").end_object();
    EXPECT_EQ(out, R"({"a":"x","b":1,"c":[-2,true,null,{},[]],"d":{"k":[1,2]},"e":null})");
}

TEST(json_writer, the_string_holds_a_top_level_value_as_soon_as_it_is_complete) {
    std::string out;
    json_writer w(out);
    w.begin_object().field("a", "b");
    w.end_object();
    EXPECT_EQ(out, R"({"a":"b"})") << "before the writer is destroyed";
    out.push_back('\n');  // what the line formats do next, the writer still alive
    EXPECT_EQ(out, "{\"a\":\"b\"}\n");
    std::string scalar;
    json_writer s(scalar);
    s.string("only");
    EXPECT_EQ(scalar, R"("only")");
}

TEST(json_writer, an_unfinished_value_reaches_the_string_when_the_writer_is_destroyed) {
    std::string out;
    {
        json_writer w(out);
        w.begin_object().key("Records").begin_array();
    }
    EXPECT_EQ(out, R"({"Records":[)");
}

TEST(json_writer, escapes_quotes_backslashes_and_every_control_character_in_values_and_runtime_keys) {
    std::string text;
    for (int c = 0; c < 0x20; ++c) text.push_back(static_cast<char>(c));
    text += "\"\\/\x7f\xc3\xa9";  // quote, backslash, slash, DEL, UTF-8 pass through
    std::string out;
    json_writer w(out);
    w.begin_object().field(std::string("k\"\n"), text).field(std::string_view("plain"), "v").end_object();
    const nlohmann::json back = nlohmann::json::parse(out);
    EXPECT_EQ(back.at("k\"\n").get<std::string>(), text);
    EXPECT_EQ(back.at("plain").get<std::string>(), "v");
    EXPECT_NE(out.find(R"(\u0000\u0001)"), std::string::npos) << out;
    EXPECT_NE(out.find(R"(\b\t\n\u000b\f\r)"), std::string::npos) << out;
}

TEST(json_writer, numbers_at_their_limits) {
    std::string out;
    json_writer w(out);
    w.begin_array();
    w.number(std::numeric_limits<std::uint64_t>::max()).number(std::numeric_limits<std::int64_t>::min());
    w.number(std::uint64_t{0}).number(std::int64_t{0}).end_array();
    EXPECT_EQ(out, "[18446744073709551615,-9223372036854775808,0,0]");
}

TEST(json_writer, unescaped_string_appends_its_text_in_order_with_what_was_staged_before_it) {
    std::string out;
    json_writer w(out);
    w.begin_object().field("a", "1").key("t").unescaped_string([](std::string& s) { s += "2026-12-04T00:00:00Z"; });
    w.field("b", "2").end_object();
    EXPECT_EQ(out, R"({"a":"1","t":"2026-12-04T00:00:00Z","b":"2"})");
}

// Values of every length from 0 to a few times the staging buffer, clean and needing escapes, with as many
// members as fill many buffers: what comes out is what nlohmann reads back, member by member, in order.
TEST(json_writer, values_of_every_length_across_the_staging_buffer_come_out_whole_and_in_order) {
    std::string out;
    json_writer w(out);
    w.begin_object();
    std::vector<std::string> values;
    for (std::size_t n = 0; n <= 1600; n += (n < 600 ? 1 : 97)) {
        std::string v(n, 'a');
        for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<char>('a' + (i * 7 + n) % 26);
        if (n % 5 == 3) v[n / 2] = '"';  // some need escaping
        values.push_back(v);
        w.field(std::string("k") + std::to_string(values.size() - 1), v);
        w.key("n").number(static_cast<std::uint64_t>(n));
    }
    w.end_object();
    std::string again = out;
    const nlohmann::json back = nlohmann::json::parse(out);
    ASSERT_EQ(back.size(), values.size() + 1);  // + "n", repeated (nlohmann keeps the last)
    for (std::size_t i = 0; i < values.size(); ++i)
        EXPECT_EQ(back.at("k" + std::to_string(i)).get<std::string>(), values[i]) << "value " << i;
    // The same text as a writer that moves every piece into the string at once would give.
    std::string expected = "{";
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i) expected += ',';
        expected += "\"k" + std::to_string(i) + "\":";
        append_json_string(expected, values[i]);
        expected += ",\"n\":" + std::to_string(values[i].size());
    }
    expected += '}';
    EXPECT_EQ(again, expected);
}

}  // namespace
}  // namespace sclab::telemetry
