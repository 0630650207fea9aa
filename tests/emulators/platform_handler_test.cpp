// What platform_handler gives every platform: HTML escaping in runs, the per-request scope it reuses, and the Date
// it formats once per second. Each must give exactly what the plain way gives.
#include "emulators/platforms/platform_handler.hpp"

#include <gtest/gtest.h>

#include "emulators/platforms/workers_dev.hpp"
#include "platform_test_support.hpp"
#include "telemetry/text.hpp"

namespace sclab::emulators::platforms {
namespace {

using namespace testing;

std::string xml_escaped(std::string_view text) {
    std::string out;
    telemetry::append_xml_escaped(out, text);
    return out;
}

std::string html_escaped(std::string_view text) {
    std::string out = "kept:";
    append_html_escaped(out, text);
    return out.substr(5);
}

TEST(AppendHtmlEscaped, AgreesWithAppendXmlEscaped) {
    for (int c = 0; c < 256; ++c) {
        const std::string one(1, static_cast<char>(c));
        EXPECT_EQ(html_escaped(one), xml_escaped(one)) << "byte " << c;
        EXPECT_EQ(html_escaped("a/" + one + one + "/b"), xml_escaped("a/" + one + one + "/b")) << "byte " << c;
    }
    const std::string url = "https://script.googleusercontent.com/macros/echo?user_content_key=Ab-_9&lib=M1";
    EXPECT_EQ(html_escaped(url), xml_escaped(url));
    EXPECT_NE(html_escaped(url), url);  // the & did change
    EXPECT_EQ(html_escaped("/<script>\"x\"'y'\t\n"), xml_escaped("/<script>\"x\"'y'\t\n"));
    EXPECT_EQ(html_escaped(""), "");
}

TEST(TemplateScope, ResetForgetsValuesButTheNextRequestSetsThemAgain) {
    telemetry::seeded_random random(1);
    template_scope scope(random, 5);
    scope.set("host", "a.example");
    scope.set("path", "/one");
    scope.reset(7);
    EXPECT_EQ(scope.now(), 7);
    EXPECT_EQ(scope.find("host"), nullptr);
    EXPECT_EQ(scope.find("path"), nullptr);
    scope.set("path", "/two");  // out of the first request's order
    scope.set("host", "b.example");
    scope.set("status", "200");  // new in this request
    ASSERT_NE(scope.find("host"), nullptr);
    EXPECT_EQ(*scope.find("host"), "b.example");
    EXPECT_EQ(*scope.find("path"), "/two");
    EXPECT_EQ(*scope.find("status"), "200");
    std::string& status = scope.assign("status");
    EXPECT_EQ(status, "");
    status = "404";
    EXPECT_EQ(*scope.find("status"), "404");
}

TEST(TemplateScope, SetFromItsOwnValueIsSafe) {
    telemetry::seeded_random random(1);
    template_scope scope(random, 0);
    scope.set("a", "a value longer than the small string buffer");
    for (int i = 0; i < 40; ++i) scope.set("copy" + std::to_string(i), *scope.find("a"));  // values_ grows meanwhile
    EXPECT_EQ(*scope.find("copy39"), "a value longer than the small string buffer");
    scope.set("a", std::string_view(*scope.find("a")).substr(2));  // replaced by part of itself
    EXPECT_EQ(*scope.find("a"), "value longer than the small string buffer");
}

TEST(PlatformHandler, DateFollowsTheClockAcrossSeconds) {
    platform_env env;
    lab_config lab = default_lab();
    workers_dev_platform platform{lab.cloudflare, shipped_profiles(), env.clock, env.random};
    const std::string host = "df00tech-sentinel-test.argustest.workers.dev";
    auto date_now = [&] {
        response res;
        platform.handle(host, make_request(http::verb::get, "/", host), client_connection(), res);
        return header(res, "Date");
    };
    EXPECT_EQ(date_now(), fixed_http_date);
    env.clock.advance(800'000'000);  // 22:13:20.923: the same second
    EXPECT_EQ(date_now(), fixed_http_date);
    env.clock.advance(100'000'000);  // 22:13:21.023
    EXPECT_EQ(date_now(), "Tue, 14 Nov 2023 22:13:21 GMT");
    env.clock.advance(86'400'000'000'000);  // a day later
    EXPECT_EQ(date_now(), "Wed, 15 Nov 2023 22:13:21 GMT");
}

}  // namespace
}  // namespace sclab::emulators::platforms
