// Platforms known by their domain only (FIDELITY.md section 2, "Other serverless domains in the seed lists").
#include "emulators/platforms/generic.hpp"

#include <gtest/gtest.h>

#include "platform_test_support.hpp"

namespace sclab::emulators::platforms {
namespace {

using namespace testing;

struct generic_fixture : ::testing::Test {
    platform_env env;
    lab_config lab = default_lab();
    generic_platform_handler platform{lab.generic, shipped_profiles(), env.clock, env.random};

    response serve(const std::string& host, request req) {
        response res;
        EXPECT_TRUE(platform.owns(host, req)) << host;
        platform.handle(host, req, client_connection(), res);
        return res;
    }
    response get(const std::string& host) { return serve(host, make_request(http::verb::get, "/", host)); }
};

TEST_F(generic_fixture, EachDomainAnswersWithItsPlatformsServerHeader) {
    struct expected {
        const char* host;
        const char* server;
    };
    for (const expected& e : {expected{"df00tech-relay.cloudflareworkers.com", "cloudflare"},
                              expected{"df00tech-relay.azurewebsites.net", "Microsoft-IIS/10.0"},
                              expected{"x.blackforest-1a2b3c4d.eastus.azurecontainerapps.io", "envoy"},
                              expected{"df00tech-relay.netlify.app", "Netlify"},
                              expected{"anything.vercel.app", "Vercel"},
                              expected{"abcdefghijklmnopqrst.supabase.co", "cloudflare"},
                              expected{"df00tech-relay.deno.dev", "deno/gcp-us-east4"},
                              expected{"unlisted-service-xyz-uc.a.run.app", "Google Frontend"}}) {
        response res = get(e.host);
        EXPECT_EQ(res.result_int(), 200u) << e.host;
        EXPECT_EQ(header(res, "Server"), e.server) << e.host;
        EXPECT_EQ(header(res, "Date"), fixed_http_date);
        EXPECT_EQ(res.body().size(), 64u);
    }
}

TEST_F(generic_fixture, PlatformSpecificIdsComeFromTheirProfiles) {
    EXPECT_TRUE(matches(header(get("a.vercel.app"), "x-vercel-id"), "^iad1::iad1::[a-z0-9]{5}-1700000000123-[0-9a-f]{12}$"));
    EXPECT_TRUE(matches(header(get("a.netlify.app"), "x-nf-request-id"), "^01[0-9A-Z]{24}$"));
    EXPECT_TRUE(matches(header(get("abcdefghijklmnopqrst.supabase.co"), "CF-RAY"), "^[0-9a-f]{16}-[A-Z]{3}$"));
    EXPECT_TRUE(matches(header(get("a.cloudflareworkers.com"), "CF-RAY"), "^[0-9a-f]{16}-[A-Z]{3}$"));
    EXPECT_EQ(header(get("a.azurewebsites.net"), "X-Powered-By"), "ASP.NET");
    EXPECT_EQ(header(get("a.netlify.app"), "CF-RAY"), "<absent>");
}

TEST_F(generic_fixture, OnlyNamesUnderASuffixAreOwned) {
    request r = make_request(http::verb::get, "/", "netlify.app");
    EXPECT_FALSE(platform.owns("netlify.app", r));
    EXPECT_FALSE(platform.owns("evilnetlify.app", r));
    EXPECT_FALSE(platform.owns("example.com", r));
    EXPECT_TRUE(platform.owns("a.b.netlify.app", r));
}

TEST_F(generic_fixture, LimitsFollowEachPlatform) {
    request r = make_request(http::verb::post, "/result", "a.vercel.app");
    EXPECT_EQ(platform.body_limit("a.vercel.app", r), 4718592u);
    EXPECT_EQ(platform.body_limit("a.netlify.app", r), 6291456u);
    response res;
    platform.too_large("a.vercel.app", r, res);
    EXPECT_EQ(res.result_int(), 413u);
    EXPECT_EQ(header(res, "Server"), "Vercel");
    EXPECT_EQ(serve("a.vercel.app", make_request(http::verb::post, "/result", "a.vercel.app", std::string(4718593, 'u')))
                  .result_int(),
              413u);
}

TEST_F(generic_fixture, ServerHeaderFallsBackToTheProfile) {
    std::vector<generic_platform> list(1);
    list[0].domain_suffix = "netlify.app";  // no server_header in the lab
    generic_platform_handler p{list, shipped_profiles(), env.clock, env.random};
    response res;
    p.handle("a.netlify.app", make_request(http::verb::get, "/", "a.netlify.app"), client_connection(), res);
    EXPECT_EQ(header(res, "Server"), "Netlify");
    list[0].domain_suffix = "example.app";  // no profile of its own, no server_header: the generic profile has ""
    generic_platform_handler q{list, shipped_profiles(), env.clock, env.random};
    q.handle("a.example.app", make_request(http::verb::get, "/", "a.example.app"), client_connection(), res);
    EXPECT_EQ(res.result_int(), 200u);
    EXPECT_EQ(header(res, "Server"), "<absent>");
}

}  // namespace
}  // namespace sclab::emulators::platforms
