// json_fast: the simdjson-backed checked access the readers use. The canonical form is checked against
// nlohmann's dump(), which is its contract (the Defender and cloud audit readers kept JSON text that way
// before they moved to simdjson), and against text written by hand.
#include <gtest/gtest.h>

#include <functional>

#include <nlohmann/json.hpp>

#include "telemetry/input_error.hpp"
#include "telemetry/json_fast.hpp"

namespace sclab::telemetry {
namespace {

std::string reason_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const record_error& e) {
        return e.what();
    }
    return "<no record_error>";
}

TEST(json_fast, parse_skips_a_byte_order_mark_and_rejects_bad_json_with_a_record_error) {
    fast_json_parser parser;
    EXPECT_EQ(fj_string(parser.parse("\xEF\xBB\xBF{\"a\":\"b\"}"), "a"), "b");
    EXPECT_TRUE(reason_of([&] { parser.parse("{\"a\":}"); }).starts_with("not valid JSON: ")) << "syntax";
    EXPECT_TRUE(reason_of([&] { parser.parse("{\"a\":1e999}"); }).starts_with("not valid JSON: ")) << "overflow";
    EXPECT_TRUE(reason_of([&] { parser.parse("{\"a\":\"\xff\"}"); }).starts_with("not valid JSON: ")) << "UTF-8";
    EXPECT_TRUE(reason_of([&] { parser.parse("\xEF\xBB\xBF"); }).starts_with("not valid JSON: ")) << "BOM only";
}

TEST(json_fast, integers_beyond_64_bits_are_read_as_doubles_as_nlohmann_did) {
    fast_json_parser parser;
    json_element doc = parser.parse(R"({"big":18446744073709551616,"neg":-9223372036854775809,"n":7})");
    EXPECT_TRUE(fj_member(doc, "big")->is_double());
    EXPECT_EQ(fj_canonical(doc, "big"), "1.8446744073709552e+19");
    EXPECT_EQ(fj_canonical(doc, "neg"), "-9.223372036854776e+18");
    EXPECT_EQ(fj_uint(doc, "n"), 7u);  // the rest of the document reads as usual
    EXPECT_EQ(reason_of([&] { fj_uint(doc, "big"); }), "field \"big\" should be a non-negative integer");
}

TEST(json_fast, contains_tells_a_null_member_from_an_absent_one) {
    fast_json_parser parser;
    json_element doc = parser.parse(R"({"n":null,"s":"x"})");
    EXPECT_TRUE(fj_contains(doc, "n"));
    EXPECT_FALSE(fj_member(doc, "n"));
    EXPECT_TRUE(fj_contains(doc, "s"));
    EXPECT_FALSE(fj_contains(doc, "absent"));
    EXPECT_EQ(reason_of([&] { fj_contains(*fj_member(doc, "s"), "x"); }), "expected a JSON object");
}

TEST(json_fast, object_members_must_be_objects_when_present) {
    fast_json_parser parser;
    json_element doc = parser.parse(R"({"o":{"k":1},"n":null,"a":[1]})");
    ASSERT_TRUE(fj_object(doc, "o"));
    EXPECT_EQ(fj_uint(*fj_object(doc, "o"), "k"), 1u);
    EXPECT_FALSE(fj_object(doc, "n"));
    EXPECT_FALSE(fj_object(doc, "absent"));
    EXPECT_EQ(reason_of([&] { fj_object(doc, "a"); }), "field \"a\" should be an object");
}

TEST(json_fast, signed_integers_plain_or_quoted) {
    fast_json_parser parser;
    json_element doc = parser.parse(R"({"a":-5,"b":"-7","c":9223372036854775808,"d":1.5,"e":"x","f":true})");
    EXPECT_EQ(fj_int(doc, "a"), -5);
    EXPECT_EQ(fj_int(doc, "b"), -7);
    EXPECT_FALSE(fj_int(doc, "absent"));
    for (const char* key : {"c", "d", "e", "f"})
        EXPECT_EQ(reason_of([&] { fj_int(doc, key); }), "field \"" + std::string(key) + "\" should be an integer");
}

TEST(json_fast, value_checks_name_the_value_they_were_given) {
    fast_json_parser parser;
    json_element doc = parser.parse(R"({"s":"x","u":"42","b":"True","n":-1})");
    EXPECT_EQ(fj_as_string(*fj_member(doc, "s"), "Column"), "x");
    EXPECT_EQ(fj_as_uint(*fj_member(doc, "u"), "Column"), 42u);
    EXPECT_TRUE(fj_as_bool(*fj_member(doc, "b"), "Column"));
    EXPECT_EQ(fj_as_int(*fj_member(doc, "n"), "Column"), -1);
    EXPECT_EQ(reason_of([&] { fj_as_string(*fj_member(doc, "n"), "RemoteIP"); }),
              "field \"RemoteIP\" should be a string");
    EXPECT_EQ(reason_of([&] { fj_as_uint(*fj_member(doc, "n"), "RemotePort"); }),
              "field \"RemotePort\" should be a non-negative integer");
    EXPECT_EQ(reason_of([&] { fj_as_bool(*fj_member(doc, "u"), "IsRemote"); }),
              "field \"IsRemote\" should be true or false");
}

TEST(json_fast, canonical_json_sorts_keys_and_compacts) {
    fast_json_parser parser;
    json_element doc = parser.parse(R"({ "z" : 1, "a" : { "y" : [ true , null ], "b" : "t\u00e9\n" }, "m": -0 })");
    EXPECT_EQ(canonical_json(doc), "{\"a\":{\"b\":\"t\xC3\xA9\\n\",\"y\":[true,null]},\"m\":0,\"z\":1}");
    EXPECT_EQ(fj_canonical(doc, "a"), "{\"b\":\"t\xC3\xA9\\n\",\"y\":[true,null]}");
    EXPECT_EQ(fj_canonical(doc, "absent"), "");
    // Document order stays available where the reader wants it (ECS).
    EXPECT_EQ(fj_raw(doc, "a"), "{\"y\":[true,null],\"b\":\"t\xC3\xA9\\n\"}");
}

TEST(json_fast, canonical_json_is_byte_for_byte_nlohmann_dump) {
    const std::vector<std::string> documents = {
        R"({"b":1,"a":2,"b":3})",  // duplicates: the last wins, in the first's sorted place
        R"([1.0,1.5,100000.0,1e5,1E-5,0.1,1e15,1e16,123456789012345678.0,-0.0,5e-324,1.7976931348623157e308])",
        R"([0,-1,9223372036854775807,-9223372036854775808,18446744073709551615])",
        R"(["\u0000\u001f\u007f\"\\\/\b\f\n\r\t","\ud83d\ude00","\u20ac","plain"])",
        R"({"Z":{},"a":[],"_":[[]],"":"empty key","aa":{"c":{"b":{"a":1}}},"a\u0000":1})",
        R"({"keys":{"é":1,"e":2,"E":3,"~":4}})",
        R"("just a string")",
        R"(true)",
        R"(null)",
        R"(12345678901234567890123)",  // beyond 64 bits: a double
    };
    fast_json_parser parser;
    for (const std::string& text : documents) {
        SCOPED_TRACE(text);
        const std::string expected = nlohmann::json::parse(text).dump();
        EXPECT_EQ(canonical_json(parser.parse(text)), expected);
    }
}

TEST(json_fast, canonical_json_without_drops_the_named_members) {
    fast_json_parser parser;
    EXPECT_EQ(canonical_json_without(parser.parse(R"({"q":"x","t":"A","z":[2,1],"b":1})"), {"q", "t"}),
              R"({"b":1,"z":[2,1]})");
    EXPECT_EQ(canonical_json_without(parser.parse(R"({"t":"A","q":"x"})"), {"q", "t"}), "{}");
    EXPECT_EQ(reason_of([&] { canonical_json_without(parser.parse("[1]"), {"q"}); }), "expected a JSON object");
}

}  // namespace
}  // namespace sclab::telemetry
