// The AWS Lambda control plane (lambda.<region>.amazonaws.com): ListFunctions, GetFunction and Invoke, with
// SigV4 authentication against the lab's credentials, and one CloudTrail-shaped cloud_audit event per call.
//
// Routes on any Host for paths under /2015-03-31/functions (the AWS CLI's --endpoint-url reaches the emulator
// by IP address), and owns every path on lambda.<region>.amazonaws.com.
//
// Choices where AWS gives no single answer (see the report in FIDELITY.md section 2):
// - An access key id the lab does not know gets 403 UnrecognizedClientException, "The security token included
//   in the request is invalid." (what Lambda answers for an unknown key). Real CloudTrail may not deliver that
//   record to anyone, since the key maps to no account; the lab records it for the account that holds the
//   named function (else the lab's first AWS account) so denied calls are visible to detections, with
//   errorCode UnrecognizedClientException.
// - A known key whose user lacks the action (aws_credential::allowed_actions) gets 403 AccessDeniedException;
//   CloudTrail's errorCode is then "AccessDenied".
// - Signatures are verified when the lab gives the credential's secret; with no secret only the key id counts.
// - Invoke runs the function's relay (platforms::run_relay), the same code its Function URL runs, on what the
//   function sees of the payload (lambda_invoke_payload.hpp: a payload format 2.0 event is the request it
//   describes; any other payload is a check-in). It answers {"statusCode":<status>,"body":"<answer>"}: a task of
//   relay.task_bytes on the check-in path, an acknowledgement of relay.ack_bytes on the result path (or
//   X-Sclab-Response-Bytes, bounded by relay.max_response_bytes), 404/405 for another path or method. A function
//   that fails ({"sclab_raise":...} or X-Sclab-Fail) answers 200 with X-Amz-Function-Error: Unhandled; a
//   throttled one (X-Sclab-Fail: rate-limit, or over invoke_rate_limit) 429 TooManyRequestsException; a
//   response over lambda_response_payload_limit the runtime's Function.ResponseSizeTooLarge error.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "emulators/control/request_target.hpp"
#include "emulators/http_types.hpp"
#include "emulators/lab_config.hpp"
#include "telemetry/clock.hpp"
#include "telemetry/random.hpp"

namespace sclab::emulators::control {

inline constexpr std::uint64_t lambda_sync_payload_limit = 6 * 1024 * 1024;  // 6291456, RequestResponse
// Asynchronous (Event) payloads: 1 MB since AWS raised it from 256 KB in 2025 (*unverified* for every region).
inline constexpr std::uint64_t lambda_async_payload_limit = 1024 * 1024;
// A function's response: the runtime's "maximum allowed payload size (6291556 bytes)", the lambda_url profile's
// response_bytes too.
inline constexpr std::uint64_t lambda_response_payload_limit = 6291556;

class aws_lambda_api final : public request_handler {
public:
    aws_lambda_api(std::vector<aws_account> accounts, event_sink& sink, telemetry::clock_source& clock,
                   telemetry::seeded_random random);

    bool owns(const std::string& host, const request& header_only) const override;
    std::uint64_t body_limit(const std::string& host, const request& header_only) const override;
    void too_large(const std::string& host, const request& header_only, response& res) const override;
    void handle(const std::string& host, const request& req, const connection_info& conn, response& res) override;

private:
    struct call;  // one request on its way through: operation, caller, audit event under construction
    struct denial {
        http::status status;
        std::string error_type;  // x-amzn-ErrorType
        std::string message;
        std::string audit_code;  // CloudTrail errorCode when it differs from error_type
    };

    // Checks the SigV4 Authorization header against the lab's credentials and fills the caller into the audit
    // record; the denial when the call may not proceed.
    std::optional<denial> authenticate(call& c, const request& req) const;
    // The function the call names in the caller's account and region; answers 404 and returns null otherwise.
    const lambda_function* find_function(call& c, const request_target& target, response& res) const;
    void list_functions(call& c, const request_target& target, response& res) const;
    void get_function(call& c, const request_target& target, response& res) const;
    void invoke(call& c, const request_target& target, const request& req, response& res);
    // Writes Lambda's error response and marks the audit record failed.
    void fail(call& c, response& res, http::status status, std::string_view error_type, std::string_view message,
              std::string_view audit_code = {}) const;
    bool over_rate_limit(const std::string& function_arn, std::uint32_t per_second);
    // Writes the Invoke API's 429 TooManyRequestsException and marks the audit record failed.
    void throttled(call& c, response& res) const;

    std::vector<aws_account> accounts_;
    event_sink& sink_;
    telemetry::clock_source& clock_;
    telemetry::time_ns deployed_at_;
    mutable std::mutex mutex_;  // guards random_ and recent_invokes_
    mutable telemetry::seeded_random random_;
    std::map<std::string, std::deque<telemetry::time_ns>> recent_invokes_;  // by function ARN
};

}  // namespace sclab::emulators::control
