// Google Cloud Run services, <service>-<hash>-<region-code>.a.run.app or <service>-<number>.<region>.run.app
// (profile "cloud_run": x-cloud-trace-context, Server: Google Frontend, alt-svc; 32 MB request limit). The
// container sees the whole path, so the relay's paths are the request's paths.
#pragma once

#include <map>
#include <string>

#include "emulators/platforms/platform_handler.hpp"

namespace sclab::emulators::platforms {

class cloud_run_platform final : public platform_handler {
public:
    cloud_run_platform(const google_lab& google, const platform_profiles& profiles, telemetry::clock_source& clock,
                       telemetry::seeded_random random);

    bool owns(const std::string& host, const request& header_only) const override;
    void handle(const std::string& host, const request& req, const connection_info& conn, response& res) override;

private:
    std::map<std::string, relay_behaviour, std::less<>> services_;  // by host
};

}  // namespace sclab::emulators::platforms
