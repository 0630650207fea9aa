#include "emulators/platforms/generic.hpp"

#include "emulators/platforms/hostnames.hpp"

namespace sclab::emulators::platforms {

generic_platform_handler::generic_platform_handler(const std::vector<generic_platform>& platforms,
                                                   const platform_profiles& profiles, telemetry::clock_source& clock,
                                                   telemetry::seeded_random random)
    : platform_handler(profiles.get("generic"), {"server"}, clock, std::move(random)) {
    renderer_.require({"relay"});
    for (const generic_platform& g : platforms) {
        const platform_profile* own = profiles.find("generic/" + g.domain_suffix);
        const platform_profile& profile = own != nullptr ? *own : profiles.get("generic");
        auto renderer = std::make_unique<profile_renderer>(profile, std::vector<std::string>{"server"}, random_);
        renderer->require({"too_large", "relay", "function_error"});
        profile.limit("body_bytes");
        std::string server = g.server_header.empty() ? profile.setting("server") : g.server_header;
        sites_.push_back(site{g.domain_suffix, std::move(server), g.relay, std::move(renderer)});
    }
}

const generic_platform_handler::site* generic_platform_handler::find_site(const std::string& host) const {
    const site* best = nullptr;  // the longest suffix wins ("a.b.example.app" before "example.app")
    for (const site& s : sites_)
        if (host_under(host, s.suffix) && (best == nullptr || s.suffix.size() > best->suffix.size())) best = &s;
    return best;
}

bool generic_platform_handler::owns(const std::string& host, const request&) const { return find_site(host) != nullptr; }

const profile_renderer& generic_platform_handler::renderer_for(const std::string& host) const {
    const site* s = find_site(host);
    return s != nullptr ? *s->renderer : renderer_;
}

void generic_platform_handler::add_host_values(const std::string& host, template_scope& scope) const {
    const site* s = find_site(host);
    scope.set("server", s != nullptr ? s->server : std::string());
}

void generic_platform_handler::handle(const std::string& host, const request& req, const connection_info& conn,
                                      response& res) {
    std::lock_guard lock(mutex_);
    const site* s = find_site(host);
    const profile_renderer& renderer = s != nullptr ? *s->renderer : renderer_;
    template_scope& scope = new_scope(renderer, host, req, &conn);
    if (refuse_oversized(renderer, req, scope, res)) return;
    if (s == nullptr) {  // owns() said no; the server should not have asked
        renderer.render(res, "function_error", scope);
        return;
    }
    serve_relay(renderer, s->relay, relay_call_for(req, target_path(req.target())), scope, res,
                req.method() == http::verb::head);
}

}  // namespace sclab::emulators::platforms
