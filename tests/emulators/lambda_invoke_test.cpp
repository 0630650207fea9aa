// A function answers alike by its Function URL and by the Invoke API: both run the one relay
// (platforms/relay.hpp), Invoke on what the function sees of its payload (control/lambda_invoke_payload.hpp).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "control_fixtures.hpp"
#include "emulators/control/aws_lambda_api.hpp"
#include "emulators/control/digest.hpp"
#include "emulators/control/lambda_invoke_payload.hpp"
#include "emulators/platforms/hostnames.hpp"
#include "emulators/platforms/lambda_event.hpp"
#include "emulators/platforms/lambda_url.hpp"
#include "emulators/platforms/platform_profile.hpp"
#include "telemetry/clock.hpp"

namespace sclab::emulators::control {
namespace {

using testing::client_at;
using testing::make_request;
using testing::recording_sink;

constexpr telemetry::time_ns start_time = 1'700'000'000'000'000'000;
constexpr const char* key_id = "AKIANOSECRET00000002";
constexpr const char* invoke_path = "/2015-03-31/functions/relay-fn/invocations";

std::vector<aws_account> lab_accounts() {
    aws_account account;
    account.id = "123456789012";
    account.credentials = {{key_id, "", "arn:aws:iam::123456789012:user/bob", "AIDABOBEXAMPLE", {}}};
    lambda_function f;
    f.name = "relay-fn";
    f.region = "eu-west-1";
    f.url_id = "abcdefghij0123456789abcdefghij01";
    f.relay.checkin_path = "/tasks";
    f.relay.result_path = "/results";
    f.relay.task_bytes = 48;
    f.relay.ack_bytes = 7;
    f.relay.max_response_bytes = 7 * 1024 * 1024;  // room for an answer over Lambda's 6 MB response limit
    account.functions = {f};
    return {account};
}

invoke_relay_input input_of(const std::string& payload, std::vector<std::pair<std::string, std::string>> headers = {}) {
    request invoke = make_request(http::verb::post, invoke_path, "127.0.0.1", payload);
    for (const auto& [name, value] : headers) invoke.set(name, value);
    const nlohmann::json parsed = payload.empty() ? nlohmann::json() : nlohmann::json::parse(payload);
    return relay_input_of_invoke(parsed, invoke, lab_accounts()[0].functions[0].relay);
}

class InvokeLikeUrl : public ::testing::Test {
protected:
    // The function's answer by its Function URL: HTTP status and body.
    std::pair<unsigned, std::string> by_url(const request& req) {
        response res;
        EXPECT_TRUE(url.owns(url_host, req));
        url.handle(url_host, req, client_at("10.20.30.40"), res);
        return {res.result_int(), res.body()};
    }
    // The same request handed to Invoke as the payload format 2.0 event the Function URL would build; the
    // function's {statusCode, body}, or the Invoke response itself when the function did not answer.
    response invoke_raw(const std::string& payload, std::vector<std::pair<std::string, std::string>> headers = {}) {
        request req = make_request(http::verb::post, invoke_path, "127.0.0.1", payload);
        req.set(http::field::authorization, "AWS4-HMAC-SHA256 Credential=" + std::string(key_id) +
                                                "/20231114/eu-west-1/lambda/aws4_request, SignedHeaders=host, Signature=" +
                                                std::string(64, '0'));
        for (const auto& [name, value] : headers) req.set(name, value);
        response res;
        api.handle("127.0.0.1", req, client_at("10.20.30.40"), res);
        return res;
    }
    std::pair<unsigned, std::string> by_invoke(const request& url_request) {
        const platforms::lambda_url_event_context ctx{"anonymous", "abcdefghij0123456789abcdefghij01", url_host,
                                                      "c0ffee00-0000-4000-8000-000000000000", "Root=1-0-0",
                                                      "10.20.30.40", start_time};
        const response res = invoke_raw(platforms::lambda_url_event(url_request, ctx));
        EXPECT_EQ(res.result(), http::status::ok) << res.body();
        const auto body = nlohmann::json::parse(res.body());
        return {body["statusCode"].get<unsigned>(), body["body"].get<std::string>()};
    }
    request url_request(http::verb method, const std::string& path, const std::string& body = {}) {
        return make_request(method, path, url_host, body);
    }

    const std::string url_host = platforms::lambda_url_host("abcdefghij0123456789abcdefghij01", "eu-west-1");
    telemetry::virtual_clock clock{start_time};
    recording_sink sink;
    aws_lambda_api api{lab_accounts(), sink, clock, telemetry::seeded_random(5)};
    platforms::platform_profiles profiles =
        platforms::load_platform_profiles(std::string(SCLAB_SOURCE_DIR) + "/emulators/profiles/platforms.json");
    platforms::lambda_url_platform url{lab_accounts(), profiles, clock, telemetry::seeded_random(5)};
};

TEST_F(InvokeLikeUrl, CheckInResultAndWrongPathsAnswerTheSameStatusAndSize) {
    struct case_t {
        http::verb method;
        std::string path, body;
        unsigned status;
        std::size_t bytes;
    };
    for (const case_t& k : {case_t{http::verb::get, "/tasks", "", 200, 48}, case_t{http::verb::post, "/tasks", "hello", 200, 48},
                            case_t{http::verb::post, "/results", "output of whoami", 200, 7},
                            case_t{http::verb::get, "/results", "", 405, 18}, case_t{http::verb::get, "/elsewhere", "", 404, 9}}) {
        const auto [url_status, url_body] = by_url(url_request(k.method, k.path, k.body));
        const auto [invoke_status, invoke_body] = by_invoke(url_request(k.method, k.path, k.body));
        EXPECT_EQ(url_status, k.status) << k.path;
        EXPECT_EQ(invoke_status, k.status) << k.path;
        EXPECT_EQ(url_body.size(), k.bytes) << k.path;
        EXPECT_EQ(invoke_body.size(), k.bytes) << k.path;
    }
}

TEST_F(InvokeLikeUrl, RequestedSizeIsHonouredAndCheckedAlike) {
    request asked = url_request(http::verb::get, "/tasks");
    asked.set(platforms::response_bytes_header, "300");
    EXPECT_EQ(by_url(asked).second.size(), 300u);
    EXPECT_EQ(by_invoke(asked).second.size(), 300u) << "the event's x-sclab-response-bytes header counts";
    // A plain payload is a check-in, sized by the Invoke request's own header.
    const response plain = invoke_raw(R"({"beacon":1})", {{std::string(platforms::response_bytes_header), "120"}});
    EXPECT_EQ(nlohmann::json::parse(plain.body())["body"].get<std::string>().size(), 120u);
    // A size that is not a number is the function's 400 on either way in.
    asked.set(platforms::response_bytes_header, "lots");
    EXPECT_EQ(by_url(asked).first, 400u);
    EXPECT_EQ(by_invoke(asked).first, 400u);
}

TEST_F(InvokeLikeUrl, FailuresAreTheFunctionsOnEitherWayIn) {
    request failing = url_request(http::verb::get, "/tasks");
    failing.set(platforms::fail_header, "exception");
    EXPECT_EQ(by_url(failing).first, 502u);
    response res = invoke_raw("{}", {{std::string(platforms::fail_header), "exception"}});
    EXPECT_EQ(res.result(), http::status::ok);
    EXPECT_EQ(res["X-Amz-Function-Error"], "Unhandled");
    EXPECT_EQ(nlohmann::json::parse(res.body())["errorMessage"], "X-Sclab-Fail: exception requested");

    failing.set(platforms::fail_header, "rate-limit");
    EXPECT_EQ(by_url(failing).first, 400u);  // the Function URL's ThrottlingException
    res = invoke_raw("{}", {{std::string(platforms::fail_header), "rate-limit"}});
    EXPECT_EQ(res.result(), http::status::too_many_requests);
    EXPECT_EQ(res["x-amzn-ErrorType"], "TooManyRequestsException");
    EXPECT_EQ(sink.events.back().cloud.error_code, "TooManyRequestsException");

    // An event whose (base64) body raises, as a Function URL POST of that body would.
    request raising = url_request(http::verb::post, "/tasks", R"({"sclab_raise":true})");
    raising.set(http::field::content_type, "application/octet-stream");  // binary: the event base64-encodes it
    EXPECT_EQ(by_url(raising).first, 502u);
    const platforms::lambda_url_event_context ctx{"anonymous", "x", url_host, "r", "t", "10.20.30.40", start_time};
    const std::string event = platforms::lambda_url_event(raising, ctx);
    ASSERT_TRUE(nlohmann::json::parse(event)["isBase64Encoded"].get<bool>());
    res = invoke_raw(event);
    EXPECT_EQ(res["X-Amz-Function-Error"], "Unhandled");
    EXPECT_EQ(nlohmann::json::parse(res.body())["errorMessage"], "sclab_raise requested");
}

TEST_F(InvokeLikeUrl, AnswerOverTheResponseLimitIsTheRuntimesError) {
    const response res = invoke_raw("{}", {{std::string(platforms::response_bytes_header), std::to_string(lambda_response_payload_limit)}});
    EXPECT_EQ(res.result(), http::status::ok);
    EXPECT_EQ(res["X-Amz-Function-Error"], "Unhandled");
    const auto body = nlohmann::json::parse(res.body());
    EXPECT_EQ(body["errorType"], "Function.ResponseSizeTooLarge");
    EXPECT_NE(body["errorMessage"].get<std::string>().find("(6291556 bytes)"), std::string::npos);
    request big = url_request(http::verb::get, "/tasks");
    big.set(platforms::response_bytes_header, std::to_string(lambda_response_payload_limit + 1));
    EXPECT_EQ(by_url(big).first, 502u);
}

TEST(LambdaInvokePayload, APlainPayloadIsACheckInWithThePayloadAsBody) {
    const invoke_relay_input in = input_of(R"({"sclab_raise":1})", {{"X-Sclab-Fail", "cpu-limit"}});
    EXPECT_EQ(in.method, "POST");
    EXPECT_EQ(in.path, "/tasks");
    EXPECT_EQ(in.body, R"({"sclab_raise":1})");
    EXPECT_EQ(in.fail, "cpu-limit");
    EXPECT_EQ(in.requested_bytes, "");
    EXPECT_EQ(input_of("").path, "/tasks") << "an empty payload is a check-in too";
    EXPECT_EQ(input_of(R"({"rawPath":"/results"})").path, "/tasks") << "no requestContext.http.method: not an event";
}

TEST(LambdaInvokePayload, AnEventIsTheRequestItDescribes) {
    const invoke_relay_input in = input_of(
        R"({"version":"2.0","rawPath":"/results","body":"aGVsbG8gd29ybGQ=","isBase64Encoded":true,)"
        R"("headers":{"x-sclab-response-bytes":"12","x-sclab-fail":"daily-limit"},)"
        R"("requestContext":{"http":{"method":"PUT","path":"/results"}}})",
        {{"X-Sclab-Response-Bytes", "99"}});
    EXPECT_EQ(in.method, "PUT");
    EXPECT_EQ(in.path, "/results");
    EXPECT_EQ(in.body, "hello world");
    EXPECT_EQ(in.requested_bytes, "12") << "the event's header wins over the Invoke request's";
    EXPECT_EQ(in.fail, "daily-limit");
    const invoke_relay_input plain_body = input_of(
        R"({"rawPath":"/tasks","body":"not base64!","isBase64Encoded":false,"requestContext":{"http":{"method":"GET"}}})",
        {{"X-Sclab-Response-Bytes", "99"}});
    EXPECT_EQ(plain_body.body, "not base64!");
    EXPECT_EQ(plain_body.requested_bytes, "99") << "the Invoke request's header counts when the event has none";
}

TEST(Base64, DecodesWhatEncodeWritesAndRefusesTheRest) {
    for (const std::string& text : std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\0\xff\x10", 3)})
        EXPECT_EQ(base64_decode(base64_encode(text)), text) << base64_encode(text);
    EXPECT_FALSE(base64_decode("aGk").has_value()) << "not a multiple of four";
    EXPECT_FALSE(base64_decode("a*==").has_value());
}

}  // namespace
}  // namespace sclab::emulators::control
