// A small admin API for the emulated Google side: create, update and delete Apps Script web-app deployments
// and Cloud Functions, each change written as a Google Cloud audit (Admin Activity) cloud_audit event. Real
// clients for these (clasp, gcloud) need Google sign-in, so the lab offers its own endpoint instead, shaped
// after the real REST paths.
//
// Reached on host admin.sclab.internal, or on any host under the path prefix /sclab/google/v1/:
//   POST   /sclab/google/v1/projects/{project}/locations/{region}/functions         {"name":"fn", "relay":{...}}
//   PATCH  /sclab/google/v1/projects/{project}/locations/{region}/functions/{name}  {"relay":{...}}
//   DELETE /sclab/google/v1/projects/{project}/locations/{region}/functions/{name}
//   GET    /sclab/google/v1/projects/{project}/locations/{region}/functions
//   POST   /sclab/google/v1/projects/{scriptId}/deployments       {"deploymentId":"AKfycb..." (optional), "relay":{...}}
//   PUT    /sclab/google/v1/projects/{scriptId}/deployments/{deploymentId}   {"relay":{...}}
//   DELETE /sclab/google/v1/projects/{scriptId}/deployments/{deploymentId}
//   GET    /sclab/google/v1/projects/{scriptId}/deployments
// "relay" takes the lab file's relay_behaviour fields (checkin_path, result_path, task_bytes, ack_bytes,
// max_response_bytes). Authentication: `Authorization: Bearer <token>` with a token of google.admin_tokens;
// the actor in the audit record is google.admin_email.
//
// Audit records: serviceName cloudfunctions.googleapis.com, methodName
// google.cloud.functions.v1.CloudFunctionsService.{Create,Update,Delete}Function, permission
// cloudfunctions.functions.{create,update,delete} (ADMIN_WRITE, log cloudaudit.googleapis.com/activity); and for
// Apps Script serviceName script.googleapis.com with methodName script.projects.deployments.{create,update,delete}
// and resource type audited_resource (*unverified*: Apps Script's audit method names are not documented; these
// are the Apps Script API's method ids). The permission travels as the protoPayload.authorizationInfo extra. Reads (GET) write no record: Data Access logs are off by default in real projects. A failed change is
// recorded with severity ERROR and the gRPC status code (3 INVALID_ARGUMENT, 5 NOT_FOUND, 6 ALREADY_EXISTS).
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "emulators/control/deployment_listener.hpp"
#include "emulators/http_types.hpp"
#include "emulators/lab_config.hpp"
#include "telemetry/clock.hpp"
#include "telemetry/random.hpp"

namespace sclab::emulators::control {

inline constexpr std::string_view google_admin_host = "admin.sclab.internal";
inline constexpr std::string_view google_admin_prefix = "/sclab/google/v1/";

class google_admin final : public request_handler {
public:
    google_admin(google_lab lab, event_sink& sink, telemetry::clock_source& clock, telemetry::seeded_random random,
                 deployment_listener* listener = nullptr);
    ~google_admin() override;

    bool owns(const std::string& host, const request& header_only) const override;
    std::uint64_t body_limit(const std::string& host, const request& header_only) const override;
    void too_large(const std::string& host, const request& header_only, response& res) const override;
    void handle(const std::string& host, const request& req, const connection_info& conn, response& res) override;

private:
    struct state;
    struct call;
    void functions(call& c, const std::vector<std::string>& s, response& res);
    void deployments(call& c, const std::vector<std::string>& s, response& res);

    std::unique_ptr<state> state_;
    event_sink& sink_;
    telemetry::clock_source& clock_;
    deployment_listener* listener_;
    std::mutex mutex_;
};

}  // namespace sclab::emulators::control
