#include "emulators/platforms/lambda_url.hpp"

#include "emulators/platforms/hostnames.hpp"
#include "emulators/platforms/lambda_event.hpp"

namespace sclab::emulators::platforms {

lambda_url_platform::lambda_url_platform(const std::vector<aws_account>& accounts, const platform_profiles& profiles,
                                         telemetry::clock_source& clock, telemetry::seeded_random random)
    : platform_handler(profiles.get("lambda_url"), {}, clock, std::move(random)) {
    renderer_.require({"relay", "unknown_url_id"});
    renderer_.require_ids({"request_id", "trace_id"});
    renderer_.profile().limit("event_bytes");
    for (const aws_account& account : accounts)
        for (const lambda_function& f : account.functions)
            if (!f.url_id.empty()) functions_[lambda_url_host(f.url_id, f.region)] = f.relay;
}

bool lambda_url_platform::owns(const std::string& host, const request&) const {
    return parse_lambda_url_host(host).has_value();
}

void lambda_url_platform::handle(const std::string& host, const request& req, const connection_info& conn,
                                 response& res) {
    std::lock_guard lock(mutex_);
    template_scope& scope = new_scope(renderer_, host, req, &conn);
    if (refuse_oversized(renderer_, req, scope, res)) return;
    auto function = functions_.find(host);
    if (function == functions_.end()) {
        renderer_.render(res, "unknown_url_id", scope);
        return;
    }
    std::optional<lambda_url_parts> parts = parse_lambda_url_host(host);
    lambda_url_event_context ctx{"anonymous", parts->url_id, host, *scope.find("request_id"),
                                 *scope.find("trace_id"), conn.client_ip, scope.now()};
    const std::uint64_t event_limit = renderer_.profile().limit("event_bytes");
    if (observer_ || lambda_url_event_size_bound(req, ctx) > event_limit) {  // else it is surely under the limit
        std::string event = lambda_url_event(req, ctx);
        if (event.size() > event_limit) {
            renderer_.render(res, "too_large", scope);
            return;
        }
        if (observer_) observer_(event);
    }
    serve_relay(renderer_, function->second, relay_call_for(req, target_path(req.target())), scope, res,
                req.method() == http::verb::head);
}

}  // namespace sclab::emulators::platforms
