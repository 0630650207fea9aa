// Serverless platforms known only by their domain (netlify.app, vercel.app, supabase.co, deno.dev,
// azurewebsites.net, ...): any host under the lab's domain suffix answers through the relay with the platform's
// Server header. Each suffix uses the profile "generic/<suffix>" when platforms.json has one (extra headers such
// as x-vercel-id, limits), else "generic". The Server header is the lab file's server_header, or the profile's
// "server" setting when the lab gives none.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "emulators/platforms/platform_handler.hpp"

namespace sclab::emulators::platforms {

class generic_platform_handler final : public platform_handler {
public:
    generic_platform_handler(const std::vector<generic_platform>& platforms, const platform_profiles& profiles,
                             telemetry::clock_source& clock, telemetry::seeded_random random);

    bool owns(const std::string& host, const request& header_only) const override;
    void handle(const std::string& host, const request& req, const connection_info& conn, response& res) override;

private:
    struct site {
        std::string suffix;
        std::string server;
        relay_behaviour relay;
        std::unique_ptr<profile_renderer> renderer;
    };

    const site* find_site(const std::string& host) const;
    const profile_renderer& renderer_for(const std::string& host) const override;
    void add_host_values(const std::string& host, template_scope& scope) const override;

    std::vector<site> sites_;
};

}  // namespace sclab::emulators::platforms
