// Amazon API Gateway, REST and HTTP APIs: FIDELITY.md section 2, "AWS Lambda".
#include "emulators/platforms/api_gateway.hpp"

#include <gtest/gtest.h>

#include "platform_test_support.hpp"

namespace sclab::emulators::platforms {
namespace {

using namespace testing;

constexpr const char* rest_host = "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com";
constexpr const char* http_host = "h7k2m9p4q1.execute-api.us-east-1.amazonaws.com";

struct api_gateway_fixture : ::testing::Test {
    platform_env env;
    lab_config lab = default_lab();
    api_gateway_platform platform{lab.aws, shipped_profiles(), env.clock, env.random};

    response serve(request req, const std::string& host) {
        response res;
        EXPECT_TRUE(platform.owns(host, req)) << host;
        platform.handle(host, req, client_connection(), res);
        return res;
    }
};

TEST_F(api_gateway_fixture, RestApiAnswersWithRequestIdApigwIdAndTraceId) {
    response res = serve(make_request(http::verb::get, "/prod/", rest_host), rest_host);
    EXPECT_EQ(res.result_int(), 200u);
    EXPECT_EQ(header(res, "Date"), fixed_http_date);
    EXPECT_EQ(header(res, "Content-Type"), "application/json");
    EXPECT_TRUE(matches(header(res, "x-amzn-RequestId"), uuid_v4));
    EXPECT_TRUE(matches(header(res, "x-amz-apigw-id"), "^[A-Za-z0-9+/]{15}=$")) << header(res, "x-amz-apigw-id");
    EXPECT_TRUE(matches(header(res, "X-Amzn-Trace-Id"), "^Root=1-6553f100-[0-9a-f]{24};Sampled=0$"));
    EXPECT_EQ(header(res, "apigw-requestid"), "<absent>");
    EXPECT_EQ(res.body().size(), 64u);
}

TEST_F(api_gateway_fixture, TheFunctionSeesThePathWithoutTheStage) {
    EXPECT_EQ(serve(make_request(http::verb::get, "/prod", rest_host), rest_host).body().size(), 64u);
    response ack = serve(make_request(http::verb::post, "/prod/result", rest_host, "output"), rest_host);
    EXPECT_EQ(ack.result_int(), 200u);
    EXPECT_EQ(ack.body().size(), 16u);
}

TEST_F(api_gateway_fixture, RestPathOutsideTheStageIs403Forbidden) {
    for (const char* target : {"/", "/dev/", "/production"}) {
        response res = serve(make_request(http::verb::get, target, rest_host), rest_host);
        EXPECT_EQ(res.result_int(), 403u) << target;
        EXPECT_EQ(header(res, "x-amzn-ErrorType"), "ForbiddenException");
        EXPECT_EQ(res.body(), R"({"message":"Forbidden"})");
    }
}

TEST_F(api_gateway_fixture, UnknownApiIdIs403Forbidden) {
    const std::string host = "zzzzzzzzzz.execute-api.us-east-1.amazonaws.com";
    response res = serve(make_request(http::verb::get, "/prod/", host), host);
    EXPECT_EQ(res.result_int(), 403u);
    EXPECT_EQ(res.body(), R"({"message":"Forbidden"})");
    EXPECT_FALSE(platform.owns("short.execute-api.us-east-1.amazonaws.com", make_request(http::verb::get, "/", host)));
}

TEST_F(api_gateway_fixture, HttpApiAnswersWithApigwRequestIdOnly) {
    response res = serve(make_request(http::verb::get, "/", http_host), http_host);
    EXPECT_EQ(res.result_int(), 200u);
    EXPECT_EQ(header_names(res),
              (std::vector<std::string>{"Date", "Content-Type", "Content-Length", "Connection", "apigw-requestid"}));
    EXPECT_TRUE(matches(header(res, "apigw-requestid"), "^[A-Za-z0-9+/]{15}=$"));
    EXPECT_EQ(header(res, "x-amz-apigw-id"), "<absent>");
    EXPECT_EQ(header(res, "x-amzn-RequestId"), "<absent>");
}

TEST_F(api_gateway_fixture, FunctionErrorsDifferBetweenRestAndHttpApis) {
    request req = make_request(http::verb::get, "/prod/", rest_host);
    req.set("X-Sclab-Fail", "exception");
    response rest = serve(req, rest_host);
    EXPECT_EQ(rest.result_int(), 502u);
    EXPECT_EQ(rest.body(), R"({"message": "Internal server error"})");
    req.target("/");
    response http_api = serve(req, http_host);
    EXPECT_EQ(http_api.result_int(), 500u);
    EXPECT_EQ(http_api.body(), R"({"message":"Internal Server Error"})");
}

TEST_F(api_gateway_fixture, TenMegabyteLimitWith413) {
    request req = make_request(http::verb::post, "/prod/result", rest_host);
    EXPECT_EQ(platform.body_limit(rest_host, req), 10485760u);
    EXPECT_EQ(platform.body_limit(http_host, req), 10485760u);
    response res;
    platform.too_large(http_host, req, res);
    EXPECT_EQ(res.result_int(), 413u);
    EXPECT_TRUE(matches(header(res, "apigw-requestid"), "^[A-Za-z0-9+/]{15}=$"));
    platform.too_large(rest_host, req, res);
    EXPECT_EQ(res.result_int(), 413u);
    EXPECT_EQ(header(res, "x-amzn-ErrorType"), "RequestEntityTooLargeException");
}

}  // namespace
}  // namespace sclab::emulators::platforms
