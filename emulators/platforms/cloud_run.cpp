#include "emulators/platforms/cloud_run.hpp"

namespace sclab::emulators::platforms {

cloud_run_platform::cloud_run_platform(const google_lab& google, const platform_profiles& profiles,
                                       telemetry::clock_source& clock, telemetry::seeded_random random)
    : platform_handler(profiles.get("cloud_run"), {}, clock, std::move(random)) {
    renderer_.require({"relay"});
    for (const cloud_run_service& s : google.cloud_run) services_[s.host] = s.relay;
}

bool cloud_run_platform::owns(const std::string& host, const request&) const { return services_.count(host) != 0; }

void cloud_run_platform::handle(const std::string& host, const request& req, const connection_info& conn,
                                response& res) {
    std::lock_guard lock(mutex_);
    template_scope& scope = new_scope(renderer_, host, req, &conn);
    if (refuse_oversized(renderer_, req, scope, res)) return;
    auto service = services_.find(host);
    if (service == services_.end()) {  // owns() said no; the server should not have asked
        renderer_.render(res, "function_error", scope);
        return;
    }
    serve_relay(renderer_, service->second, relay_call_for(req, target_path(req.target())), scope, res,
                req.method() == http::verb::head);
}

}  // namespace sclab::emulators::platforms
