// zeek-conn against hand-written conn.logs (tests/telemetry/data/zeek_conn*.log, FIDELITY.md's field list in
// Zeek's default TSV layout), exact writer output with header and #close, Zeek's escaping, columns in another
// order, and incomplete or malformed logs.
#include <gtest/gtest.h>

#include "event_diff.hpp"
#include "telemetry/random.hpp"
#include "format_samples.hpp"
#include "telemetry/format.hpp"
#include "telemetry/formats/field_text.hpp"
#include "test_files.hpp"

namespace sclab::telemetry {
namespace {

using testing::format_named;
using testing::read_events;
using testing::sample_path;
using testing::write_events;
using extras = std::vector<std::pair<std::string, std::string>>;

const format_info& zeek() { return format_named("zeek-conn"); }

const std::string header =
    "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n"
    "#open\t2023-01-11-15-29-45\n"
    "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\t"
    "resp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\t"
    "resp_ip_bytes\ttunnel_parents\n"
    "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\tbool\t"
    "count\tstring\tcount\tcount\tcount\tcount\tset[string]\n";

TEST(zeek_conn, reads_a_closed_conn_log) {
    const auto got = read_events(zeek(), sample_path("zeek_conn.log"));
    ASSERT_EQ(got.size(), 3u);
    event tls;
    tls.kind = event_kind::network_session;
    tls.time = 1673450985832287000;
    network_info& n = tls.network;
    n.session_id = "CHhAvVGS1DHFjwGM9";
    n.source = {"10.0.0.5", 51234, "", ""};
    n.destination = {"104.16.1.1", 443, "", ""};
    n.transport = "tcp";
    n.protocol = "ssl";
    n.duration = 13'120'034'000;
    n.bytes_sent = 1523;
    n.bytes_received = 6929;
    n.action = "SF";
    n.packets_sent = 11;
    n.packets_received = 13;
    tls.extra = {{"local_orig", "T"},       {"local_resp", "F"},        {"missed_bytes", "0"}, {"history", "ShADadfF"},
                 {"orig_ip_bytes", "2095"}, {"resp_ip_bytes", "7613"}, {"tunnel_parents", ""}};
    EXPECT_EQ(got[0], tls) << testing::diff_events(tls, got[0]);

    EXPECT_EQ(got[1].network.protocol, "dns");
    EXPECT_EQ(got[1].network.duration, 12'007'000);
    EXPECT_EQ(got[1].extra_value("local_resp"), "T");
    EXPECT_EQ(find_extra(got[1], "tunnel_parents"), nullptr) << "'-' is unset, not an empty value";

    // An unanswered SYN: unset service, duration and byte counts stay absent, not zero.
    EXPECT_EQ(got[2].network.action, "S0");
    EXPECT_EQ(got[2].network.protocol, "");
    EXPECT_FALSE(got[2].network.duration.has_value());
    EXPECT_FALSE(got[2].network.bytes_sent.has_value());
    EXPECT_EQ(got[2].network.packets_received, 0u);
}

TEST(zeek_conn, maps_columns_by_the_fields_line_and_reports_a_missing_close) {
    const std::string path = sample_path("zeek_conn_unclosed.log");
    try {
        read_events(zeek(), path);
        FAIL() << "a log without #close was taken as complete";
    } catch (const input_error& e) {
        EXPECT_EQ(e.line(), 10u);
        EXPECT_NE(e.reason().find("no #close"), std::string::npos) << e.reason();
        EXPECT_NE(e.reason().find("Zeek may still be writing it"), std::string::npos) << e.reason();
    }
    auto reader = zeek().open_reader(path, read_options{.strict = false});
    std::vector<event> got;
    event e;
    while (reader->next(e)) got.push_back(e);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(reader->problems().skipped(), 1u);
    EXPECT_EQ(got[0].network.session_id, "CAbc1");
    EXPECT_EQ(got[0].time, 1673450985832287000);
    EXPECT_EQ(got[0].network.protocol, "ssl,quic");  // \x2c
    EXPECT_EQ(got[0].extra, (extras{{"community_id", "1:LQU9qZlK+B5F3KDmev6m5PMibrg="}, {"history", "ShADadfF"}}));
    EXPECT_EQ(got[1].network.protocol, "-");         // \x2d: a real "-", not unset
    EXPECT_EQ(got[1].extra, (extras{{"community_id", ""}, {"history", "\\x"}}));
    EXPECT_FALSE(got[1].network.bytes_sent.has_value());
}

TEST(zeek_conn, writes_header_rows_and_close_exactly) {
    event a;
    a.kind = event_kind::http_request;
    a.time = 1673450985832287400;
    a.host = "sensor01";  // conn.log has no observer name
    a.user = "CORP\\alice";
    network_info& n = a.network;
    n.session_id = "CHhAvVGS1DHFjwGM9";
    n.source = {"10.0.0.5", 51234, "ws01", "x"};
    n.destination = {"104.16.1.1", 443, "beacon.argustest.workers.dev", "https"};
    n.transport = "tcp";
    n.protocol = "ssl";
    n.duration = 13'120'034'999;
    n.bytes_sent = 1523;
    n.bytes_received = 6929;
    n.action = "SF";
    n.packets_sent = 11;
    n.packets_received = 13;
    a.extra = {{"history", "ShADadfF"}, {"tunnel_parents", ""}, {"community_id", "dropped"}};
    event b;
    b.kind = event_kind::network_session;
    b.time = 1673451000000000000;
    b.network.session_id = "-";
    b.network.protocol = "a\tb\\c\xc3\xa9";
    b.network.action = "(empty)";
    EXPECT_EQ(write_events(zeek(), {a, b}),
              header +
                  "1673450985.832287\tCHhAvVGS1DHFjwGM9\t10.0.0.5\t51234\t104.16.1.1\t443\ttcp\tssl\t13.120034\t1523\t"
                  "6929\tSF\t-\t-\t-\tShADadfF\t11\t-\t13\t-\t(empty)\n"
                  "1673451000.000000\t\\x2d\t-\t0\t-\t0\t-\ta\\x09b\\x5cc\\xc3\\xa9\t-\t-\t-\t\\x28empty)\t-\t-\t-\t-\t-\t-\t-\t-\t-\n"
                  "#close\t2023-01-11-15-30-00\n");
}

TEST(zeek_conn, an_empty_log_still_has_header_and_close) {
    const std::string text = write_events(zeek(), {});
    EXPECT_EQ(text, testing::replaced(header, "2023-01-11-15-29-45", "1970-01-01-00-00-00") +
                        "#close\t1970-01-01-00-00-00\n");
    testing::temp_dir dir;
    testing::write_file(dir.path("empty.log"), text);
    EXPECT_TRUE(read_events(zeek(), dir.path("empty.log")).empty());
}

TEST(zeek_conn, written_rows_read_back_as_retain_says) {
    event e;
    e.kind = event_kind::http_request;
    e.time = 1673450985832287999;
    e.http.url = "https://x/";
    e.network.protocol = "\x01\x7f\\x41";
    e.network.duration = -5;
    e.extra = {{"missed_bytes", "0"}, {"history", "-"}, {"rule", "not a conn column"}};
    testing::temp_dir dir;
    testing::write_file(dir.path("c.log"), write_events(zeek(), {e}));
    const auto got = read_events(zeek(), dir.path("c.log"));
    ASSERT_EQ(got.size(), 1u);
    const event expected = zeek().retain(e);
    EXPECT_EQ(expected, got[0]) << testing::diff_events(expected, got[0]);
    EXPECT_EQ(got[0].network.protocol, e.network.protocol);
    EXPECT_EQ(got[0].extra, (extras{{"missed_bytes", "0"}, {"history", "-"}}));
    EXPECT_EQ(got[0].network.duration, 0);
}

TEST(zeek_conn, malformed_logs_are_rejected_with_a_reason) {
    const std::string row =
        "1673450985.832287\tC1\t10.0.0.5\t51234\t104.16.1.1\t443\ttcp\tssl\t1.5\t1\t2\tSF\tT\tF\t0\tS\t1\t2\t3\t4\t-";
    const struct {
        std::string text;
        std::uint64_t line;
        std::string reason;
    } cases[] = {
        {header + "1673450985.832287\tC1\t10.0.0.5\n", 9, "row has 3 fields, #fields names 21"},
        {header + testing::replaced(row, "1673450985.832287", "abc") + "\n", 9, "ts 'abc' is not epoch seconds"},
        {header + testing::replaced(row, "1673450985.832287", "-") + "\n", 9, "ts is unset"},
        {header + testing::replaced(row, "51234", "http") + "\n", 9, "id.orig_p is not a port number"},
        {header + testing::replaced(row, "\t1\t2\tSF", "\tx\t2\tSF") + "\n", 9, "orig_bytes is not a count"},
        {header + testing::replaced(row, "\t1.5\t", "\tlong\t") + "\n", 9, "duration 'long'"},
        {row + "\n", 1, "data row before the #fields header"},
        {testing::replaced(header, "#fields\tts\t", "#fields\ttime\t"), 7, "#fields has no ts column"},
        {testing::replaced(header, "#path\tconn", "#path\tdns") + row + "\n", 9, "a Zeek 'dns' log, not conn"},
        {header + "#close\t2023-01-11-15-30-00\n" + row + "\n", 10, "data row after #close"},
    };
    testing::temp_dir dir;
    for (const auto& c : cases) {
        testing::write_file(dir.path("bad.log"), c.text + "#close\t2023-01-11-15-30-00\n");
        try {
            read_events(zeek(), dir.path("bad.log"));
            ADD_FAILURE() << "accepted: " << c.reason;
        } catch (const input_error& e) {
            EXPECT_EQ(e.line(), c.line) << c.reason;
            EXPECT_NE(e.reason().find(c.reason), std::string::npos) << "wanted '" << c.reason << "', got: " << e.reason();
        }
    }
}

TEST(zeek_conn, lenient_reading_skips_bad_rows_and_keeps_going) {
    testing::temp_dir dir;
    std::string text = testing::read_file(sample_path("zeek_conn.log"));
    text.insert(text.find("1673450990.001000"), "not\ta\trow\n");
    testing::write_file(dir.path("mixed.log"), text);
    EXPECT_THROW(read_events(zeek(), dir.path("mixed.log")), input_error);
    auto reader = zeek().open_reader(dir.path("mixed.log"), read_options{.strict = false});
    event e;
    int n = 0;
    while (reader->next(e)) ++n;
    EXPECT_EQ(n, 3);
    ASSERT_EQ(reader->problems().skipped(), 1u);
    EXPECT_EQ(reader->problems().kept()[0].line(), 10u);
}

TEST(zeek_conn, garbage_rows_are_read_or_rejected_never_crash) {
    const std::string sample = testing::read_file(sample_path("zeek_conn.log"));
    std::vector<std::string> rows;
    for (std::size_t at = 0, nl; (nl = sample.find('\n', at)) != std::string::npos; at = nl + 1)
        if (sample[at] != '#') rows.push_back(sample.substr(at, nl - at));
    seeded_random rng(13);
    std::string text = header;
    const int count = 400;
    for (int i = 0; i < count; ++i) {
        std::string r = rows[rng.uniform_int(0, rows.size() - 1)];
        for (int m = static_cast<int>(rng.uniform_int(1, 4)); m > 0 && !r.empty(); --m) {
            const std::size_t at = rng.uniform_int(0, r.size() - 1);
            switch (rng.uniform_int(0, 2)) {
                case 0: r.erase(at, rng.uniform_int(1, 12)); break;
                case 1: r[at] = static_cast<char>(rng.uniform_int(1, 255)); break;
                default: r.insert(at, "\\x"); break;
            }
        }
        for (char& c : r)
            if (c == '\n' || c == '#') c = ' ';
        if (r.empty()) r = "x";
        text += r + "\n";
    }
    text += "#close\t2023-01-11-15-30-00\n";
    testing::temp_dir dir;
    testing::write_file(dir.path("garbage.log"), text);
    auto reader = zeek().open_reader(dir.path("garbage.log"), read_options{.strict = false});
    event e;
    std::uint64_t n = 0;
    try {
        while (reader->next(e)) ++n;
    } catch (const std::exception& ex) {
        FAIL() << "lenient reading threw: " << ex.what();
    }
    EXPECT_EQ(n + reader->problems().skipped(), static_cast<std::uint64_t>(count));
    EXPECT_GT(reader->problems().skipped(), static_cast<std::uint64_t>(count / 3));
}

}  // namespace
}  // namespace sclab::telemetry
