// Google Cloud Functions (1st gen), https://<region>-<project>.cloudfunctions.net/<function>[/...] (profile
// "cloud_functions"): function-execution-id, x-cloud-trace-context, Server: Google Frontend, alt-svc; 10 MB
// request limit. The relay sees the path after /<function> ("/" when there is none), as the function's own
// request.path does. A function the host does not hold gets the profile's "no_function" page (404). Functions
// deployed later through the Google control plane are added with add_function().
#pragma once

#include <map>
#include <shared_mutex>
#include <string>

#include "emulators/platforms/platform_handler.hpp"

namespace sclab::emulators::platforms {

class cloud_functions_platform final : public platform_handler {
public:
    cloud_functions_platform(const google_lab& google, const platform_profiles& profiles,
                             telemetry::clock_source& clock, telemetry::seeded_random random);

    bool owns(const std::string& host, const request& header_only) const override;
    void handle(const std::string& host, const request& req, const connection_info& conn, response& res) override;

    void add_function(const cloud_function& function);
    void remove_function(const std::string& project_id, const std::string& region, const std::string& name);

private:
    mutable std::shared_mutex endpoints_mutex_;
    // host -> function name -> relay
    std::map<std::string, std::map<std::string, relay_behaviour, std::less<>>, std::less<>> hosts_;
};

}  // namespace sclab::emulators::platforms
