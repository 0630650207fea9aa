// How a control plane tells the data plane that something became reachable or went away: `wrangler deploy`
// makes <name>.<subdomain>.workers.dev answer, an admin call adds an Apps Script web app or a Cloud Function.
// The control planes know nothing of the platform profiles; `sclab emulate` connects the two through this.
#pragma once

#include <string>

#include "emulators/lab_config.hpp"

namespace sclab::emulators::control {

class deployment_listener {
public:
    virtual ~deployment_listener() = default;
    // A Worker was uploaded (or its workers.dev route enabled) in the account whose subdomain is given.
    virtual void worker_deployed(const std::string& account_id, const std::string& subdomain,
                                 const cloudflare_worker& worker) = 0;
    virtual void worker_removed(const std::string& account_id, const std::string& name) = 0;
    virtual void apps_script_deployed(const apps_script_deployment& deployment) = 0;
    virtual void apps_script_removed(const std::string& deployment_id) = 0;
    virtual void cloud_function_deployed(const cloud_function& function) = 0;
    virtual void cloud_function_removed(const std::string& project_id, const std::string& region,
                                        const std::string& name) = 0;
};

}  // namespace sclab::emulators::control
