// The data plane as `sclab emulate` wires it: routing order, hostnames for --hosts, deployments, reproducibility.
#include "emulators/platforms/platform_factory.hpp"

#include <gtest/gtest.h>

#include "emulators/platforms/api_gateway.hpp"
#include "emulators/platforms/apps_script.hpp"
#include "emulators/platforms/cloud_functions.hpp"
#include "emulators/platforms/cloud_run.hpp"
#include "emulators/platforms/generic.hpp"
#include "emulators/platforms/lambda_url.hpp"
#include "emulators/platforms/workers_dev.hpp"
#include "platform_test_support.hpp"

namespace sclab::emulators::platforms {
namespace {

using namespace testing;

request_handler* first_owner(const platform_set& set, const std::string& host) {
    request req = make_request(http::verb::get, "/", host);
    for (request_handler* h : set.handlers())
        if (h->owns(host, req)) return h;
    return nullptr;
}

template <class T>
bool routed_to(const platform_set& set, const std::string& host) {
    return dynamic_cast<T*>(first_owner(set, host)) != nullptr;
}

TEST(PlatformFactory, HostnamesListEveryDataPlaneNameOfTheDefaultLab) {
    std::vector<std::string> expected{
        "abcde12345fghij.lambda-url.us-east-1.on.aws",
        "abcdefghijklmnopqrst.supabase.co",
        "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com",
        "df00tech-argus-pages.pages.dev",
        "df00tech-relay-3xq7lz5kpa-uc.a.run.app",
        "df00tech-relay.azurewebsites.net",
        "df00tech-relay.blackforest-1a2b3c4d.eastus.azurecontainerapps.io",
        "df00tech-relay.cloudflareworkers.com",
        "df00tech-relay.deno.dev",
        "df00tech-relay.netlify.app",
        "df00tech-relay.vercel.app",
        "df00tech-sentinel-test.argustest.workers.dev",
        "h7k2m9p4q1.execute-api.us-east-1.amazonaws.com",
        "q3vt6xk2c7lyd5nmwa4pbz8ehf0jru1s.lambda-url.us-east-1.on.aws",
        "script.google.com",
        "script.googleusercontent.com",
        "us-central1-df00tech-argus-test.cloudfunctions.net",
    };
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(lab_hostnames(default_lab()), expected);
}

TEST(PlatformFactory, EveryHostnameIsRoutedToItsOwnPlatform) {
    platform_env env;
    lab_config lab = default_lab();
    auto set = make_platform_handlers(lab, shipped_profiles(), env.clock, env.random);
    ASSERT_EQ(set->handlers().size(), 7u);
    for (const std::string& host : lab_hostnames(lab)) EXPECT_NE(first_owner(*set, host), nullptr) << host;

    EXPECT_TRUE(routed_to<workers_dev_platform>(*set, "df00tech-sentinel-test.argustest.workers.dev"));
    EXPECT_TRUE(routed_to<lambda_url_platform>(*set, "abcde12345fghij.lambda-url.us-east-1.on.aws"));
    EXPECT_TRUE(routed_to<api_gateway_platform>(*set, "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com"));
    EXPECT_TRUE(routed_to<apps_script_platform>(*set, "script.googleusercontent.com"));
    EXPECT_TRUE(routed_to<cloud_functions_platform>(*set, "us-central1-df00tech-argus-test.cloudfunctions.net"));
    // The lab's Cloud Run service goes to Cloud Run even though run.app is also a generic suffix.
    EXPECT_TRUE(routed_to<cloud_run_platform>(*set, "df00tech-relay-3xq7lz5kpa-uc.a.run.app"));
    EXPECT_TRUE(routed_to<generic_platform_handler>(*set, "other-abc-uc.a.run.app"));
    EXPECT_EQ(first_owner(*set, "www.example.com"), nullptr);
}

TEST(PlatformFactory, DeploymentsFromTheControlPlanesMakeHostsAnswer) {
    platform_env env;
    auto set = make_platform_handlers(default_lab(), shipped_profiles(), env.clock, env.random);
    control::deployment_listener& listener = *set;

    cloudflare_worker w;
    w.name = "wrangler-deployed";
    listener.worker_deployed("3f9a1c6e2b7d4e8fa0c5b1d2e3f40516", "argustest", w);
    request_handler* h = first_owner(*set, "wrangler-deployed.argustest.workers.dev");
    ASSERT_NE(h, nullptr);
    response res;
    h->handle("wrangler-deployed.argustest.workers.dev",
              make_request(http::verb::get, "/", "wrangler-deployed.argustest.workers.dev"), client_connection(), res);
    EXPECT_EQ(res.result_int(), 200u);
    listener.worker_removed("3f9a1c6e2b7d4e8fa0c5b1d2e3f40516", "wrangler-deployed");
    h->handle("wrangler-deployed.argustest.workers.dev",
              make_request(http::verb::get, "/", "wrangler-deployed.argustest.workers.dev"), client_connection(), res);
    EXPECT_EQ(res.result_int(), 404u);

    listener.cloud_function_deployed(cloud_function{"df00tech-argus-test", "asia-east1", "f", {}});
    EXPECT_NE(first_owner(*set, "asia-east1-df00tech-argus-test.cloudfunctions.net"), nullptr);

    apps_script_deployment d;
    d.deployment_id = "AKfycbxDeployedWhileRunning000";
    listener.apps_script_deployed(d);
    request_handler* script = first_owner(*set, "script.google.com");
    script->handle("script.google.com", make_request(http::verb::get, "/macros/s/" + d.deployment_id + "/exec", "script.google.com"),
                   client_connection(), res);
    EXPECT_EQ(res.result_int(), 302u);
    listener.apps_script_removed(d.deployment_id);
    script->handle("script.google.com", make_request(http::verb::get, "/macros/s/" + d.deployment_id + "/exec", "script.google.com"),
                   client_connection(), res);
    EXPECT_EQ(res.result_int(), 404u);
}

// Same seed and clock: byte-identical answers (headers with ids included); another seed: different ids.
TEST(PlatformFactory, SameSeedGivesTheSameBytes) {
    auto run = [](std::uint64_t seed) {
        telemetry::virtual_clock clock(fixed_time);
        telemetry::seeded_random random(seed);
        lab_config lab = default_lab();
        auto set = make_platform_handlers(lab, shipped_profiles(), clock, random);
        std::string transcript;
        for (const std::string& host : lab_hostnames(lab)) {
            request_handler* h = first_owner(*set, host);
            response res;
            h->handle(host, make_request(http::verb::get, "/", host), client_connection(), res);
            for (const auto& f : res) transcript.append(f.name_string()).append(": ").append(f.value()).append("\n");
            transcript.append(res.body()).append("\n");
        }
        return transcript;
    };
    EXPECT_EQ(run(1), run(1));
    EXPECT_NE(run(1), run(2));
}

}  // namespace
}  // namespace sclab::emulators::platforms
