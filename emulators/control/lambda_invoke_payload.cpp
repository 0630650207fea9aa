#include "emulators/control/lambda_invoke_payload.hpp"

#include "emulators/control/digest.hpp"
#include "telemetry/text.hpp"

namespace sclab::emulators::control {

namespace {

const nlohmann::json* string_member(const nlohmann::json& object, const char* key) {
    if (!object.is_object()) return nullptr;
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? &*it : nullptr;
}

std::string invoke_header(const request& invoke, std::string_view name) {
    const auto it = invoke.find(name);
    return it == invoke.end() ? std::string() : std::string(it->value());
}

// A control header from the event's headers (Lambda lowercases their names), else from the Invoke request.
std::string control_header(const nlohmann::json& event, const request& invoke, std::string_view name) {
    const auto headers = event.find("headers");
    if (headers != event.end()) {
        const std::string lower = telemetry::to_lower(name);
        if (const nlohmann::json* value = string_member(*headers, lower.c_str())) return value->get<std::string>();
    }
    return invoke_header(invoke, name);
}

}  // namespace

invoke_relay_input relay_input_of_invoke(const nlohmann::json& payload, const request& invoke,
                                         const relay_behaviour& behaviour) {
    const nlohmann::json* raw_path = string_member(payload, "rawPath");
    const nlohmann::json* method = nullptr;
    if (raw_path && payload.contains("requestContext") && payload["requestContext"].contains("http"))
        method = string_member(payload["requestContext"]["http"], "method");
    if (!method) {
        return {"POST", behaviour.checkin_path, invoke.body(),
                invoke_header(invoke, platforms::response_bytes_header), invoke_header(invoke, platforms::fail_header)};
    }
    invoke_relay_input in;
    in.method = method->get<std::string>();
    in.path = raw_path->get<std::string>();
    if (const nlohmann::json* body = string_member(payload, "body")) {
        in.body = body->get<std::string>();
        const auto encoded = payload.find("isBase64Encoded");
        if (encoded != payload.end() && encoded->is_boolean() && encoded->get<bool>())
            if (auto decoded = base64_decode(in.body)) in.body = std::move(*decoded);
    }
    in.requested_bytes = control_header(payload, invoke, platforms::response_bytes_header);
    in.fail = control_header(payload, invoke, platforms::fail_header);
    return in;
}

}  // namespace sclab::emulators::control
