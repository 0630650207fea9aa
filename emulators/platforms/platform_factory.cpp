#include "emulators/platforms/platform_factory.hpp"

#include <algorithm>

#include "emulators/platforms/api_gateway.hpp"
#include "emulators/platforms/apps_script.hpp"
#include "emulators/platforms/cloud_functions.hpp"
#include "emulators/platforms/cloud_run.hpp"
#include "emulators/platforms/generic.hpp"
#include "emulators/platforms/hostnames.hpp"
#include "emulators/platforms/lambda_url.hpp"
#include "emulators/platforms/workers_dev.hpp"

namespace sclab::emulators::platforms {

platform_set::platform_set(const lab_config& lab, const platform_profiles& profiles, telemetry::clock_source& clock,
                           const telemetry::seeded_random& random) {
    auto add = [this](auto handler) {
        auto* raw = handler.get();
        order_.push_back(raw);
        owned_.push_back(std::move(handler));
        return raw;
    };
    workers_ = add(std::make_unique<workers_dev_platform>(lab.cloudflare, profiles, clock, random.fork("platform/workers_dev")));
    add(std::make_unique<lambda_url_platform>(lab.aws, profiles, clock, random.fork("platform/lambda_url")));
    add(std::make_unique<api_gateway_platform>(lab.aws, profiles, clock, random.fork("platform/api_gateway")));
    apps_script_ = add(std::make_unique<apps_script_platform>(lab.google, profiles, clock, random.fork("platform/apps_script")));
    cloud_functions_ =
        add(std::make_unique<cloud_functions_platform>(lab.google, profiles, clock, random.fork("platform/cloud_functions")));
    add(std::make_unique<cloud_run_platform>(lab.google, profiles, clock, random.fork("platform/cloud_run")));
    add(std::make_unique<generic_platform_handler>(lab.generic, profiles, clock, random.fork("platform/generic")));
}

platform_set::~platform_set() = default;

void platform_set::worker_deployed(const std::string& account_id, const std::string& subdomain,
                                   const cloudflare_worker& worker) {
    workers_->add_worker(account_id, subdomain, worker);
}
void platform_set::worker_removed(const std::string& account_id, const std::string& name) {
    workers_->remove_worker(account_id, name);
}
void platform_set::apps_script_deployed(const apps_script_deployment& deployment) {
    apps_script_->add_deployment(deployment);
}
void platform_set::apps_script_removed(const std::string& deployment_id) {
    apps_script_->remove_deployment(deployment_id);
}
void platform_set::cloud_function_deployed(const cloud_function& function) { cloud_functions_->add_function(function); }
void platform_set::cloud_function_removed(const std::string& project_id, const std::string& region,
                                          const std::string& name) {
    cloud_functions_->remove_function(project_id, region, name);
}

std::unique_ptr<platform_set> make_platform_handlers(const lab_config& lab, const platform_profiles& profiles,
                                                     telemetry::clock_source& clock,
                                                     const telemetry::seeded_random& random) {
    return std::make_unique<platform_set>(lab, profiles, clock, random);
}

std::vector<std::string> lab_hostnames(const lab_config& lab) {
    std::vector<std::string> hosts;
    for (const cloudflare_account& a : lab.cloudflare) {
        for (const cloudflare_worker& w : a.workers) hosts.push_back(workers_dev_host(w.name, a.subdomain));
        for (const std::string& p : a.pages_projects) hosts.push_back(pages_host(p));
    }
    for (const aws_account& a : lab.aws) {
        for (const lambda_function& f : a.functions)
            if (!f.url_id.empty()) hosts.push_back(lambda_url_host(f.url_id, f.region));
        for (const api_gateway& g : a.api_gateways) hosts.push_back(api_gateway_host(g.api_id, g.region));
    }
    hosts.emplace_back(apps_script_host);  // always served: web apps can be deployed while the lab runs
    hosts.emplace_back(apps_script_echo_host);
    for (const cloud_function& f : lab.google.cloud_functions) hosts.push_back(cloud_functions_host(f.region, f.project_id));
    for (const cloud_run_service& s : lab.google.cloud_run) hosts.push_back(s.host);
    for (const generic_platform& g : lab.generic) hosts.insert(hosts.end(), g.hosts.begin(), g.hosts.end());
    std::sort(hosts.begin(), hosts.end());
    hosts.erase(std::unique(hosts.begin(), hosts.end()), hosts.end());
    return hosts;
}

}  // namespace sclab::emulators::platforms
