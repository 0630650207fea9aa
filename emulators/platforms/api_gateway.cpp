#include "emulators/platforms/api_gateway.hpp"

#include "emulators/platforms/hostnames.hpp"

namespace sclab::emulators::platforms {

api_gateway_platform::api_gateway_platform(const std::vector<aws_account>& accounts, const platform_profiles& profiles,
                                           telemetry::clock_source& clock, telemetry::seeded_random random)
    : platform_handler(profiles.get("api_gateway_rest"), {}, clock, std::move(random)),
      http_renderer_(profiles.get("api_gateway_http"), {}, random_) {
    renderer_.require({"relay", "unknown_api", "unknown_stage"});
    http_renderer_.require({"too_large", "relay", "function_error", "unknown_stage"});
    http_renderer_.profile().limit("body_bytes");
    for (const aws_account& account : accounts)
        for (const api_gateway& api : account.api_gateways) apis_[api_gateway_host(api.api_id, api.region)] = api;
}

bool api_gateway_platform::owns(const std::string& host, const request&) const {
    return parse_api_gateway_host(host).has_value();
}

const profile_renderer& api_gateway_platform::renderer_for(const std::string& host) const {
    auto api = apis_.find(host);
    return api != apis_.end() && api->second.http_api ? http_renderer_ : renderer_;
}

void api_gateway_platform::handle(const std::string& host, const request& req, const connection_info& conn,
                                  response& res) {
    std::lock_guard lock(mutex_);
    const profile_renderer& renderer = renderer_for(host);
    template_scope& scope = new_scope(renderer, host, req, &conn);
    if (refuse_oversized(renderer, req, scope, res)) return;
    auto api = apis_.find(host);
    if (api == apis_.end()) {
        renderer_.render(res, "unknown_api", scope);
        return;
    }
    // The function's path: the request path without /<stage> (an HTTP API's $default stage has no prefix).
    std::string_view path = target_path(req.target());
    const std::string& stage = api->second.stage;
    if (!(api->second.http_api && stage == "$default")) {
        std::string prefix = "/" + stage;
        bool in_stage = path.substr(0, prefix.size()) == prefix &&
                        (path.size() == prefix.size() || path[prefix.size()] == '/');
        if (!in_stage) {
            renderer.render(res, "unknown_stage", scope);
            return;
        }
        path.remove_prefix(prefix.size());
        if (path.empty()) path = "/";
    }
    serve_relay(renderer, api->second.relay, relay_call_for(req, path), scope, res, req.method() == http::verb::head);
}

}  // namespace sclab::emulators::platforms
