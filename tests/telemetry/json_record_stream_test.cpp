// json_record_stream on its own: the records, their first lines, their labels and the problems it reports,
// pinned where the 64-byte block scanner and the byte loop meet: escapes and quotes across a read buffer's
// end or a block's, long strings, line breaks inside strings (escaped or not), CRLF, a record cut at every
// possible buffer boundary, backslashes outside strings (garbage the block scanner hands to the byte loop).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "telemetry/formats/json_record_stream.hpp"
#include "test_files.hpp"

namespace sclab::telemetry {
namespace {

using testing::temp_dir;
using testing::write_file;

struct found {
    std::uint64_t line;
    std::string text;  // a record's bytes (with its label in front), or a problem's reason
    bool operator==(const found&) const = default;
};

std::ostream& operator<<(std::ostream& out, const found& f) { return out << f.line << ": " << f.text; }

struct stream_result {
    std::vector<found> records, problems;
};

stream_result read_path(const std::string& path, json_stream_options options) {
    problem_log problems(read_options{.strict = false, .problems_kept = 1000});
    json_record_stream stream(path, options, problems);
    stream_result result;
    std::string_view record;
    std::uint64_t line = 0;
    while (stream.next(record, line)) result.records.push_back({line, stream.label() + std::string(record)});
    for (const input_error& p : problems.kept()) result.problems.push_back({p.line(), p.reason()});
    return result;
}

stream_result read_stream(const std::string& text, json_stream_options options) {
    temp_dir dir;
    write_file(dir.path("in.json"), text);
    return read_path(dir.path("in.json"), options);
}

json_stream_options with_buffer(std::size_t bytes, std::string_view wrapper_key = "") {
    json_stream_options options;
    options.buffer_bytes = bytes;
    options.wrapper_key = wrapper_key;
    return options;
}

const std::string cut_string = "a string runs past the end of the line: the record is cut or not JSON";
const std::string cut_record = "the record is not closed before the next line starts another: the record is cut";

// Each initial buffer size puts the first refill at a different byte, so together they cut the text at every
// position, and the doubling buffer cuts it again further on.
void expect_at_every_buffer_size(const std::string& text, const stream_result& expected,
                                 std::string_view wrapper_key = "") {
    temp_dir dir;
    write_file(dir.path("in.json"), text);
    for (std::size_t bytes = 1; bytes <= text.size() + 1; ++bytes) {
        SCOPED_TRACE("buffer of " + std::to_string(bytes) + " bytes");
        const stream_result got = read_path(dir.path("in.json"), with_buffer(bytes, wrapper_key));
        ASSERT_EQ(got.records, expected.records);
        ASSERT_EQ(got.problems, expected.problems);
    }
}

TEST(json_record_stream, json_lines_read_the_same_cut_at_every_byte) {
    const std::string long_text(150, 'x');  // longer than two blocks of the scanner
    const std::string line1 = R"({"a":"q\"uote","b":")" + long_text + R"("})";
    const std::string line2 = R"({"c":"back\\","d":["{","}","[","]"],"e":{"f":"\\\"\\"}})";
    const std::string line3 = "{\"g\":\"escaped line break \\";  // a '\' before a raw line break: still a string
    const std::string line4 = "continues\"}";
    const std::string line6 = R"({"i":")" + long_text + R"(\\"})";
    const std::string text = line1 + "\r\n" +       // 1
                             line2 + "\n" +         // 2
                             line3 + "\n" +         // 3
                             line4 + "\n" +         // 4
                             R"({"h":"cut)" "\n" +  // 5: a string cut at the line's end
                             line6 + "\n" +         // 6
                             R"({"j":{)" "\n" +     // 7: a record cut, the next line starts another
                             R"({"k":2})" "\r\n" +  // 8
                             "bad\r\n" +            // 9
                             R"({"l":"}"})";        // 10, no final line break
    // A record on its own line keeps the blanks after it, a CRLF's '\r' among them (JSON parsers skip them).
    const stream_result expected{
        .records = {{1, line1 + "\r"}, {2, line2}, {3, line3 + "\n" + line4}, {6, line6}, {8, "{\"k\":2}\r"},
                    {10, R"({"l":"}"})"}},
        .problems = {{5, cut_string},
                     {7, cut_record},
                     {9, "expected a JSON object, found 'b'; skipping the rest of the line"}},
    };
    expect_at_every_buffer_size(text, expected);
}

TEST(json_record_stream, a_pretty_printed_wrapper_reads_the_same_cut_at_every_byte) {
    const std::string long_text(100, 'y');
    const std::string record0 = "{\r\n    \"a\": \"" + long_text + "\\\\\",\r\n"  // ends in an escaped backslash
                                "    \"b\": {\r\n        \"c\": [1, {}]\r\n    }\r\n}";
    const std::string record1 = "{\r\n    \"d\": \"\\\"{\\\"\"\r\n}";
    const std::string text = "{\"Records\":[\r\n" + record0 + ",\r\n" + record1 + "\r\n]}\r\n";
    // record0 spans lines 2-7, record1 lines 8-10.
    expect_at_every_buffer_size(
        text, {.records = {{2, "Records[0]: " + record0}, {8, "Records[1]: " + record1}}, .problems = {}}, "Records");
}

TEST(json_record_stream, a_wrapper_key_whose_value_is_not_an_array_is_reported) {
    expect_at_every_buffer_size("{\"Records\": {\"a\": 1}}\n",
                                {.records = {}, .problems = {{1, "\"Records\" should be an array of records"}}},
                                "Records");
}

// A run of backslashes before a quote, moved byte by byte (one record per line, each a byte longer) across the
// scanner's 64-byte blocks and across small read buffers: an odd run escapes the quote, so the string runs into
// the line break; an even one does not.
TEST(json_record_stream, backslashes_before_a_quote_at_every_offset) {
    for (std::size_t run = 1; run <= 4; ++run) {
        std::string text;
        stream_result expected;
        for (std::uint64_t pad = 0; pad < 140; ++pad) {
            const std::string first = "{\"s\":\"" + std::string(pad, 'a') + std::string(run, '\\') + "\"}";
            text += first + "\n{\"t\":1}\n";
            if (run % 2 == 0) expected.records.push_back({2 * pad + 1, first});
            else expected.problems.push_back({2 * pad + 1, cut_string});
            expected.records.push_back({2 * pad + 2, R"({"t":1})"});
        }
        temp_dir dir;
        write_file(dir.path("in.json"), text);
        for (std::size_t buffer : {std::size_t{7}, std::size_t{64}, std::size_t{1} << 20}) {
            SCOPED_TRACE(std::to_string(run) + " backslashes, buffer " + std::to_string(buffer));
            const stream_result got = read_path(dir.path("in.json"), with_buffer(buffer));
            EXPECT_EQ(got.records, expected.records);
            EXPECT_EQ(got.problems, expected.problems);
        }
    }
}

// The "'{' at the start of a line" rule with the line break and the '{' on either side of a block's end.
TEST(json_record_stream, a_record_cut_before_a_line_that_starts_another_at_every_offset) {
    std::string text;
    stream_result expected;
    for (std::uint64_t pad = 0; pad < 140; ++pad) {
        text += "{\"j\":" + std::string(pad, ' ') + "\n{\"k\":2}\n";
        expected.problems.push_back({2 * pad + 1, cut_record});
        expected.records.push_back({2 * pad + 2, R"({"k":2})"});
    }
    for (std::size_t buffer : {std::size_t{7}, std::size_t{1} << 20}) {
        const stream_result got = read_stream(text, with_buffer(buffer));
        EXPECT_EQ(got.records, expected.records);
        EXPECT_EQ(got.problems, expected.problems);
    }
}

TEST(json_record_stream, only_an_unindented_brace_outside_strings_starts_a_line) {
    const std::string escaped_break = "{\"a\":\"x\\\n{\"}";  // the '{' after the line break is in the string
    const std::string indented = "{\"a\":\n {\"b\":1}}";
    const std::string bracket = "{\"a\":\n[1]}";
    const stream_result got =
        read_stream(escaped_break + "\n" + indented + "\n" + bracket + "\n", with_buffer(1u << 20));
    EXPECT_EQ(got.records, (std::vector<found>{{1, escaped_break}, {3, indented}, {5, bracket}}));
    EXPECT_TRUE(got.problems.empty());
}

TEST(json_record_stream, brackets_in_strings_do_not_count_towards_depth) {
    const std::string in_string = "{\"a\":\"" + std::string(300, '[') + std::string(10, '}') + "\"}";
    const std::string deep = "{\"a\":" + std::string(300, '[') + std::string(300, ']') + "}";
    const std::string limit = "{\"a\":" + std::string(255, '[') + std::string(255, ']') + "}";  // 256 deep
    for (std::size_t buffer : {std::size_t{5}, std::size_t{1} << 20}) {
        const stream_result got = read_stream(in_string + "\n" + deep + "\n" + limit + "\n", with_buffer(buffer));
        EXPECT_EQ(got.records, (std::vector<found>{{1, in_string}, {3, limit}}));
        EXPECT_EQ(got.problems, (std::vector<found>{{2, "record nested deeper than 256 levels"}}));
    }
}

// A backslash outside a string is no escape (the byte loop's rule): the quote after it opens a string, long
// enough here that the block scanner meets the backslash.
TEST(json_record_stream, a_backslash_outside_strings_escapes_nothing) {
    const std::string record = "{\\\"" + std::string(100, 'x') + "\"}";
    const std::string braces = "{\"a\":1,\\" + std::string(70, ' ') + "\\}";
    const stream_result got = read_stream(record + "\n" + braces + "\n", with_buffer(1u << 20));
    EXPECT_EQ(got.records, (std::vector<found>{{1, record}, {2, braces}}));
    EXPECT_TRUE(got.problems.empty());
}

TEST(json_record_stream, a_file_cut_inside_a_long_string_is_reported) {
    const std::string text = "{\"a\":1}\n\n{\"b\":\"" + std::string(200, 'z');
    for (std::size_t buffer : {std::size_t{3}, std::size_t{64}, std::size_t{1} << 20}) {
        const stream_result got = read_stream(text, with_buffer(buffer));
        EXPECT_EQ(got.records, (std::vector<found>{{1, R"({"a":1})"}}));
        EXPECT_EQ(got.problems, (std::vector<found>{{3, "the file ends inside this record: the writer was cut off"}}));
    }
}

TEST(json_record_stream, line_numbers_count_line_breaks_inside_records_and_skipped_text) {
    // 40 lines of one pretty-printed record, 20 blank lines, garbage, then a bad record.
    std::string pretty = "{\n";
    for (int i = 0; i < 38; ++i) pretty += "  \"k" + std::to_string(i) + "\": \"" + std::string(i * 3, 'v') + "\",\n";
    pretty += "  \"end\": 1 }";
    const std::string text = pretty + "\n" + std::string(20, '\n') + "junk\r\n{\"bad\":\"\n{\"ok\":\"\\\n\"}\n";
    for (std::size_t buffer : {std::size_t{1}, std::size_t{16}, std::size_t{1} << 20}) {
        const stream_result got = read_stream(text, with_buffer(buffer));
        EXPECT_EQ(got.records, (std::vector<found>{{1, pretty}, {63, "{\"ok\":\"\\\n\"}"}}));
        EXPECT_EQ(got.problems,
                  (std::vector<found>{{61, "expected a JSON object, found 'j'; skipping the rest of the line"},
                                      {62, cut_string}}));
    }
}

TEST(json_record_stream, a_record_longer_than_the_limit_is_an_input_error) {
    json_stream_options options = with_buffer(16);
    options.max_record_bytes = 100;
    temp_dir dir;
    write_file(dir.path("in.json"), "{\"a\":1}\n{\"b\":\"" + std::string(200, 'w') + "\"}\n");
    problem_log problems(read_options{.strict = false});
    json_record_stream stream(dir.path("in.json"), options, problems);
    std::string_view record;
    std::uint64_t line = 0;
    ASSERT_TRUE(stream.next(record, line));
    try {
        stream.next(record, line);
        ADD_FAILURE() << "a 200-byte string passed a 100-byte limit";
    } catch (const input_error& error) {
        EXPECT_EQ(error.line(), 2u);
        EXPECT_EQ(error.reason(), "a record longer than 100 bytes: is this the right format?");
    }
}

}  // namespace
}  // namespace sclab::telemetry
