// The C2 relay behind every emulated function: what a Worker, a Lambda, an Apps Script doGet/doPost or a Cloud
// Function does when an implant calls it. One piece of code for every platform; each platform only decides which
// path the function sees and how a failure looks on the wire.
//
// Behaviour (lab_config.hpp relay_behaviour):
//   check-in path, GET/HEAD/POST   200 with a task of task_bytes
//   result path, POST/PUT          200 with an acknowledgement of ack_bytes (the upload itself is discarded)
//   either path, another method    405 "Method Not Allowed"
//   any other path                 404 "Not Found"
// A client may ask for the size of the answer with `X-Sclab-Response-Bytes: <n>` (bounded by
// max_response_bytes; a value that is not a whole number gets 400), and may make the function fail with
// `X-Sclab-Fail: exception | cpu-limit | rate-limit | daily-limit`, or with a JSON body holding the key
// "sclab_raise". These headers are sclab's own: a real relay would ignore them. The Lambda control plane's
// Invoke runs this relay too (control/lambda_invoke_payload.hpp says what the function sees of a payload).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "emulators/http_types.hpp"
#include "emulators/lab_config.hpp"
#include "telemetry/random.hpp"

namespace sclab::emulators::platforms {

inline constexpr std::string_view response_bytes_header = "X-Sclab-Response-Bytes";
inline constexpr std::string_view fail_header = "X-Sclab-Fail";

enum class relay_failure : std::uint8_t {
    none,
    exception,    // the function threw (Cloudflare 1101, Lambda 502, Cloud Functions 500)
    cpu_limit,    // the function ran out of CPU time (Cloudflare 1102)
    rate_limit,   // the platform throttled the call (Cloudflare 1015, Lambda ThrottlingException, 429)
    daily_limit,  // the account's daily quota is spent (Cloudflare 1027)
};

// What the function sees of the request.
struct relay_call {
    std::string_view method;           // "GET"
    std::string_view path;             // the path as the function sees it, without the query
    std::string_view body;
    std::string_view requested_bytes;  // X-Sclab-Response-Bytes, empty when absent
    std::string_view fail;             // X-Sclab-Fail, empty when absent
};

enum class relay_outcome : std::uint8_t { task, ack, not_found, method_not_allowed, bad_request, failed };

struct relay_answer {
    relay_outcome outcome = relay_outcome::task;
    unsigned status = 200;
    std::string body;
    relay_failure failure = relay_failure::none;
};

// The call a platform forwards: method, the function's path, the body and sclab's two control headers.
relay_call relay_call_for(const request& req, std::string_view function_path);

// Runs the relay. Task and acknowledgement bodies are lowercase hex drawn from `random`, so the same seed gives
// the same bytes.
relay_answer run_relay(const relay_behaviour& behaviour, const relay_call& call, telemetry::seeded_random& random);

}  // namespace sclab::emulators::platforms
