// What a function sees of an Invoke payload, as the relay (platforms/relay.hpp) takes it, so a function answers
// the same whether its Function URL or the Invoke API reached it.
//
// - A payload format 2.0 event (what a Function URL hands the function: "rawPath" and
//   "requestContext.http.method", lambda_event.hpp) is the request it describes: that method and path, its
//   "body" (base64-decoded when "isBase64Encoded"), and sclab's control headers from its "headers" (lowercase,
//   as Lambda writes them). An event can therefore reach the result path, as a Function URL request can.
// - Any other payload is a check-in: POST to the function's check-in path with the payload as the body, so
//   {"sclab_raise":...} makes the function fail, the convention relay.hpp describes.
// The Invoke request's own X-Sclab-Response-Bytes / X-Sclab-Fail headers count when the event names none.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "emulators/http_types.hpp"
#include "emulators/lab_config.hpp"
#include "emulators/platforms/relay.hpp"

namespace sclab::emulators::control {

// Owns the text a platforms::relay_call views.
struct invoke_relay_input {
    std::string method, path, body, requested_bytes, fail;
    platforms::relay_call call() const { return {method, path, body, requested_bytes, fail}; }
};

// `payload` is the parsed Invoke body (null for an empty one), `invoke` the Invoke request.
invoke_relay_input relay_input_of_invoke(const nlohmann::json& payload, const request& invoke,
                                         const relay_behaviour& behaviour);

}  // namespace sclab::emulators::control
