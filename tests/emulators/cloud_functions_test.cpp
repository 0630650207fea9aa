// Google Cloud Functions and Cloud Run: FIDELITY.md section 2, "Google Cloud Functions and Cloud Run".
#include "emulators/platforms/cloud_functions.hpp"

#include <gtest/gtest.h>

#include "emulators/platforms/cloud_run.hpp"
#include "platform_test_support.hpp"

namespace sclab::emulators::platforms {
namespace {

using namespace testing;

constexpr const char* function_host = "us-central1-df00tech-argus-test.cloudfunctions.net";
constexpr const char* run_host = "df00tech-relay-3xq7lz5kpa-uc.a.run.app";
constexpr const char* google_alt_svc = R"(h3=":443"; ma=2592000,h3-29=":443"; ma=2592000)";

struct cloud_functions_fixture : ::testing::Test {
    platform_env env;
    lab_config lab = default_lab();
    cloud_functions_platform platform{lab.google, shipped_profiles(), env.clock, env.random};

    response serve(request req, const std::string& host = function_host) {
        response res;
        EXPECT_TRUE(platform.owns(host, req)) << host;
        platform.handle(host, req, client_connection(), res);
        return res;
    }
};

TEST_F(cloud_functions_fixture, FunctionAnswersWithExecutionIdTraceContextAndGoogleFrontend) {
    response res = serve(make_request(http::verb::get, "/df00tech-beacon", function_host));
    EXPECT_EQ(res.result_int(), 200u);
    EXPECT_TRUE(matches(header(res, "function-execution-id"), "^[a-z0-9]{12}$")) << header(res, "function-execution-id");
    EXPECT_TRUE(matches(header(res, "x-cloud-trace-context"), "^[0-9a-f]{32};o=1$")) << header(res, "x-cloud-trace-context");
    EXPECT_EQ(header(res, "Server"), "Google Frontend");
    EXPECT_EQ(header(res, "alt-svc"), google_alt_svc);
    EXPECT_EQ(header(res, "Date"), fixed_http_date);
    EXPECT_EQ(header(res, "Content-Type"), "text/html; charset=utf-8");
    EXPECT_EQ(res.body().size(), 64u);
}

TEST_F(cloud_functions_fixture, TheFunctionSeesThePathAfterItsName) {
    EXPECT_EQ(serve(make_request(http::verb::get, "/df00tech-beacon/?x=1", function_host)).body().size(), 64u);
    response ack = serve(make_request(http::verb::post, "/df00tech-beacon/result", function_host, "out"));
    EXPECT_EQ(ack.result_int(), 200u);
    EXPECT_EQ(ack.body().size(), 16u);
}

TEST_F(cloud_functions_fixture, UnknownFunctionIsThe404Page) {
    response res = serve(make_request(http::verb::get, "/no-such-function", function_host));
    EXPECT_EQ(res.result_int(), 404u);
    EXPECT_NE(res.body().find("<h1>Error: Page not found</h1>"), std::string::npos);
    EXPECT_EQ(header(res, "Server"), "Google Frontend");
    EXPECT_FALSE(platform.owns("us-central1-other-project.cloudfunctions.net", make_request(http::verb::get, "/", function_host)));
}

TEST_F(cloud_functions_fixture, CrashIs500CouldNotHandleTheRequest) {
    request req = make_request(http::verb::get, "/df00tech-beacon", function_host);
    req.set("X-Sclab-Fail", "exception");
    response res = serve(req);
    EXPECT_EQ(res.result_int(), 500u);
    EXPECT_EQ(res.body(), "Error: could not handle the request\n");
}

TEST_F(cloud_functions_fixture, BodyOverTenMegabytesIs413) {
    EXPECT_EQ(platform.body_limit(function_host, make_request(http::verb::post, "/", function_host)), 10485760u);
    response res = serve(make_request(http::verb::post, "/df00tech-beacon/result", function_host, std::string(10485761, 'x')));
    EXPECT_EQ(res.result_int(), 413u);
    EXPECT_NE(res.body().find("413."), std::string::npos);
    EXPECT_EQ(serve(make_request(http::verb::post, "/df00tech-beacon/result", function_host, std::string(10485760, 'x'))).result_int(), 200u);
}

TEST_F(cloud_functions_fixture, DeployedFunctionsAnswerAndRemovedOnesDoNot) {
    cloud_function f{"df00tech-argus-test", "europe-west3", "late", {}};
    platform.add_function(f);
    const std::string host = "europe-west3-df00tech-argus-test.cloudfunctions.net";
    EXPECT_EQ(serve(make_request(http::verb::get, "/late", host), host).result_int(), 200u);
    platform.remove_function("df00tech-argus-test", "europe-west3", "late");
    EXPECT_EQ(serve(make_request(http::verb::get, "/late", host), host).result_int(), 404u);
}

TEST(CloudRun, ServiceAnswersWithTraceContextAndNoExecutionId) {
    platform_env env;
    lab_config lab = default_lab();
    cloud_run_platform platform{lab.google, shipped_profiles(), env.clock, env.random};
    request req = make_request(http::verb::get, "/", run_host);
    ASSERT_TRUE(platform.owns(run_host, req));
    EXPECT_FALSE(platform.owns("other-service-abc-uc.a.run.app", req));
    response res;
    platform.handle(run_host, req, client_connection(), res);
    EXPECT_EQ(res.result_int(), 200u);
    EXPECT_TRUE(matches(header(res, "x-cloud-trace-context"), "^[0-9a-f]{32};o=1$"));
    EXPECT_EQ(header(res, "Server"), "Google Frontend");
    EXPECT_EQ(header(res, "alt-svc"), google_alt_svc);
    EXPECT_EQ(header(res, "function-execution-id"), "<absent>");
    EXPECT_EQ(res.body().size(), 64u);
    EXPECT_EQ(platform.body_limit(run_host, req), 32u << 20);
    platform.too_large(run_host, req, res);
    EXPECT_EQ(res.result_int(), 413u);
}

}  // namespace
}  // namespace sclab::emulators::platforms
