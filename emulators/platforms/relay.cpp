#include "emulators/platforms/relay.hpp"

#include <algorithm>
#include <array>

#include <nlohmann/json.hpp>

#include "emulators/header_lookup.hpp"
#include "telemetry/text.hpp"

namespace sclab::emulators::platforms {

namespace {

relay_failure parse_failure(std::string_view fail) {
    std::string f = telemetry::to_lower(fail);
    if (f == "exception") return relay_failure::exception;
    if (f == "cpu-limit") return relay_failure::cpu_limit;
    if (f == "rate-limit") return relay_failure::rate_limit;
    if (f == "daily-limit") return relay_failure::daily_limit;
    return relay_failure::none;
}

// The Lambda control plane's convention: a JSON object body with the key "sclab_raise" makes the function throw.
bool body_raises(std::string_view body) {
    if (body.find("\"sclab_raise\"") == std::string_view::npos) return false;
    nlohmann::json doc = nlohmann::json::parse(body.begin(), body.end(), nullptr, false);
    return doc.is_object() && doc.contains("sclab_raise");
}

relay_answer text_answer(relay_outcome outcome, unsigned status, std::string body) {
    return relay_answer{outcome, status, std::move(body), relay_failure::none};
}

}  // namespace

relay_call relay_call_for(const request& req, std::string_view function_path) {
    static const std::array<header_key, 2> relay_headers = {response_bytes_header, fail_header};
    const auto [requested_bytes, fail] = header_values(req, relay_headers);
    return relay_call{req.method_string(), function_path, req.body(), requested_bytes, fail};
}

relay_answer run_relay(const relay_behaviour& behaviour, const relay_call& call, telemetry::seeded_random& random) {
    relay_failure failure = parse_failure(call.fail);
    if (failure == relay_failure::none && body_raises(call.body)) failure = relay_failure::exception;
    if (failure != relay_failure::none) return relay_answer{relay_outcome::failed, 500, {}, failure};

    const bool checkin = call.path == behaviour.checkin_path;
    const bool result = call.path == behaviour.result_path;
    if (!checkin && !result) return text_answer(relay_outcome::not_found, 404, "Not Found");
    const bool read = call.method == "GET" || call.method == "HEAD";
    const bool write = call.method == "POST" || call.method == "PUT";
    const bool upload = result && write;  // the lab file keeps the two paths apart
    if (!upload && !(checkin && (read || write)))
        return text_answer(relay_outcome::method_not_allowed, 405, "Method Not Allowed");

    std::uint64_t size = upload ? behaviour.ack_bytes : behaviour.task_bytes;
    if (!call.requested_bytes.empty()) {
        std::uint64_t asked = 0;
        if (!telemetry::parse_uint(call.requested_bytes, asked))
            return text_answer(relay_outcome::bad_request, 400,
                               std::string(response_bytes_header) + " must be a whole number of bytes");
        size = std::min(asked, behaviour.max_response_bytes);
    }
    return relay_answer{upload ? relay_outcome::ack : relay_outcome::task, 200, random.hex(size), relay_failure::none};
}

}  // namespace sclab::emulators::platforms
