// The relay every platform runs: paths, methods, sizes from the lab file and from X-Sclab-Response-Bytes, failures.
#include "emulators/platforms/relay.hpp"

#include <gtest/gtest.h>

#include "platform_test_support.hpp"

namespace sclab::emulators::platforms {
namespace {

relay_behaviour behaviour() {
    relay_behaviour b;
    b.checkin_path = "/beacon";
    b.result_path = "/upload";
    b.task_bytes = 40;
    b.ack_bytes = 8;
    b.max_response_bytes = 100;
    return b;
}

relay_answer call(std::string_view method, std::string_view path, std::string_view body = {},
                  std::string_view requested = {}, std::string_view fail = {}) {
    telemetry::seeded_random random(7);
    return run_relay(behaviour(), relay_call{method, path, body, requested, fail}, random);
}

bool is_lower_hex(const std::string& s) { return s.find_first_not_of("0123456789abcdef") == std::string::npos; }

TEST(Relay, CheckinAnswersATaskOfTaskBytesForGetAndPost) {
    for (std::string_view method : {"GET", "POST", "HEAD"}) {
        relay_answer a = call(method, "/beacon");
        EXPECT_EQ(a.outcome, relay_outcome::task) << method;
        EXPECT_EQ(a.status, 200u);
        EXPECT_EQ(a.body.size(), 40u);
        EXPECT_TRUE(is_lower_hex(a.body));
    }
}

TEST(Relay, ResultPathAcceptsAnUploadAndAnswersAckBytes) {
    relay_answer a = call("POST", "/upload", std::string(5000, 'x'));
    EXPECT_EQ(a.outcome, relay_outcome::ack);
    EXPECT_EQ(a.status, 200u);
    EXPECT_EQ(a.body.size(), 8u);
    EXPECT_EQ(call("PUT", "/upload", "data").outcome, relay_outcome::ack);
}

TEST(Relay, WrongMethodIs405AndUnknownPathIs404) {
    relay_answer get_result = call("GET", "/upload");
    EXPECT_EQ(get_result.status, 405u);
    EXPECT_EQ(get_result.body, "Method Not Allowed");
    EXPECT_EQ(call("DELETE", "/beacon").status, 405u);
    relay_answer other = call("GET", "/elsewhere");
    EXPECT_EQ(other.status, 404u);
    EXPECT_EQ(other.body, "Not Found");
}

TEST(Relay, RequestedSizeIsHonouredAndBoundedByMaxResponseBytes) {
    EXPECT_EQ(call("GET", "/beacon", {}, "77").body.size(), 77u);
    EXPECT_EQ(call("GET", "/beacon", {}, "0").body.size(), 0u);
    EXPECT_EQ(call("GET", "/beacon", {}, "100000").body.size(), 100u);
    EXPECT_EQ(call("POST", "/upload", "x", "50").body.size(), 50u);
    relay_answer bad = call("GET", "/beacon", {}, "12k");
    EXPECT_EQ(bad.status, 400u);
    EXPECT_EQ(bad.body, "X-Sclab-Response-Bytes must be a whole number of bytes");
}

TEST(Relay, FailHeaderAndRaiseBodyMakeTheFunctionFail) {
    EXPECT_EQ(call("GET", "/beacon", {}, {}, "exception").failure, relay_failure::exception);
    EXPECT_EQ(call("GET", "/beacon", {}, {}, "CPU-Limit").failure, relay_failure::cpu_limit);
    EXPECT_EQ(call("GET", "/beacon", {}, {}, "rate-limit").failure, relay_failure::rate_limit);
    EXPECT_EQ(call("GET", "/beacon", {}, {}, "daily-limit").failure, relay_failure::daily_limit);
    EXPECT_EQ(call("GET", "/beacon", {}, {}, "something-else").failure, relay_failure::none);
    EXPECT_EQ(call("POST", "/beacon", R"({"sclab_raise": true})").failure, relay_failure::exception);
    // The key must be a key of a JSON object, not just text in the body.
    EXPECT_EQ(call("POST", "/beacon", R"(["sclab_raise"])").failure, relay_failure::none);
}

TEST(Relay, SameSeedGivesSameTask) {
    EXPECT_EQ(call("GET", "/beacon").body, call("GET", "/beacon").body);
    telemetry::seeded_random other(8);
    EXPECT_NE(run_relay(behaviour(), relay_call{"GET", "/beacon", {}, {}, {}}, other).body, call("GET", "/beacon").body);
}

TEST(Relay, CallIsTakenFromTheRequestHeaders) {
    request req = testing::make_request(http::verb::post, "/beacon?x=1", "h.example", "payload");
    req.set("X-Sclab-Response-Bytes", "12");
    req.set("X-Sclab-Fail", "exception");
    relay_call c = relay_call_for(req, "/beacon");
    EXPECT_EQ(c.method, "POST");
    EXPECT_EQ(c.path, "/beacon");
    EXPECT_EQ(c.body, "payload");
    EXPECT_EQ(c.requested_bytes, "12");
    EXPECT_EQ(c.fail, "exception");
}

}  // namespace
}  // namespace sclab::emulators::platforms
