// The Lambda control plane called directly with Beast requests: each operation, each invocation type and
// status, authentication failures, and the CloudTrail record every call leaves (FIDELITY.md section 2).
#include <gtest/gtest.h>

#include <regex>

#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include "emulators/control/aws_lambda_api.hpp"
#include "control_fixtures.hpp"
#include "telemetry/clock.hpp"
#include "telemetry/time_format.hpp"

namespace sclab::emulators::control {
namespace {

using testing::client_at;
using testing::make_request;
using testing::recording_sink;

constexpr telemetry::time_ns start_time = 1'700'000'000'000'000'000;  // 2023-11-14T22:13:20Z

std::vector<aws_account> lab_accounts() {
    aws_account account;
    account.id = "123456789012";
    account.credentials = {
        {"AKIAEXAMPLEKEY000001", "labsecret/EXAMPLE+key", "arn:aws:iam::123456789012:user/alice", "AIDAALICEEXAMPLE", {}},
        {"AKIANOSECRET00000002", "", "arn:aws:iam::123456789012:user/bob", "AIDABOBEXAMPLE", {}},
        {"AKIALISTONLY00000003", "", "arn:aws:iam::123456789012:user/carol", "AIDACAROLEXAMPLE", {"lambda:ListFunctions"}},
    };
    lambda_function relay;
    relay.name = "relay-fn";
    relay.region = "eu-west-1";
    relay.relay.task_bytes = 48;
    lambda_function beacon = relay;
    beacon.name = "beacon-fn";
    beacon.invoke_rate_limit = 2;
    beacon.memory_mb = 256;
    lambda_function east = relay;
    east.name = "east-fn";
    east.region = "us-east-1";
    account.functions = {relay, beacon, east};
    return {account};
}

std::string authorization_for(const std::string& key_id, const std::string& region = "eu-west-1") {
    return "AWS4-HMAC-SHA256 Credential=" + key_id + "/20231114/" + region +
           "/lambda/aws4_request, SignedHeaders=host;x-amz-date, "
           "Signature=0000000000000000000000000000000000000000000000000000000000000000";
}

std::string base64_decode(const std::string& text) {
    std::string out(text.size(), '\0');
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
    if (n < 0) return "<bad base64>";
    out.resize(static_cast<std::size_t>(n));
    while (!out.empty() && out.back() == '\0') out.pop_back();  // EVP_DecodeBlock keeps the padding bytes
    return out;
}

bool is_uuid(const std::string& text) {
    static const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    return std::regex_match(text, uuid);
}

class LambdaApi : public ::testing::Test {
protected:
    response call(http::verb method, const std::string& target, const std::string& key_id = "AKIANOSECRET00000002",
                  const std::string& body = {}, std::vector<std::pair<std::string, std::string>> headers = {}) {
        request req = make_request(method, target, "127.0.0.1", body);
        req.set(http::field::user_agent, "aws-cli/2.9.19 Python/3.11.2 Linux/6.1 source/x86_64.debian.12");
        req.set("X-Amz-Date", "20231114T221320Z");
        if (!key_id.empty()) req.set(http::field::authorization, authorization_for(key_id));
        for (const auto& [name, value] : headers) req.set(name, value);
        EXPECT_TRUE(api.owns("127.0.0.1", req));
        response res;
        api.handle("127.0.0.1", req, client_at("10.20.30.40"), res);
        return res;
    }
    const telemetry::cloud_audit_info& last_audit() {
        EXPECT_FALSE(sink.events.empty());
        return sink.events.back().cloud;
    }

    recording_sink sink;
    telemetry::virtual_clock clock{start_time};
    aws_lambda_api api{lab_accounts(), sink, clock, telemetry::seeded_random(42)};
};

TEST_F(LambdaApi, ListFunctionsReturnsTheRegionsFunctionsInTheCliShape) {
    const response res = call(http::verb::get, "/2015-03-31/functions/");
    ASSERT_EQ(res.result(), http::status::ok) << res.body();
    EXPECT_EQ(res[http::field::content_type], "application/json");
    const auto body = nlohmann::json::parse(res.body());
    ASSERT_EQ(body["Functions"].size(), 2u);  // east-fn lives in us-east-1
    EXPECT_FALSE(body.contains("NextMarker"));
    const auto& f = body["Functions"][0];
    EXPECT_EQ(f["FunctionName"], "beacon-fn");
    EXPECT_EQ(f["FunctionArn"], "arn:aws:lambda:eu-west-1:123456789012:function:beacon-fn");
    EXPECT_EQ(f["Runtime"], "python3.12");
    EXPECT_EQ(f["Role"], "arn:aws:iam::123456789012:role/beacon-fn-role");
    EXPECT_EQ(f["Handler"], "lambda_function.lambda_handler");
    EXPECT_TRUE(f["CodeSize"].is_number_unsigned());
    EXPECT_EQ(f["Description"], "");
    EXPECT_EQ(f["Timeout"], 3);
    EXPECT_EQ(f["MemorySize"], 256);
    EXPECT_EQ(f["LastModified"], "2023-11-14T22:13:20.000+0000");
    EXPECT_EQ(f["CodeSha256"].get<std::string>().size(), 44u);  // base64 of 32 bytes
    EXPECT_EQ(f["Version"], "$LATEST");
    EXPECT_EQ(f["PackageType"], "Zip");
    EXPECT_EQ(f["Architectures"], nlohmann::json::array({"x86_64"}));
    EXPECT_EQ(body["Functions"][1]["FunctionName"], "relay-fn");
}

TEST_F(LambdaApi, ListFunctionsPagesWithMaxItemsAndMarker) {
    auto page = nlohmann::json::parse(call(http::verb::get, "/2015-03-31/functions/?MaxItems=1").body());
    ASSERT_EQ(page["Functions"].size(), 1u);
    EXPECT_EQ(page["NextMarker"], "beacon-fn");
    page = nlohmann::json::parse(call(http::verb::get, "/2015-03-31/functions/?MaxItems=1&Marker=beacon-fn").body());
    ASSERT_EQ(page["Functions"].size(), 1u);
    EXPECT_EQ(page["Functions"][0]["FunctionName"], "relay-fn");
    EXPECT_FALSE(page.contains("NextMarker"));
    EXPECT_EQ(call(http::verb::get, "/2015-03-31/functions/?MaxItems=0").result(), http::status::bad_request);
}

TEST_F(LambdaApi, ListFunctionsWritesAReadOnlyManagementEvent) {
    const response res = call(http::verb::get, "/2015-03-31/functions/");
    ASSERT_EQ(sink.events.size(), 1u);
    const telemetry::event& e = sink.events[0];
    EXPECT_EQ(e.kind, telemetry::event_kind::cloud_audit);
    EXPECT_EQ(e.time, start_time);
    const auto& a = e.cloud;
    EXPECT_EQ(a.provider, "aws");
    EXPECT_EQ(a.service, "lambda.amazonaws.com");
    EXPECT_EQ(a.action, "ListFunctions20150331");
    EXPECT_TRUE(a.success);
    EXPECT_EQ(a.error_code, "");
    EXPECT_EQ(a.actor_type, "IAMUser");
    EXPECT_EQ(a.actor_id, "AIDABOBEXAMPLE");
    EXPECT_EQ(a.actor_name, "arn:aws:iam::123456789012:user/bob");
    EXPECT_EQ(a.actor_account, "123456789012");
    EXPECT_EQ(a.access_key_id, "AKIANOSECRET00000002");
    EXPECT_EQ(a.account_id, "123456789012");
    EXPECT_EQ(a.region, "eu-west-1");
    EXPECT_EQ(a.source_ip, "10.20.30.40");
    EXPECT_EQ(a.user_agent, "aws-cli/2.9.19 Python/3.11.2 Linux/6.1 source/x86_64.debian.12");
    EXPECT_EQ(a.request_id, std::string(res["x-amzn-RequestId"]));
    EXPECT_TRUE(is_uuid(a.request_id)) << a.request_id;
    EXPECT_TRUE(is_uuid(a.event_id)) << a.event_id;
    EXPECT_NE(a.event_id, a.request_id);
    EXPECT_EQ(a.read_only, std::optional<bool>(true));
    EXPECT_EQ(a.management_event, std::optional<bool>(true));
    EXPECT_EQ(a.category, "Management");
    EXPECT_EQ(a.resource_type, "") << "ListFunctions names no resource";
    EXPECT_EQ(e.user, "bob");
}

TEST_F(LambdaApi, GetFunctionReturnsConfigurationAndCode) {
    const response res = call(http::verb::get, "/2015-03-31/functions/relay-fn");
    ASSERT_EQ(res.result(), http::status::ok) << res.body();
    const auto body = nlohmann::json::parse(res.body());
    EXPECT_EQ(body["Configuration"]["FunctionName"], "relay-fn");
    EXPECT_EQ(body["Code"]["RepositoryType"], "S3");
    EXPECT_NE(body["Code"]["Location"].get<std::string>().find("awslambda-eu-west-1-tasks"), std::string::npos);
    const auto& a = last_audit();
    EXPECT_EQ(a.action, "GetFunction20150331");
    EXPECT_EQ(a.read_only, std::optional<bool>(true));
    EXPECT_EQ(nlohmann::json::parse(a.request_parameters), (nlohmann::json{{"functionName", "relay-fn"}}));
    EXPECT_EQ(a.resource_type, "AWS::Lambda::Function");
    EXPECT_EQ(a.resource_name, "arn:aws:lambda:eu-west-1:123456789012:function:relay-fn");
    EXPECT_EQ(a.resource_id, "relay-fn");
}

TEST_F(LambdaApi, GetFunctionAcceptsAnArn) {
    const response res =
        call(http::verb::get, "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aeu-west-1%3A123456789012%3Afunction%3Arelay-fn");
    EXPECT_EQ(res.result(), http::status::ok) << res.body();
}

TEST_F(LambdaApi, UnknownFunctionIs404ResourceNotFoundWithErrorCodeInTheTrail) {
    const response res = call(http::verb::get, "/2015-03-31/functions/nope");
    EXPECT_EQ(res.result(), http::status::not_found);
    EXPECT_EQ(res["x-amzn-ErrorType"], "ResourceNotFoundException");
    const auto body = nlohmann::json::parse(res.body());
    EXPECT_EQ(body["Type"], "User");
    EXPECT_EQ(body["Message"], "Function not found: arn:aws:lambda:eu-west-1:123456789012:function:nope");
    const auto& a = last_audit();
    EXPECT_FALSE(a.success);
    EXPECT_EQ(a.error_code, "ResourceNotFoundException");
    EXPECT_EQ(a.error_message, "Function not found: arn:aws:lambda:eu-west-1:123456789012:function:nope");
    // A function of another region is not found either.
    EXPECT_EQ(call(http::verb::get, "/2015-03-31/functions/east-fn").result(), http::status::not_found);
    EXPECT_EQ(call(http::verb::get, "/2015-03-31/functions/relay-fn?Qualifier=prod").result(), http::status::not_found);
}

TEST_F(LambdaApi, InvokeRequestResponseAnswers200WithTheFunctionsOutputAndTailLog) {
    const response res = call(http::verb::post, "/2015-03-31/functions/relay-fn/invocations", "AKIANOSECRET00000002",
                              R"({"beacon":1})", {{"X-Amz-Invocation-Type", "RequestResponse"}, {"X-Amz-Log-Type", "Tail"}});
    ASSERT_EQ(res.result(), http::status::ok) << res.body();
    EXPECT_EQ(res["X-Amz-Executed-Version"], "$LATEST");
    EXPECT_EQ(res.find("X-Amz-Function-Error"), res.end());
    const auto body = nlohmann::json::parse(res.body());
    EXPECT_EQ(body["statusCode"], 200);
    EXPECT_EQ(body["body"].get<std::string>().size(), 48u);
    const std::string log = base64_decode(std::string(res["X-Amz-Log-Result"]));
    const std::string request_id(res["x-amzn-RequestId"]);
    EXPECT_EQ(log.rfind("START RequestId: " + request_id + " Version: $LATEST\n", 0), 0u) << log;
    EXPECT_NE(log.find("REPORT RequestId: " + request_id), std::string::npos);
    EXPECT_TRUE(std::regex_search(std::string(res["X-Amzn-Trace-Id"]), std::regex("^root=1-[0-9a-f]{8}-[0-9a-f]{24};")));
}

TEST_F(LambdaApi, InvokeIsADataEventWithFunctionAndInvocationType) {
    call(http::verb::post, "/2015-03-31/functions/relay-fn/invocations", "AKIANOSECRET00000002", "{}",
         {{"X-Amz-Invocation-Type", "Event"}});
    const auto& a = last_audit();
    EXPECT_EQ(a.action, "Invoke");
    EXPECT_EQ(a.management_event, std::optional<bool>(false));
    EXPECT_EQ(a.read_only, std::optional<bool>(false));
    EXPECT_EQ(a.category, "Data");
    const auto params = nlohmann::json::parse(a.request_parameters);
    EXPECT_EQ(params["functionName"], "arn:aws:lambda:eu-west-1:123456789012:function:relay-fn");
    EXPECT_EQ(params["invocationType"], "Event");
}

TEST_F(LambdaApi, InvokeEventIs202AndDryRunIs204WithoutBodies) {
    response res = call(http::verb::post, "/2015-03-31/functions/relay-fn/invocations", "AKIANOSECRET00000002", "{}",
                        {{"X-Amz-Invocation-Type", "Event"}});
    EXPECT_EQ(res.result(), http::status::accepted);
    EXPECT_EQ(res.body(), "");
    res = call(http::verb::post, "/2015-03-31/functions/relay-fn/invocations", "AKIANOSECRET00000002", "{}",
               {{"X-Amz-Invocation-Type", "DryRun"}});
    EXPECT_EQ(res.result(), http::status::no_content);
    EXPECT_EQ(res.body(), "");
    res = call(http::verb::post, "/2015-03-31/functions/relay-fn/invocations", "AKIANOSECRET00000002", "{}",
               {{"X-Amz-Invocation-Type", "Sometimes"}});
    EXPECT_EQ(res.result(), http::status::bad_request);
    EXPECT_EQ(res["x-amzn-ErrorType"], "InvalidParameterValueException");
}

TEST_F(LambdaApi, FunctionErrorSetsXAmzFunctionError) {
    const response res = call(http::verb::post, "/2015-03-31/functions/relay-fn/invocations", "AKIANOSECRET00000002",
                              R"({"sclab_raise":true})", {{"X-Amz-Log-Type", "Tail"}});
    ASSERT_EQ(res.result(), http::status::ok);
    EXPECT_EQ(res["X-Amz-Function-Error"], "Unhandled");
    const auto body = nlohmann::json::parse(res.body());
    EXPECT_EQ(body["errorType"], "Exception");
    EXPECT_NE(base64_decode(std::string(res["X-Amz-Log-Result"])).find("[ERROR]"), std::string::npos);
    // The API call itself succeeded: CloudTrail records no error for a function that failed.
    EXPECT_TRUE(last_audit().success);
}

TEST_F(LambdaApi, InvokeWithAPayloadThatIsNotJsonIs400) {
    const response res = call(http::verb::post, "/2015-03-31/functions/relay-fn/invocations", "AKIANOSECRET00000002",
                              "not json");
    EXPECT_EQ(res.result(), http::status::bad_request);
    EXPECT_EQ(res["x-amzn-ErrorType"], "InvalidRequestContentException");
    EXPECT_EQ(last_audit().error_code, "InvalidRequestContentException");
}

TEST_F(LambdaApi, RateLimitAnswers429UntilTheSecondPasses) {
    const std::string path = "/2015-03-31/functions/beacon-fn/invocations";
    EXPECT_EQ(call(http::verb::post, path).result(), http::status::ok);
    EXPECT_EQ(call(http::verb::post, path).result(), http::status::ok);
    const response res = call(http::verb::post, path);
    EXPECT_EQ(res.result(), http::status::too_many_requests);
    EXPECT_EQ(res["x-amzn-ErrorType"], "TooManyRequestsException");
    EXPECT_EQ(nlohmann::json::parse(res.body())["Reason"], "ReservedFunctionConcurrentInvocationLimitExceeded");
    EXPECT_EQ(last_audit().error_code, "TooManyRequestsException");
    clock.advance(telemetry::ns_per_second);
    EXPECT_EQ(call(http::verb::post, path).result(), http::status::ok);
}

TEST_F(LambdaApi, UnknownAccessKeyIsDeniedAndTheTrailCarriesTheErrorButNoSecret) {
    const response res = call(http::verb::get, "/2015-03-31/functions/relay-fn", "AKIAUNKNOWN000000009");
    EXPECT_EQ(res.result(), http::status::forbidden);
    EXPECT_EQ(res["x-amzn-ErrorType"], "UnrecognizedClientException");
    EXPECT_EQ(nlohmann::json::parse(res.body())["message"], "The security token included in the request is invalid.");
    ASSERT_EQ(sink.events.size(), 1u);
    const auto& a = sink.events[0].cloud;
    EXPECT_FALSE(a.success);
    EXPECT_EQ(a.error_code, "UnrecognizedClientException");
    EXPECT_EQ(a.error_message, "The security token included in the request is invalid.");
    EXPECT_EQ(a.access_key_id, "AKIAUNKNOWN000000009");
    EXPECT_EQ(a.account_id, "123456789012");  // the account holding relay-fn
    EXPECT_EQ(a.actor_name, "");
    const std::string text = testing::all_audit_text(sink.events[0]);
    EXPECT_FALSE(testing::contains(text, "AWS4-HMAC-SHA256"));
    EXPECT_FALSE(testing::contains(text, "0000000000000000000000000000000000000000000000000000000000000000"));
}

TEST_F(LambdaApi, MissingAndMalformedAuthorizationAreRefused) {
    response res = call(http::verb::get, "/2015-03-31/functions/", "");
    EXPECT_EQ(res.result(), http::status::forbidden);
    EXPECT_EQ(res["x-amzn-ErrorType"], "MissingAuthenticationTokenException");
    request req = make_request(http::verb::get, "/2015-03-31/functions/", "127.0.0.1");
    req.set(http::field::authorization, "AWS4-HMAC-SHA256 Credential=AKIA/2023/x");
    api.handle("127.0.0.1", req, client_at("10.0.0.1"), res);
    EXPECT_EQ(res.result(), http::status::bad_request);
    EXPECT_EQ(res["x-amzn-ErrorType"], "IncompleteSignatureException");
    EXPECT_EQ(last_audit().error_code, "IncompleteSignatureException");
    EXPECT_FALSE(testing::contains(testing::all_audit_text(sink.events.back()), "AKIA/2023/x"));
}

TEST_F(LambdaApi, UserWithoutThePermissionGetsAccessDenied) {
    EXPECT_EQ(call(http::verb::get, "/2015-03-31/functions/", "AKIALISTONLY00000003").result(), http::status::ok);
    const response res = call(http::verb::post, "/2015-03-31/functions/relay-fn/invocations", "AKIALISTONLY00000003");
    EXPECT_EQ(res.result(), http::status::forbidden);
    EXPECT_EQ(res["x-amzn-ErrorType"], "AccessDeniedException");
    EXPECT_EQ(nlohmann::json::parse(res.body())["Message"],
              "User: arn:aws:iam::123456789012:user/carol is not authorized to perform: lambda:InvokeFunction on "
              "resource: arn:aws:lambda:eu-west-1:123456789012:function:relay-fn because no identity-based policy "
              "allows the lambda:InvokeFunction action");
    const auto& a = last_audit();
    EXPECT_EQ(a.error_code, "AccessDenied");
    EXPECT_EQ(a.actor_name, "arn:aws:iam::123456789012:user/carol");
    EXPECT_EQ(a.category, "Data");
}

TEST_F(LambdaApi, SignatureIsVerifiedWhenTheLabKnowsTheSecret) {
    // Signed by botocore 1.43 with the secret of AKIAEXAMPLEKEY000001 (see sigv4_test.cpp).
    request req = make_request(http::verb::post, "/2015-03-31/functions/relay-fn/invocations",
                               "lambda.eu-west-1.amazonaws.com", R"({"ping":1})");
    req.set("X-Amz-Invocation-Type", "RequestResponse");
    req.set("X-Amz-Log-Type", "Tail");
    req.set(http::field::content_type, "application/json");
    req.set("X-Amz-Date", "20150830T123600Z");
    req.set(http::field::authorization,
            "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLEKEY000001/20150830/eu-west-1/lambda/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date;x-amz-invocation-type;x-amz-log-type, "
            "Signature=9d497ea35e15ad1e0c70d487f512912b17b73513a4247346911b6414eb99919c");
    ASSERT_TRUE(api.owns("lambda.eu-west-1.amazonaws.com", req));
    response res;
    api.handle("lambda.eu-west-1.amazonaws.com", req, client_at("10.0.0.2"), res);
    EXPECT_EQ(res.result(), http::status::ok) << res.body();

    req.body() = R"({"ping":2})";
    req.prepare_payload();
    api.handle("lambda.eu-west-1.amazonaws.com", req, client_at("10.0.0.2"), res);
    EXPECT_EQ(res.result(), http::status::forbidden);
    EXPECT_EQ(res["x-amzn-ErrorType"], "InvalidSignatureException");
    EXPECT_EQ(last_audit().error_code, "InvalidSignatureException");
    EXPECT_FALSE(testing::contains(testing::all_audit_text(sink.events.back()), "labsecret"));
    EXPECT_FALSE(testing::contains(testing::all_audit_text(sink.events.back()), "9d497ea35e15"));
}

TEST_F(LambdaApi, OwnsApiPathsOnAnyHostAndEveryPathOnLambdaHosts) {
    const request list = make_request(http::verb::get, "/2015-03-31/functions/", "10.1.2.3");
    EXPECT_TRUE(api.owns("10.1.2.3", list));
    const request other = make_request(http::verb::get, "/client/v4/accounts", "10.1.2.3");
    EXPECT_FALSE(api.owns("10.1.2.3", other));
    EXPECT_TRUE(api.owns("lambda.ap-south-1.amazonaws.com", other));
    EXPECT_FALSE(api.owns("lambda.evil.example.amazonaws.com", other));
    const request lookalike = make_request(http::verb::get, "/2015-03-31/functionsX", "10.1.2.3");
    EXPECT_FALSE(api.owns("10.1.2.3", lookalike));
}

TEST_F(LambdaApi, BodyLimitsFollowTheInvocationType) {
    request sync = make_request(http::verb::post, "/2015-03-31/functions/relay-fn/invocations", "127.0.0.1");
    EXPECT_EQ(api.body_limit("127.0.0.1", sync), 6291456u);
    request async = sync;
    async.set("X-Amz-Invocation-Type", "Event");
    EXPECT_EQ(api.body_limit("127.0.0.1", async), lambda_async_payload_limit);
    response res;
    api.too_large("127.0.0.1", sync, res);
    EXPECT_EQ(res.result(), http::status::payload_too_large);
    EXPECT_EQ(res["x-amzn-ErrorType"], "RequestTooLargeException");
    EXPECT_EQ(nlohmann::json::parse(res.body())["message"],
              "Request must be smaller than 6291456 bytes for the InvokeFunction operation");
}

TEST_F(LambdaApi, TheSameSeedGivesTheSameIds) {
    recording_sink other_sink;
    telemetry::virtual_clock other_clock{start_time};
    aws_lambda_api twin{lab_accounts(), other_sink, other_clock, telemetry::seeded_random(42)};
    const response mine = call(http::verb::get, "/2015-03-31/functions/");
    request req = make_request(http::verb::get, "/2015-03-31/functions/", "127.0.0.1");
    req.set(http::field::authorization, authorization_for("AKIANOSECRET00000002"));
    response theirs;
    twin.handle("127.0.0.1", req, client_at("10.0.0.3"), theirs);
    EXPECT_EQ(mine["x-amzn-RequestId"], theirs["x-amzn-RequestId"]);
    EXPECT_EQ(sink.events.back().cloud.event_id, other_sink.events.back().cloud.event_id);
}

}  // namespace
}  // namespace sclab::emulators::control
