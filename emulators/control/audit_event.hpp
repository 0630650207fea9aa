// What every control plane's audit record starts from, and the ids the records and responses carry.
#pragma once

#include <string>
#include <string_view>

#include "emulators/http_types.hpp"
#include "telemetry/event.hpp"
#include "telemetry/random.hpp"

namespace sclab::emulators::control {

// A cloud_audit event at `time` for `provider` ("aws", "cloudflare", "gcp") with the caller's address and
// User-Agent. Nothing of the Authorization header is copied: audit records never carry secrets.
telemetry::event new_audit_event(telemetry::time_ns time, std::string_view provider, const connection_info& conn,
                                 const request& req);

// A random (version 4) UUID in lowercase 8-4-4-4-12 form, drawn from the run's seeded generator.
std::string random_uuid(telemetry::seeded_random& random);

// The token of an `Authorization: Bearer <token>` header; empty when the header is absent or another scheme.
std::string_view bearer_token(const request& req);

// Response helpers shared by the JSON APIs.
void set_json_body(response& res, http::status status, std::string body);

}  // namespace sclab::emulators::control
