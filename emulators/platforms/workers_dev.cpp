#include "emulators/platforms/workers_dev.hpp"

#include "emulators/platforms/hostnames.hpp"

namespace sclab::emulators::platforms {

namespace {
constexpr std::string_view workers_suffix = ".workers.dev";
constexpr std::string_view pages_suffix = ".pages.dev";

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() > suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}
}  // namespace

workers_dev_platform::workers_dev_platform(const std::vector<cloudflare_account>& accounts,
                                           const platform_profiles& profiles, telemetry::clock_source& clock,
                                           telemetry::seeded_random random)
    : platform_handler(profiles.get("cloudflare_workers"), {}, clock, std::move(random)),
      pages_renderer_(profiles.get("cloudflare_pages"), {}, random_) {
    renderer_.require({"relay", "no_worker"});
    pages_renderer_.require({"too_large", "relay", "function_error", "no_worker"});
    pages_renderer_.profile().limit("body_bytes");
    for (const cloudflare_account& account : accounts) {
        subdomain_of_account_[account.id] = account.subdomain;
        subdomains_.insert(account.subdomain);
        for (const cloudflare_worker& w : account.workers) add_worker_host(workers_dev_host(w.name, account.subdomain), w.relay);
        pages_projects_.insert(account.pages_projects.begin(), account.pages_projects.end());
    }
}

const std::string* workers_dev_platform::pages_project(const std::string& host) const {
    if (!ends_with(host, pages_suffix)) return nullptr;
    std::string_view rest = std::string_view(host).substr(0, host.size() - pages_suffix.size());
    std::size_t dot = rest.find('.');
    if (dot != std::string_view::npos) {  // a preview: <hash>.<project>.pages.dev, one label deeper at most
        rest = rest.substr(dot + 1);
        if (rest.find('.') != std::string_view::npos) return nullptr;
    }
    auto it = pages_projects_.find(rest);
    return it == pages_projects_.end() ? nullptr : &*it;
}

void workers_dev_platform::add_worker_host(const std::string& host, const relay_behaviour& relay) {
    if (is_workers_dev_host(host)) workers_[host] = relay;
}

std::optional<workers_dev_platform::site_kind> workers_dev_platform::kind_of(const std::string& host,
                                                                            const relay_behaviour** relay) const {
    if (auto it = workers_.find(host); it != workers_.end()) {  // the common case first: a deployed worker
        *relay = &it->second;
        return site_kind::worker;
    }
    if (pages_project(host) != nullptr) return site_kind::pages;
    if (!ends_with(host, workers_suffix) || !is_workers_dev_host(host)) return std::nullopt;
    std::string_view subdomain = std::string_view(host).substr(host.find('.') + 1);
    subdomain.remove_suffix(workers_suffix.size());
    if (subdomains_.count(subdomain) != 0) return site_kind::unknown_worker;
    return std::nullopt;
}

std::optional<workers_dev_platform::site> workers_dev_platform::find_site(const std::string& host) const {
    std::shared_lock lock(endpoints_mutex_);
    const relay_behaviour* relay = nullptr;
    const std::optional<site_kind> kind = kind_of(host, &relay);
    if (!kind) return std::nullopt;
    return site{*kind, relay != nullptr ? *relay : relay_behaviour{}};
}

bool workers_dev_platform::owns(const std::string& host, const request&) const {
    std::shared_lock lock(endpoints_mutex_);
    const relay_behaviour* relay = nullptr;
    return kind_of(host, &relay).has_value();
}

const profile_renderer& workers_dev_platform::renderer_for(const std::string& host) const {
    return ends_with(host, pages_suffix) ? pages_renderer_ : renderer_;
}

void workers_dev_platform::handle(const std::string& host, const request& req, const connection_info& conn,
                                  response& res) {
    std::optional<site> s = find_site(host);
    std::lock_guard lock(mutex_);
    const profile_renderer& renderer = renderer_for(host);
    template_scope& scope = new_scope(renderer, host, req, &conn);
    if (refuse_oversized(renderer, req, scope, res)) return;
    if (!s || s->kind == site_kind::unknown_worker) {  // removed between owns() and now, or never deployed
        renderer.render(res, "no_worker", scope);
        return;
    }
    serve_relay(renderer, s->relay, relay_call_for(req, target_path(req.target())), scope, res,
                req.method() == http::verb::head);
}

void workers_dev_platform::add_worker(const std::string& account_id, const std::string& subdomain,
                                      const cloudflare_worker& worker) {
    std::unique_lock lock(endpoints_mutex_);
    subdomain_of_account_[account_id] = subdomain;
    subdomains_.insert(subdomain);
    add_worker_host(workers_dev_host(worker.name, subdomain), worker.relay);
}

void workers_dev_platform::remove_worker(const std::string& account_id, const std::string& name) {
    std::unique_lock lock(endpoints_mutex_);
    auto account = subdomain_of_account_.find(account_id);
    if (account != subdomain_of_account_.end()) workers_.erase(workers_dev_host(name, account->second));
}

}  // namespace sclab::emulators::platforms
