// The event a Lambda function URL hands its function: payload format 2.0 (FIDELITY.md section 2), built from
// the HTTPS request so the relay sees what a real function would, and so the 6 MB limit applies to the event as
// Lambda applies it (a base64-encoded binary body grows by a third).
#pragma once

#include <string>
#include <string_view>

#include "emulators/http_types.hpp"
#include "telemetry/event.hpp"

namespace sclab::emulators::platforms {

struct lambda_url_event_context {
    std::string_view account_id;  // "anonymous" for a URL with AuthType NONE, as Lambda reports it
    std::string_view url_id;      // apiId and domainPrefix
    std::string_view domain_name; // <url-id>.lambda-url.<region>.on.aws
    std::string_view request_id;  // the x-amzn-RequestId of the response
    std::string_view trace_id;    // the X-Amzn-Trace-Id Lambda adds to the forwarded headers
    std::string_view source_ip;
    telemetry::time_ns time = 0;
};

// The event as compact JSON. Header names are lowercased and repeated headers joined with ","; cookies move to
// "cookies"; query parameters are decoded; a body whose Content-Type is not text (text/*, JSON, XML, JavaScript)
// or that is not valid UTF-8 is base64-encoded with isBase64Encoded true.
std::string lambda_url_event(const request& req, const lambda_url_event_context& ctx);

// At least lambda_url_event(req, ctx).size(), found in a pass over the header sizes without building the event:
// the function URL builds the event only when this says it may be over the limit (or a test observes it), because
// building it costs more than the rest of the request.
std::size_t lambda_url_event_size_bound(const request& req, const lambda_url_event_context& ctx);

// "12/Mar/2020:19:03:58 +0000", the requestContext.time form.
std::string lambda_event_time(telemetry::time_ns t);

}  // namespace sclab::emulators::platforms
