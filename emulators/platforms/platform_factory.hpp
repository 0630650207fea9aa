// Builds the data plane of `sclab emulate`: one handler per platform, from the lab file and the platform
// profiles, in the order the router should ask them. The set is also the control planes' deployment_listener,
// so a `wrangler deploy` or an admin call that deploys a web app or a function makes its hostname answer.
//
// Wiring (cli/emulate): for (request_handler* h : set->handlers()) router.add_platform(*h); and hand *set to the
// control planes as their deployment_listener.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "emulators/control/deployment_listener.hpp"
#include "emulators/http_types.hpp"
#include "emulators/lab_config.hpp"
#include "emulators/platforms/platform_profile.hpp"
#include "telemetry/clock.hpp"
#include "telemetry/random.hpp"

namespace sclab::emulators::platforms {

class workers_dev_platform;
class apps_script_platform;
class cloud_functions_platform;

class platform_set final : public control::deployment_listener {
public:
    // Each platform draws from its own fork of `random` ("platform/<name>"), so adding a platform does not
    // change another's ids. Throws telemetry::input_error when the profiles lack something a platform needs.
    platform_set(const lab_config& lab, const platform_profiles& profiles, telemetry::clock_source& clock,
                 const telemetry::seeded_random& random);
    ~platform_set() override;

    // In routing order: specific hosts first, the generic domain suffixes last.
    const std::vector<request_handler*>& handlers() const { return order_; }

    void worker_deployed(const std::string& account_id, const std::string& subdomain,
                         const cloudflare_worker& worker) override;
    void worker_removed(const std::string& account_id, const std::string& name) override;
    void apps_script_deployed(const apps_script_deployment& deployment) override;
    void apps_script_removed(const std::string& deployment_id) override;
    void cloud_function_deployed(const cloud_function& function) override;
    void cloud_function_removed(const std::string& project_id, const std::string& region,
                                const std::string& name) override;

private:
    std::vector<std::unique_ptr<request_handler>> owned_;
    std::vector<request_handler*> order_;
    workers_dev_platform* workers_ = nullptr;
    apps_script_platform* apps_script_ = nullptr;
    cloud_functions_platform* cloud_functions_ = nullptr;
};

std::unique_ptr<platform_set> make_platform_handlers(const lab_config& lab, const platform_profiles& profiles,
                                                     telemetry::clock_source& clock,
                                                     const telemetry::seeded_random& random);

// Every hostname the lab's data plane answers, sorted, for `sclab emulate --hosts` (hosts-file lines on lab
// machines): workers.dev and pages.dev names, Lambda URLs, API Gateway, script.google.com and its echo host,
// cloudfunctions.net, run.app, and the example hosts of the generic platforms (a hosts file cannot hold a
// wildcard). Control-plane hostnames (lambda.<region>.amazonaws.com, api.cloudflare.com, ...) are the control
// planes' to list.
std::vector<std::string> lab_hostnames(const lab_config& lab);

}  // namespace sclab::emulators::platforms
