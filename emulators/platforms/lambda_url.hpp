// AWS Lambda function URLs, <url-id>.lambda-url.<region>.on.aws (profile "lambda_url").
//
// Owns every host of that shape, so a url-id the lab does not hold gets Lambda's own answer: 403 with
// x-amzn-ErrorType AccessDeniedException and {"Message":null}. A known function gets the payload format 2.0
// event (lambda_event.hpp); an event over the profile's "event_bytes" (6 MB) gets the 413, a function failure
// 502, throttling 400 ThrottlingException, an answer over "response_bytes" 502.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "emulators/platforms/platform_handler.hpp"

namespace sclab::emulators::platforms {

class lambda_url_platform final : public platform_handler {
public:
    lambda_url_platform(const std::vector<aws_account>& accounts, const platform_profiles& profiles,
                        telemetry::clock_source& clock, telemetry::seeded_random random);

    bool owns(const std::string& host, const request& header_only) const override;
    void handle(const std::string& host, const request& req, const connection_info& conn, response& res) override;

    // Called with every event handed to a function (tests, debugging). Not thread-safe to change while serving.
    void set_event_observer(std::function<void(const std::string& event)> observer) { observer_ = std::move(observer); }

private:
    std::map<std::string, relay_behaviour, std::less<>> functions_;  // by host
    std::function<void(const std::string&)> observer_;
};

}  // namespace sclab::emulators::platforms
