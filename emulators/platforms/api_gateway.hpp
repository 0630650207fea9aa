// Amazon API Gateway, <10-char api-id>.execute-api.<region>.amazonaws.com/<stage>/... (profiles
// "api_gateway_rest" and "api_gateway_http": REST APIs answer with x-amzn-RequestId, x-amz-apigw-id and
// X-Amzn-Trace-Id, HTTP APIs with apigw-requestid).
//
// Owns every host of that shape: an api-id the lab does not hold gets the REST profile's "unknown_api" answer
// (403 Forbidden). Each API is modelled as one Lambda proxy integration on {proxy+}: every path under the stage
// reaches the relay, which sees the path without the stage. A path outside the stage gets "unknown_stage" (REST:
// 403 Forbidden; HTTP API: 404 Not Found). An HTTP API whose stage is "$default" has no stage prefix.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "emulators/platforms/platform_handler.hpp"

namespace sclab::emulators::platforms {

class api_gateway_platform final : public platform_handler {
public:
    api_gateway_platform(const std::vector<aws_account>& accounts, const platform_profiles& profiles,
                         telemetry::clock_source& clock, telemetry::seeded_random random);

    bool owns(const std::string& host, const request& header_only) const override;
    void handle(const std::string& host, const request& req, const connection_info& conn, response& res) override;

private:
    const profile_renderer& renderer_for(const std::string& host) const override;

    profile_renderer http_renderer_;  // renderer_ is the REST API profile
    std::map<std::string, api_gateway, std::less<>> apis_;  // by host
};

}  // namespace sclab::emulators::platforms
