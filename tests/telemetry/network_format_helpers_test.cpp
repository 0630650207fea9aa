// The helpers the network-sensor formats share: syslog headers, CSV fields, backslash-escaped key=value lists and
// Java date patterns (LEEF devTimeFormat).
#include <gtest/gtest.h>

#include "telemetry/formats/csv_fields.hpp"
#include "telemetry/formats/java_date_format.hpp"
#include "telemetry/formats/key_value_scan.hpp"
#include "telemetry/formats/syslog_prefix.hpp"
#include "telemetry/input_error.hpp"

namespace sclab::telemetry {
namespace {

bool starts_with_one(std::string_view rest) { return rest.starts_with("1,"); }

TEST(syslog_prefix, splits_rfc3164_and_rfc5424_headers) {
    auto s = split_syslog_prefix("<14>Jan 11 15:29:45 fw01 1,2023/01/11", starts_with_one);
    EXPECT_EQ(s.hostname, "fw01");
    EXPECT_EQ(s.message, "1,2023/01/11");
    s = split_syslog_prefix("Jul  3 20:39:44 1,2017/07/13", starts_with_one);  // no priority, no host, padded day
    EXPECT_EQ(s.hostname, "");
    EXPECT_EQ(s.message, "1,2017/07/13");
    s = split_syslog_prefix("<13>1 2019-01-18T11:07:53.520Z 192.168.1.1 1,x", starts_with_one);  // QRadar's short form
    EXPECT_EQ(s.hostname, "192.168.1.1");
    EXPECT_EQ(s.message, "1,x");
    s = split_syslog_prefix("<165>1 2003-10-11T22:14:15.003Z mymachine app 1234 ID47 [a b=\"c\"] 1,x", starts_with_one);
    EXPECT_EQ(s.hostname, "mymachine");
    EXPECT_EQ(s.message, "1,x");
    s = split_syslog_prefix("<165>1 2003-10-11T22:14:15.003Z - app - - - 1,x", starts_with_one);
    EXPECT_EQ(s.hostname, "");
    EXPECT_EQ(s.message, "1,x");
    for (std::string_view plain : {"1,2023/01/11", "Foo 11 15:29:45 fw01 1,x", "<14 1,x", "1 2023-01-11T00:00:00Z h 1,x"}) {
        s = split_syslog_prefix(plain, starts_with_one);
        EXPECT_EQ(s.message, plain) << "no header in: " << plain;
        EXPECT_EQ(s.hostname, "");
    }
}

TEST(csv_fields, quotes_only_what_needs_it_and_splits_it_back) {
    std::string out;
    for (std::string_view v : {"plain", "a,b", "say \"hi\"", "", "line\nbreak"}) {
        if (!out.empty()) out.push_back(',');
        append_csv_field(out, v);
    }
    EXPECT_EQ(out, "plain,\"a,b\",\"say \"\"hi\"\"\",,line break");
    std::vector<std::string> fields;
    ASSERT_EQ(split_csv_record(out, fields), 5u);
    EXPECT_EQ(fields[1], "a,b");
    EXPECT_EQ(fields[2], "say \"hi\"");
    EXPECT_EQ(fields[3], "");
    EXPECT_EQ(split_csv_record("x,", fields), 2u) << "a trailing comma is an empty last field";
    EXPECT_EQ(split_csv_record("only", fields), 1u);
    EXPECT_EQ(fields[0], "only");
    EXPECT_THROW(split_csv_record("a,\"open", fields), record_error);
    EXPECT_THROW(split_csv_record("a,\"x\"y,b", fields), record_error);
}

TEST(key_value_scan, escapes_only_where_a_reader_would_unescape) {
    const backslash_escaping rule{"\t", "\\=|"};
    std::string out;
    append_backslash_escaped(out, "CORP\\alice", rule);
    EXPECT_EQ(out, "CORP\\alice") << "a Windows user name stays readable";
    out.clear();
    append_backslash_escaped(out, "a\tb=c|d\\=e\\", rule);
    EXPECT_EQ(out, "a\\\tb=c|d\\\\=e\\\\");
    std::string back;
    append_backslash_unescaped(back, out, rule);
    EXPECT_EQ(back, "a\tb=c|d\\=e\\");

    key_value_scanner scan("k1=v\\\t1\t\tk2=a=b\tk3=", rule);
    std::string_view key;
    std::string value;
    ASSERT_TRUE(scan.next(key, value));
    EXPECT_EQ(key, "k1");
    EXPECT_EQ(value, "v\t1");
    ASSERT_TRUE(scan.next(key, value));
    EXPECT_EQ(key, "k2");
    EXPECT_EQ(value, "a=b");
    ASSERT_TRUE(scan.next(key, value));
    EXPECT_EQ(key, "k3");
    EXPECT_EQ(value, "");
    EXPECT_FALSE(scan.next(key, value));

    key_value_scanner multi("a=1\xe2\x80\xa2" "b=x\\\xe2\x80\xa2y", backslash_escaping{"\xe2\x80\xa2", "\\="});
    ASSERT_TRUE(multi.next(key, value));
    EXPECT_EQ(value, "1");
    ASSERT_TRUE(multi.next(key, value));
    EXPECT_EQ(value, "x\xe2\x80\xa2y");
}

TEST(java_date_format, parses_the_patterns_leef_senders_use) {
    time_ns t = 0;
    std::string why;
    ASSERT_TRUE(parse_java_date("MMM dd yyyy HH:mm:ss", "Jun 06 2015 16:07:36", t, why)) << why;
    EXPECT_EQ(t, 1433606856000000000);
    ASSERT_TRUE(parse_java_date("MMM dd yyyy HH:mm:ss.SSS z", "Jun 06 2015 02:07:36.300 GMT", t, why)) << why;
    EXPECT_EQ(t, 1433556456300000000);
    ASSERT_TRUE(parse_java_date("yyyy-MM-dd'T'HH:mm:ss.SSSZ", "2017-10-18T11:26:03.060+0200", t, why)) << why;
    EXPECT_EQ(t, 1508318763060000000);
    ASSERT_TRUE(parse_java_date("yyyyMMddHHmmss", "20230111152945", t, why)) << why;
    EXPECT_EQ(t, 1673450985000000000);
    ASSERT_TRUE(parse_java_date("EEE, d MMMM yyyy hh:mm a XXX", "Wed, 11 January 2023 03:29 PM -05:00", t, why)) << why;
    EXPECT_EQ(t, 1673468940000000000);
    ASSERT_TRUE(parse_java_date("''yy''", "'23'", t, why)) << why;

    EXPECT_FALSE(parse_java_date("yyyy-MM-dd", "2023-02-30", t, why));
    EXPECT_NE(why.find("out of range"), std::string::npos) << why;
    EXPECT_FALSE(parse_java_date("yyyy-MM-dd", "2023-01-11 extra", t, why));
    EXPECT_FALSE(parse_java_date("HH:mm z", "10:00 EST", t, why));
    EXPECT_NE(why.find("zone names"), std::string::npos) << why;
    EXPECT_FALSE(parse_java_date("yyyy-ww", "2023-02", t, why));
    EXPECT_NE(why.find("letter 'w'"), std::string::npos) << why;
    EXPECT_FALSE(parse_java_date("'open", "open", t, why));
}

}  // namespace
}  // namespace sclab::telemetry
