// The platform profiles file and its templates.
#include "emulators/platforms/platform_profile.hpp"

#include <bit>
#include <cctype>
#include <cmath>
#include <map>

#include <gtest/gtest.h>

#include "platform_test_support.hpp"
#include "telemetry/input_error.hpp"

namespace sclab::emulators::platforms {
namespace {

using namespace testing;

text_template compile(std::string_view text, std::vector<std::string> names = {}) {
    return text_template::compile(
        text, [names](std::string_view n) { return std::find(names.begin(), names.end(), n) != names.end(); },
        "profile.json", "profiles.x.headers[0][1]");
}

TEST(HttpDate, FormatsImfFixdate) {
    EXPECT_EQ(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
    EXPECT_EQ(http_date(fixed_time), fixed_http_date);
    EXPECT_EQ(http_date(951'782'400'000'000'000), "Tue, 29 Feb 2000 00:00:00 GMT");
    EXPECT_EQ(http_date(784'111'777'000'000'000), "Sun, 06 Nov 1994 08:49:37 GMT");  // RFC 9110's example
}

TEST(TextTemplate, ValuesAndGeneratorsRender) {
    telemetry::seeded_random random(1);
    template_scope scope(random, fixed_time);
    scope.set("colo", "LHR");
    text_template t = compile("${hex:16}-${colo}|${alnum:12}|${upper:4}|${digits:3}|${b64:15}=|${b64url:9}|${epoch_hex}|${epoch_ms}|${uuid}", {"colo"});
    std::string out = t.render(scope);
    EXPECT_TRUE(matches(out, "^[0-9a-f]{16}-LHR\\|[a-z0-9]{12}\\|[0-9A-Z]{4}\\|[0-9]{3}\\|[A-Za-z0-9+/]{15}=\\|[A-Za-z0-9_-]{9}\\|"
                             "6553f100\\|1700000000123\\|[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"))
        << out;
    EXPECT_EQ(compile("cost: $5 and ${x}", {"x"}).render(scope), "cost: $5 and ");  // a lone $ is literal
    EXPECT_EQ(t.render(scope).substr(17, 3), "LHR");
    EXPECT_NE(t.render(scope), out);  // generators draw new values each time
}

TEST(TextTemplate, PercentEncodedBase64HasNoRawPlusOrSlash) {
    telemetry::seeded_random random(3);
    template_scope scope(random, 0);
    std::string out = compile("${b64pct:4000}").render(scope);
    EXPECT_EQ(out.find_first_of("+/"), std::string::npos);
    EXPECT_NE(out.find("%2B"), std::string::npos);
    EXPECT_NE(out.find("%2F"), std::string::npos);
}

// How the generators draw, pinned: the same seed must give the same ids in every version, so a change to the
// scheme is a deliberate one. Power-of-two alphabets (hex, base64) take log2(size) bits per character from each
// 64-bit draw, lowest bits first; the others take one character from each 32-bit half (low half first) by
// Lemire's multiply-shift, skipping a half that falls in the biased sliver.
std::string drawn_the_plain_way(telemetry::seeded_random& r, std::string_view alphabet, int n) {
    std::string out;
    const std::uint64_t size = alphabet.size();
    if ((size & (size - 1)) == 0) {
        const int bits = std::countr_zero(size);
        std::uint64_t word = 0;
        for (int i = 0, left = 0; i < n; ++i, --left, word >>= bits) {
            if (left == 0) word = r.next_u64(), left = 64 / bits;
            out.push_back(alphabet[word & (size - 1)]);
        }
        return out;
    }
    const std::uint32_t biased_below = static_cast<std::uint32_t>(-static_cast<std::uint32_t>(size)) % size;
    while (out.size() < static_cast<std::size_t>(n)) {
        const std::uint64_t word = r.next_u64();
        for (std::uint64_t half : {word & 0xFFFFFFFFu, word >> 32}) {
            const std::uint64_t product = half * size;
            if (static_cast<std::uint32_t>(product) >= biased_below && out.size() < static_cast<std::size_t>(n))
                out.push_back(alphabet[product >> 32]);
        }
    }
    return out;
}

TEST(TextTemplate, GeneratorsDrawAsPinned) {
    const std::vector<std::pair<std::string, std::string_view>> alphabets = {
        {"alnum", "abcdefghijklmnopqrstuvwxyz0123456789"},
        {"upper", "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"},
        {"digits", "0123456789"},
        {"b64", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"},
        {"b64url", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"},
    };
    for (const auto& [name, alphabet] : alphabets) {
        telemetry::seeded_random drawn(11), reference(11);
        template_scope scope(drawn, 0);
        EXPECT_EQ(compile("x${" + name + ":300}").render(scope), "x" + drawn_the_plain_way(reference, alphabet, 300))
            << name;
    }
    telemetry::seeded_random drawn(12), reference(12);
    template_scope scope(drawn, 0);
    std::string expected;
    for (char c : drawn_the_plain_way(reference, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 300))
        expected += c == '+' ? "%2B" : c == '/' ? "%2F" : std::string(1, c);
    expected += drawn_the_plain_way(reference, "0123456789abcdef", 37);
    EXPECT_EQ(compile("${b64pct:300}${hex:37}").render(scope), expected);
    // Lengths that end inside a draw (the NEL signature's 176, and 1..19): the rest of that draw is not carried over.
    for (int n : {176, 1, 2, 9, 10, 11, 19}) {
        telemetry::seeded_random drawn_n(13), reference_n(13);
        template_scope scope_n(drawn_n, 0);
        std::string expected_n;
        for (char c : drawn_the_plain_way(reference_n, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", n))
            expected_n += c == '+' ? "%2B" : c == '/' ? "%2F" : std::string(1, c);
        expected_n += drawn_the_plain_way(reference_n, "0123456789abcdef", 5);
        EXPECT_EQ(compile("${b64pct:" + std::to_string(n) + "}${hex:5}").render(scope_n), expected_n) << n;
    }
}

// Every character of every alphabet comes up about equally often: a wrong mask, shift or bound would leave some
// out or favour others. 36,000 draws of 36 characters: 1,000 each expected, a standard deviation of about 31.
TEST(TextTemplate, GeneratorsAreUniform) {
    const std::vector<std::pair<std::string, std::string_view>> alphabets = {
        {"alnum", "abcdefghijklmnopqrstuvwxyz0123456789"},
        {"digits", "0123456789"},
        {"hex", "0123456789abcdef"},
        {"b64", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"},
    };
    for (const auto& [name, alphabet] : alphabets) {
        telemetry::seeded_random random(21);
        template_scope scope(random, 0);
        const std::size_t per_character = 1000;
        const text_template chunk = compile("${" + name + ":997}");  // an odd length: draws do not line up with words
        std::string out;
        while (out.size() < alphabet.size() * per_character) out += chunk.render(scope);
        out.resize(alphabet.size() * per_character);
        std::map<char, std::size_t> counts;
        for (char c : out) ++counts[c];
        ASSERT_EQ(counts.size(), alphabet.size()) << name;
        for (const auto& [c, count] : counts) {
            EXPECT_NE(alphabet.find(c), std::string_view::npos) << name;
            EXPECT_NEAR(static_cast<double>(count), per_character, 6 * std::sqrt(per_character)) << name << " " << c;
        }
    }
}

TEST(TextTemplate, ErrorsNameThePathAndTheProblem) {
    auto message = [](std::string_view text) {
        try {
            compile(text, {"known"});
        } catch (const telemetry::input_error& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    EXPECT_NE(message("${unknown}").find("profile.json: profiles.x.headers[0][1]: unknown name \"unknown\""), std::string::npos);
    EXPECT_NE(message("${hex:0}").find("needs a length from 1 to 4096"), std::string::npos);
    EXPECT_NE(message("${rot13:4}").find("unknown generator \"rot13\""), std::string::npos);
    EXPECT_NE(message("abc ${known").find("unclosed ${"), std::string::npos);
    EXPECT_EQ(message("${known}"), "accepted");
}

TEST(PlatformProfiles, ShippedFileHasEveryPlatform) {
    const platform_profiles& p = shipped_profiles();
    for (const char* name : {"cloudflare_workers", "cloudflare_pages", "lambda_url", "api_gateway_rest", "api_gateway_http",
                             "apps_script", "apps_script_echo", "cloud_functions", "cloud_run", "generic"})
        EXPECT_NE(p.find(name), nullptr) << name;
    // Pages inherits the Workers limits and headers and adds its own.
    const platform_profile& pages = p.get("cloudflare_pages");
    EXPECT_EQ(pages.limit("body_bytes"), 104857600u);
    EXPECT_EQ(pages.headers.front().name, "Date");
    EXPECT_EQ(pages.headers.back().name, "x-content-type-options");
    EXPECT_TRUE(pages.responses.count("function_error"));
}

TEST(PlatformProfiles, RendererWritesHeadersInOrderDropsAndSkipsEmpty) {
    platform_profile p;
    p.name = "t";
    p.file = "t.json";
    p.headers = {{"A", {"1", "h0"}}, {"Empty", {"${nothing}", "h1"}}, {"Drop-Me", {"x", "h2"}}, {"Len", {"${content_length}", "h3"}}};
    p.ids = {{"id", {"${hex:4}", "ids.id"}}};
    response_spec spec;
    spec.status = 418;
    spec.content_type = template_text{"text/${kind}", "ct"};
    spec.drop_headers = {"drop-me"};
    spec.headers = {{"Z", {"${id}/${kind}", "z"}}};
    spec.body = template_text{"hello ${host}", "body"};
    spec.values = {{"kind", {"plain", "v"}}};
    p.responses["teapot"] = spec;
    telemetry::seeded_random random(5);
    profile_renderer r(p, {"nothing"}, random);
    template_scope scope(random, 0);
    scope.set("host", "h.example");
    r.add_ids(scope);
    response res;
    r.render(res, "teapot", scope);
    EXPECT_EQ(res.result_int(), 418u);
    EXPECT_EQ(header_names(res), (std::vector<std::string>{"A", "Len", "Z"}));
    EXPECT_EQ(header(res, "Len"), "15");
    EXPECT_TRUE(matches(header(res, "Z"), "^[0-9a-f]{4}/plain$"));
    EXPECT_EQ(res.body(), "hello h.example");
    EXPECT_THROW(r.require({"teapot", "missing_one"}), telemetry::input_error);
}

struct bad_profile {
    const char* file;
    const char* message;
};

class PlatformProfileErrors : public ::testing::TestWithParam<bad_profile> {};

TEST_P(PlatformProfileErrors, NameTheFileAndPath) {
    const std::string path = test_data(GetParam().file);
    try {
        platform_profiles p = load_platform_profiles(path);
        // Some problems only show when a platform compiles its profile.
        telemetry::seeded_random random(1);
        profile_renderer r(p.get("broken"), {}, random);
        r.require({"relay"});
        FAIL() << GetParam().file << " was accepted";
    } catch (const telemetry::input_error& e) {
        EXPECT_EQ(e.file(), path);
        EXPECT_NE(std::string(e.what()).find(GetParam().message), std::string::npos) << e.what();
    }
}

// Readable test names: the data file's stem ("lab_bad_url_id").
template <class T>
std::string file_stem(const ::testing::TestParamInfo<T>& info) {
    std::string name = info.param.file;
    name = name.substr(0, name.find('.'));
    for (char& c : name)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    return name;
}

INSTANTIATE_TEST_SUITE_P(
    Files, PlatformProfileErrors,
    ::testing::Values(bad_profile{"profiles_unknown_name.json", "profiles.broken.headers[1][1]: unknown name \"server_name\""},
                      bad_profile{"profiles_bad_colo.json", "profiles.broken.colos[1]: a colo is a 3-letter uppercase IATA code"},
                      bad_profile{"profiles_bad_extends.json", "profiles.broken.extends: no earlier profile is named \"later\""},
                      bad_profile{"profiles_missing_body_file.json", "profiles.broken.responses.relay.body_file: cannot read the body file"},
                      bad_profile{"profiles_missing_response.json", "profiles.broken.responses.relay: missing"},
                      bad_profile{"profiles_bad_header_name.json", "profiles.broken.headers[0][0]: \"Bad Header\" is not a valid header name"}),
    file_stem<bad_profile>);

}  // namespace
}  // namespace sclab::emulators::platforms
