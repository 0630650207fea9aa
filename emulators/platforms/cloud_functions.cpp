#include "emulators/platforms/cloud_functions.hpp"

#include <mutex>
#include <optional>

#include "emulators/platforms/hostnames.hpp"

namespace sclab::emulators::platforms {

cloud_functions_platform::cloud_functions_platform(const google_lab& google, const platform_profiles& profiles,
                                                   telemetry::clock_source& clock, telemetry::seeded_random random)
    : platform_handler(profiles.get("cloud_functions"), {}, clock, std::move(random)) {
    renderer_.require({"relay", "no_function"});
    for (const cloud_function& f : google.cloud_functions) add_function(f);
}

bool cloud_functions_platform::owns(const std::string& host, const request&) const {
    std::shared_lock lock(endpoints_mutex_);
    return hosts_.count(host) != 0;
}

void cloud_functions_platform::handle(const std::string& host, const request& req, const connection_info& conn,
                                      response& res) {
    std::string_view path = target_path(req.target());
    std::string_view rest = path.size() > 1 ? path.substr(1) : std::string_view{};
    std::string_view name = rest.substr(0, rest.find('/'));
    std::string function_path = rest.size() > name.size() ? std::string(rest.substr(name.size())) : std::string("/");
    std::optional<relay_behaviour> relay;
    {
        std::shared_lock lock(endpoints_mutex_);
        if (auto h = hosts_.find(host); h != hosts_.end())
            if (auto f = h->second.find(name); f != h->second.end()) relay = f->second;
    }
    std::lock_guard lock(mutex_);
    template_scope& scope = new_scope(renderer_, host, req, &conn);
    if (refuse_oversized(renderer_, req, scope, res)) return;
    if (!relay) {
        renderer_.render(res, "no_function", scope);
        return;
    }
    serve_relay(renderer_, *relay, relay_call_for(req, function_path), scope, res, req.method() == http::verb::head);
}

void cloud_functions_platform::add_function(const cloud_function& function) {
    std::unique_lock lock(endpoints_mutex_);
    hosts_[cloud_functions_host(function.region, function.project_id)][function.name] = function.relay;
}

void cloud_functions_platform::remove_function(const std::string& project_id, const std::string& region,
                                               const std::string& name) {
    std::unique_lock lock(endpoints_mutex_);
    if (auto h = hosts_.find(cloud_functions_host(region, project_id)); h != hosts_.end()) h->second.erase(name);
}

}  // namespace sclab::emulators::platforms
