// The splitter under the Windows-event readers: every line layout of a real export yields the same events, with
// the line each starts on; junk, cut and over-large events are reported there (strict) or skipped and counted
// (lenient); tiny internal buffers (every event crossing a buffer boundary) change nothing.
#include "telemetry/formats/windows_event_xml_splitter.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "telemetry/input_error.hpp"
#include "test_files.hpp"

namespace sclab::telemetry {
namespace {

using windows_event::event_splitter;

struct piece {
    std::uint64_t line;
    std::string text;
    bool operator==(const piece&) const = default;
};

void PrintTo(const piece& p, std::ostream* os) { *os << p.line << ": " << p.text; }

struct split_result {
    std::vector<piece> events;
    std::vector<input_error> problems;
    std::uint64_t skipped = 0;
};

split_result split(const std::string& content, bool strict = false,
                   std::size_t buffer = event_splitter::default_buffer_bytes,
                   std::size_t max_event = event_splitter::default_max_event_bytes) {
    testing::temp_dir dir;
    testing::write_file(dir.path("events.xml"), content);
    event_splitter splitter(dir.path("events.xml"), buffer, max_event);
    problem_log problems(read_options{.strict = strict, .problems_kept = 100});
    split_result r;
    std::string_view text;
    // As the reader does when an event fails to parse (here: every event, which changes nothing for a
    // complete one).
    while (splitter.next(text, problems)) {
        const piece p{splitter.event_line(), std::string(text)};
        if (!splitter.resplit_after_parse_failure(problems)) r.events.push_back(p);
    }
    r.problems = problems.kept();
    r.skipped = problems.skipped();
    return r;
}

// A small event: enough markup to look like the real thing, including the names the splitter must not take
// for an end tag (</EventData>, </EventID>) and a '>' in an attribute.
std::string ev(const std::string& id, const std::string& sep = "") {
    return "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'>" + sep + "<System>" + sep +
           "<EventID>" + id + "</EventID>" + sep + "<Data Name='a>b'>x</Data>" + sep + "</System>" + sep +
           "<EventData><Data Name='N'>v &lt;/Event&gt;</Data></EventData>" + sep + "</Event>";
}

TEST(windows_event_splitter, one_event_per_line_with_blank_lines) {
    const auto r = split(ev("1") + "\n\n" + ev("2") + "\n   \n" + ev("3") + "\n");
    EXPECT_EQ(r.events, (std::vector<piece>{{1, ev("1")}, {3, ev("2")}, {5, ev("3")}}));
    EXPECT_EQ(r.skipped, 0u);
}

TEST(windows_event_splitter, wevtutil_concatenation_on_one_line_without_a_final_newline) {
    const auto r = split(ev("1") + ev("2") + ev("3"));
    EXPECT_EQ(r.events, (std::vector<piece>{{1, ev("1")}, {1, ev("2")}, {1, ev("3")}}));
    EXPECT_EQ(r.skipped, 0u);
}

TEST(windows_event_splitter, event_viewer_export_with_bom_declaration_wrapper_comment_and_crlf) {
    const std::string pretty1 = ev("1", "\r\n    "), pretty2 = ev("2", "\r\n    ");
    const std::string file = "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\" standalone=\"yes\"?>\r\n"
                             "<Events>\r\n"
                             "  <!-- a comment -->\r\n  " +
                             pretty1 + "\r\n  " + pretty2 + "\r\n</Events>\r\n";
    const auto r = split(file);
    ASSERT_EQ(r.events.size(), 2u);
    EXPECT_EQ(r.events[0], (piece{4, ev("1", "\n    ")}));  // CR LF read as LF, as in any XML parser
    EXPECT_EQ(r.events[1], (piece{11, ev("2", "\n    ")}));
    EXPECT_EQ(r.skipped, 0u);
}

TEST(windows_event_splitter, in_an_event_with_crlf_every_cr_reads_as_lf_and_end_tag_may_hold_spaces) {
    const std::string e = "<Event><System/><EventData><Data Name='S'>a\rb\r\nc</Data></EventData></Event \n>";
    const auto r = split(e + ev("2"));
    ASSERT_EQ(r.events.size(), 2u);
    EXPECT_EQ(r.events[0].text, "<Event><System/><EventData><Data Name='S'>a\nb\nc</Data></EventData></Event \n>");
    EXPECT_EQ(r.events[1], (piece{3, ev("2")}));  // line numbers count LF only
}

TEST(windows_event_splitter, tiny_buffers_split_the_same_as_the_default) {
    std::string file = "\xEF\xBB\xBF<?xml version='1.0'?>\n<Events>\n";
    for (int i = 0; i < 30; ++i) file += (i % 3 == 0 ? ev(std::to_string(i), "\n  ") : ev(std::to_string(i))) + "\n";
    file += ev("cut-here-and-junk") + "junk\n" + ev("last") + "</Events>\n<Event xmlns='x'><System>";
    const auto expected = split(file);
    ASSERT_EQ(expected.events.size(), 32u);
    ASSERT_EQ(expected.skipped, 2u);  // "junk", and the cut last event
    for (std::size_t buffer = 16; buffer <= 300; buffer += 7) {
        SCOPED_TRACE("buffer " + std::to_string(buffer));
        const auto got = split(file, false, buffer);
        EXPECT_EQ(got.events, expected.events);
        ASSERT_EQ(got.skipped, expected.skipped);
        for (std::size_t i = 0; i < got.problems.size(); ++i) {
            EXPECT_EQ(got.problems[i].line(), expected.problems[i].line());
            EXPECT_EQ(got.problems[i].reason(), expected.problems[i].reason());
        }
    }
}

TEST(windows_event_splitter, an_event_cut_at_end_of_file_is_reported_on_its_start_line) {
    const std::string file = ev("1") + "\n" + ev("2", "\n").substr(0, 90);
    try {
        split(file, true);
        FAIL() << "strict mode took a cut event";
    } catch (const input_error& e) {
        EXPECT_EQ(e.line(), 2u);
        EXPECT_NE(e.reason().find("truncated event"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("events.xml:2:"), std::string::npos) << e.what();
    }
    const auto r = split(file);
    EXPECT_EQ(r.events, (std::vector<piece>{{1, ev("1")}}));
    ASSERT_EQ(r.skipped, 1u);
    EXPECT_EQ(r.problems[0].line(), 2u);
}

TEST(windows_event_splitter, an_event_cut_before_the_next_one_loses_only_itself) {
    const std::string file = ev("1") + "\n" + ev("2", "\n").substr(0, 120) + "\n" + ev("3") + "\n";
    const auto r = split(file);
    ASSERT_EQ(r.events.size(), 2u);
    EXPECT_EQ(r.events[1], (piece{6, ev("3")}));
    ASSERT_EQ(r.skipped, 1u);
    EXPECT_EQ(r.problems[0].line(), 2u);
    EXPECT_NE(r.problems[0].reason().find("before the next <Event> on line 6"), std::string::npos)
        << r.problems[0].reason();
}

TEST(windows_event_splitter, junk_between_events_is_reported_per_line_where_it_starts) {
    const std::string file = ev("1") + "\n<Foo>bar</Foo>\nplain text " + ev("2") + "\n\n  oops\n" + ev("3");
    try {
        split(file, true);
        FAIL() << "strict mode took junk";
    } catch (const input_error& e) {
        EXPECT_EQ(e.line(), 2u);
        EXPECT_NE(e.reason().find("text outside any <Event> element: '<Foo>bar</Foo>'"), std::string::npos)
            << e.what();
    }
    const auto r = split(file);
    EXPECT_EQ(r.events, (std::vector<piece>{{1, ev("1")}, {3, ev("2")}, {6, ev("3")}}));
    ASSERT_EQ(r.skipped, 3u);
    EXPECT_EQ(r.problems[0].line(), 2u);
    EXPECT_EQ(r.problems[1].line(), 3u);
    EXPECT_NE(r.problems[1].reason().find("'plain text <Event"), std::string::npos) << r.problems[1].reason();
    EXPECT_EQ(r.problems[2].line(), 5u);
}

TEST(windows_event_splitter, an_over_large_event_is_skipped_with_bounded_memory) {
    const std::string big =
        "<Event><EventData><Data Name='S'>" + std::string(5000, 'A') + "</Data></EventData></Event>";
    const std::string file = ev("1") + "\n" + big + "\n" + ev("2") + "\n";
    try {
        split(file, true, 64, 1024);
        FAIL() << "strict mode took an over-large event";
    } catch (const input_error& e) {
        EXPECT_EQ(e.line(), 2u);
        EXPECT_NE(e.reason().find("event larger than 1024 bytes"), std::string::npos) << e.what();
    }
    const auto r = split(file, false, 64, 1024);
    EXPECT_EQ(r.events, (std::vector<piece>{{1, ev("1")}, {3, ev("2")}}));
    EXPECT_EQ(r.skipped, 1u);
    // The default bound takes it.
    EXPECT_EQ(split(file).events.size(), 3u);
}

// Found by fuzz_windows_event_xml_splitter: after an over-large event, a "<Eventx" (no start tag) ending exactly
// where a full buffer ended was taken for a start tag cut at end of input, then reported as junk: one problem
// more, for some buffer sizes only.
TEST(windows_event_splitter, skipping_an_over_large_event_does_not_depend_on_the_buffer_size) {
    const std::string file = "<Event>" + std::string(351, 'A') + "<Eventx\n" + ev("2") + "\n";
    for (std::size_t buffer = 16; buffer <= 600; ++buffer) {
        SCOPED_TRACE("buffer " + std::to_string(buffer));
        const auto r = split(file, false, buffer, 300);
        EXPECT_EQ(r.events, (std::vector<piece>{{2, ev("2")}}));
        ASSERT_EQ(r.skipped, 1u);
        EXPECT_NE(r.problems[0].reason().find("event larger than 300 bytes"), std::string::npos)
            << r.problems[0].reason();
    }
}

TEST(windows_event_splitter, unclosed_declaration_at_end_of_file) {
    const auto r = split(ev("1") + "\n<?xml version='1.0'");
    EXPECT_EQ(r.events.size(), 1u);
    ASSERT_EQ(r.skipped, 1u);
    EXPECT_EQ(r.problems[0].line(), 2u);
    EXPECT_NE(r.problems[0].reason().find("unclosed <?...?> declaration"), std::string::npos);
}

TEST(windows_event_splitter, utf16_is_refused_with_advice) {
    for (const std::string& start : {std::string("\xFF\xFE<\0E\0", 6), std::string("<\0E\0v\0", 6)}) {
        try {
            split(start, false);
            FAIL() << "took UTF-16";
        } catch (const input_error& e) {
            EXPECT_NE(e.reason().find("UTF-16"), std::string::npos) << e.what();
        }
    }
}

TEST(windows_event_splitter, empty_and_whitespace_files_have_no_events_and_no_problems) {
    EXPECT_TRUE(split("").events.empty());
    const auto r = split("\xEF\xBB\xBF \r\n\t\n");
    EXPECT_TRUE(r.events.empty());
    EXPECT_EQ(r.skipped, 0u);
}

}  // namespace
}  // namespace sclab::telemetry
