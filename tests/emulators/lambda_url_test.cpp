// AWS Lambda function URLs: FIDELITY.md section 2, "AWS Lambda".
#include "emulators/platforms/lambda_url.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "emulators/platforms/lambda_event.hpp"
#include "platform_test_support.hpp"

namespace sclab::emulators::platforms {
namespace {

using namespace testing;

constexpr const char* poller_host = "abcde12345fghij.lambda-url.us-east-1.on.aws";
constexpr const char* trace_shape = "^Root=1-6553f100-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0;Lineage=1:[0-9a-f]{8}:0$";

struct lambda_fixture : ::testing::Test {
    platform_env env;
    lab_config lab = default_lab();
    lambda_url_platform platform{lab.aws, shipped_profiles(), env.clock, env.random};

    response serve(request req, const std::string& host = poller_host) {
        response res;
        EXPECT_TRUE(platform.owns(host, req)) << host;
        platform.handle(host, req, client_connection(), res);
        return res;
    }
};

TEST_F(lambda_fixture, OwnsEveryFunctionUrlShapeButNotTheSeedsAmazonawsForm) {
    request r = make_request(http::verb::get, "/", poller_host);
    EXPECT_TRUE(platform.owns(poller_host, r));
    EXPECT_TRUE(platform.owns("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz.lambda-url.eu-west-2.on.aws", r));
    EXPECT_TRUE(platform.owns("abc123.lambda-url.us-gov-west-1.on.aws", r));
    EXPECT_FALSE(platform.owns("abcde12345fghij.lambda-url.us-east-1.amazonaws.com", r));
    EXPECT_FALSE(platform.owns("ABC.lambda-url.us-east-1.on.aws", r));
    EXPECT_FALSE(platform.owns("abc.lambda-url.useast1.on.aws", r));
}

TEST_F(lambda_fixture, SuccessCarriesRequestIdAndTraceId) {
    response res = serve(make_request(http::verb::get, "/", poller_host));
    EXPECT_EQ(res.result_int(), 200u);
    EXPECT_EQ(header_names(res), (std::vector<std::string>{"Date", "Content-Type", "Content-Length", "Connection",
                                                            "x-amzn-RequestId", "X-Amzn-Trace-Id"}));
    EXPECT_EQ(header(res, "Date"), fixed_http_date);
    EXPECT_EQ(header(res, "Content-Type"), "application/json");
    EXPECT_EQ(header(res, "Connection"), "keep-alive");
    EXPECT_TRUE(matches(header(res, "x-amzn-RequestId"), uuid_v4)) << header(res, "x-amzn-RequestId");
    EXPECT_TRUE(matches(header(res, "X-Amzn-Trace-Id"), trace_shape)) << header(res, "X-Amzn-Trace-Id");
    EXPECT_EQ(res.body().size(), 64u);
    EXPECT_EQ(header(res, "Content-Length"), "64");
}

TEST_F(lambda_fixture, UnknownUrlIdIs403AccessDeniedWithNullMessage) {
    const std::string host = "nosuchfunction0000000000000000000.lambda-url.us-east-1.on.aws";
    response res = serve(make_request(http::verb::get, "/", host), host);
    EXPECT_EQ(res.result_int(), 403u);
    EXPECT_EQ(header(res, "x-amzn-ErrorType"), "AccessDeniedException");
    EXPECT_EQ(header(res, "Content-Type"), "application/json");
    EXPECT_TRUE(matches(header(res, "x-amzn-RequestId"), uuid_v4));
    EXPECT_EQ(res.body(), R"({"Message":null})");
    // The right url-id in the wrong region is another function URL, unknown too.
    const std::string other_region = "abcde12345fghij.lambda-url.us-west-2.on.aws";
    EXPECT_EQ(serve(make_request(http::verb::get, "/", other_region), other_region).result_int(), 403u);
}

TEST_F(lambda_fixture, FunctionErrorIs502) {
    request req = make_request(http::verb::get, "/", poller_host);
    req.set("X-Sclab-Fail", "exception");
    response res = serve(req);
    EXPECT_EQ(res.result_int(), 502u);
    EXPECT_EQ(res.body(), "Internal Server Error");
    EXPECT_EQ(serve(make_request(http::verb::post, "/", poller_host, R"({"sclab_raise":1})")).result_int(), 502u);
}

TEST_F(lambda_fixture, ThrottlingIs400ThrottlingException) {
    request req = make_request(http::verb::get, "/", poller_host);
    req.set("X-Sclab-Fail", "rate-limit");
    response res = serve(req);
    EXPECT_EQ(res.result_int(), 400u);
    EXPECT_EQ(header(res, "x-amzn-ErrorType"), "ThrottlingException");
    EXPECT_EQ(res.body(), R"({"message":"Rate Exceeded."})");
}

TEST_F(lambda_fixture, BodyOverSixMegabytesIs413) {
    request probe = make_request(http::verb::post, "/result", poller_host);
    EXPECT_EQ(platform.body_limit(poller_host, probe), 6291456u);
    response res = serve(make_request(http::verb::post, "/result", poller_host, std::string(6291457, 'a')));
    EXPECT_EQ(res.result_int(), 413u);
    EXPECT_EQ(header(res, "x-amzn-ErrorType"), "RequestEntityTooLargeException");
    EXPECT_EQ(res.body(), R"({"Message":"Request must be smaller than 6291456 bytes for the InvokeFunction operation"})");
    response via_server;
    platform.too_large(poller_host, probe, via_server);
    EXPECT_EQ(via_server.result_int(), 413u);
    EXPECT_EQ(via_server.body(), res.body());
}

TEST_F(lambda_fixture, TheLimitAppliesToTheEventSoBase64GrowthCounts) {
    // 5 MB of text fits; 5 MB of binary becomes 6.7 MB of base64 in the event and does not.
    request text = make_request(http::verb::post, "/result", poller_host, std::string(5'000'000, 't'));
    text.set(http::field::content_type, "text/plain");
    EXPECT_EQ(serve(text).result_int(), 200u);
    request binary = make_request(http::verb::post, "/result", poller_host, std::string(5'000'000, '\x01'));
    binary.set(http::field::content_type, "application/octet-stream");
    EXPECT_EQ(serve(binary).result_int(), 413u);
}

TEST_F(lambda_fixture, AnswerOverTheResponseLimitIs502) {
    lab_config big = lab;
    big.aws[0].functions[0].relay.max_response_bytes = 8u << 20;
    lambda_url_platform p{big.aws, shipped_profiles(), env.clock, env.random};
    request req = make_request(http::verb::get, "/", poller_host);
    req.set("X-Sclab-Response-Bytes", "6291557");
    response res;
    p.handle(poller_host, req, client_connection(), res);
    EXPECT_EQ(res.result_int(), 502u);
    req.set("X-Sclab-Response-Bytes", "6291556");
    p.handle(poller_host, req, client_connection(), res);
    EXPECT_EQ(res.result_int(), 200u);
    EXPECT_EQ(res.body().size(), 6291556u);
}

TEST_F(lambda_fixture, TheFunctionSeesAPayloadFormat2Event) {
    std::string event_text;
    platform.set_event_observer([&](const std::string& e) { event_text = e; });
    request req = make_request(http::verb::post, "/result?id=7&tag=a%20b&id=8", poller_host, R"({"out":"done"})");
    req.set(http::field::content_type, "application/json");
    req.set(http::field::cookie, "s=1; t=2");
    response res = serve(req);
    ASSERT_EQ(res.result_int(), 200u);
    EXPECT_EQ(res.body().size(), 16u);  // the result path's acknowledgement

    nlohmann::json e = nlohmann::json::parse(event_text);
    EXPECT_EQ(e["version"], "2.0");
    EXPECT_EQ(e["routeKey"], "$default");
    EXPECT_EQ(e["rawPath"], "/result");
    EXPECT_EQ(e["rawQueryString"], "id=7&tag=a%20b&id=8");
    EXPECT_EQ(e["queryStringParameters"]["id"], "7,8");
    EXPECT_EQ(e["queryStringParameters"]["tag"], "a b");
    EXPECT_EQ(e["cookies"], nlohmann::json::array({"s=1", "t=2"}));
    EXPECT_EQ(e["headers"]["user-agent"], "curl/8.4.0");
    EXPECT_EQ(e["headers"]["content-type"], "application/json");
    EXPECT_FALSE(e["headers"].contains("cookie"));
    EXPECT_EQ(e["headers"]["x-forwarded-for"], "10.20.30.40");
    EXPECT_EQ(e["headers"]["x-amzn-trace-id"], header(res, "X-Amzn-Trace-Id"));
    const auto& rc = e["requestContext"];
    EXPECT_EQ(rc["accountId"], "anonymous");
    EXPECT_EQ(rc["apiId"], "abcde12345fghij");
    EXPECT_EQ(rc["domainName"], poller_host);
    EXPECT_EQ(rc["domainPrefix"], "abcde12345fghij");
    EXPECT_EQ(rc["http"]["method"], "POST");
    EXPECT_EQ(rc["http"]["path"], "/result");
    EXPECT_EQ(rc["http"]["protocol"], "HTTP/1.1");
    EXPECT_EQ(rc["http"]["sourceIp"], "10.20.30.40");
    EXPECT_EQ(rc["http"]["userAgent"], "curl/8.4.0");
    EXPECT_EQ(rc["requestId"], header(res, "x-amzn-RequestId"));
    EXPECT_EQ(rc["time"], "14/Nov/2023:22:13:20 +0000");
    EXPECT_EQ(rc["timeEpoch"], 1700000000123);
    EXPECT_EQ(e["body"], R"({"out":"done"})");
    EXPECT_EQ(e["isBase64Encoded"], false);
}

TEST(LambdaEvent, BinaryBodiesAreBase64Encoded) {
    request req = make_request(http::verb::post, "/", poller_host, std::string("\x00\xff\x10", 3));
    req.set(http::field::content_type, "application/octet-stream");
    nlohmann::json e = nlohmann::json::parse(lambda_url_event(req, {"anonymous", "abc", poller_host, "r", "t", "1.2.3.4", fixed_time}));
    EXPECT_EQ(e["body"], "AP8Q");
    EXPECT_EQ(e["isBase64Encoded"], true);
    EXPECT_FALSE(e.contains("queryStringParameters"));
    // Text that is not UTF-8 cannot travel as a JSON string either.
    req.set(http::field::content_type, "text/plain");
    e = nlohmann::json::parse(lambda_url_event(req, {"anonymous", "abc", poller_host, "r", "t", "1.2.3.4", fixed_time}));
    EXPECT_EQ(e["isBase64Encoded"], true);
}

// The platform skips building the event when lambda_url_event_size_bound() is under the limit, so the bound
// must never be below the real size: checked on requests made of what grows most when JSON-escaped (control
// characters, quotes), cookies, repeated headers, many one-byte query parameters, binary and text bodies.
TEST(LambdaEvent, SizeBoundIsNeverBelowTheEventSize) {
    telemetry::seeded_random random(99);
    const std::string worst = std::string("\x01\"\\\x7f\xc3\xa9", 6) + "a=&;%2B+ ";
    auto text = [&](std::size_t max) {
        std::string out;
        for (std::size_t i = random.uniform_int(0, max); i > 0; --i) out.push_back(worst[random.uniform_int(0, worst.size() - 1)]);
        return out;
    };
    for (int round = 0; round < 2000; ++round) {
        std::string target = "/" + text(40);
        if (random.bernoulli(0.7)) {
            target += "?";
            for (std::size_t p = random.uniform_int(0, 12); p > 0; --p) target += (random.bernoulli(0.5) ? "a" : "b=") + text(3) + "&";
        }
        request req(random.bernoulli(0.5) ? http::verb::get : http::verb::post, target, 11);
        for (std::size_t h = random.uniform_int(0, 6); h > 0; --h)
            req.insert(random.bernoulli(0.3) ? "Cookie" : (random.bernoulli(0.5) ? "X-Repeat" : "X-" + std::to_string(h)),
                       text(30));
        req.set(http::field::user_agent, text(20));
        req.set(http::field::content_type, random.bernoulli(0.5) ? "text/plain" : "application/octet-stream");
        req.body() = text(200);
        const std::string id = text(10), trace = text(10);
        const lambda_url_event_context ctx{"anonymous", "abc", poller_host, id, trace, "10.20.30.40", fixed_time};
        const std::string event = lambda_url_event(req, ctx);
        ASSERT_GE(lambda_url_event_size_bound(req, ctx), event.size()) << event;
    }
}

}  // namespace
}  // namespace sclab::emulators::platforms
