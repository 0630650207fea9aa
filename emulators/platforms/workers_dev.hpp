// Cloudflare Workers on workers.dev and Pages on pages.dev (profiles "cloudflare_workers" and "cloudflare_pages").
//
// Owns <worker>.<subdomain>.workers.dev for every account subdomain of the lab, and <project>.pages.dev with its
// previews <hash>.<project>.pages.dev. A worker the subdomain does not hold gets the profile's "no_worker" page;
// Workers see the whole path, so the relay's paths are the request's paths. Workers deployed later through the
// Cloudflare control plane (wrangler deploy) are added with add_worker().
#pragma once

#include <map>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <vector>

#include "emulators/platforms/platform_handler.hpp"

namespace sclab::emulators::platforms {

class workers_dev_platform final : public platform_handler {
public:
    workers_dev_platform(const std::vector<cloudflare_account>& accounts, const platform_profiles& profiles,
                         telemetry::clock_source& clock, telemetry::seeded_random random);

    bool owns(const std::string& host, const request& header_only) const override;
    void handle(const std::string& host, const request& req, const connection_info& conn, response& res) override;

    // A worker became reachable at <name>.<subdomain>.workers.dev (the account's subdomain becomes known too).
    void add_worker(const std::string& account_id, const std::string& subdomain, const cloudflare_worker& worker);
    void remove_worker(const std::string& account_id, const std::string& name);

private:
    enum class site_kind { worker, pages, unknown_worker };
    struct site {
        site_kind kind;
        relay_behaviour relay;
    };

    const profile_renderer& renderer_for(const std::string& host) const override;
    // What answers at `host`; the relay is copied out from under the lock (a worker may be removed meanwhile).
    std::optional<site> find_site(const std::string& host) const;
    // The same without the copy, for owns(). The caller holds endpoints_mutex_.
    std::optional<site_kind> kind_of(const std::string& host, const relay_behaviour** relay) const;
    // Adds a deployed worker's host; a name that cannot be a workers.dev host is unreachable and not kept, so a
    // host found among workers_ needs no further checks.
    void add_worker_host(const std::string& host, const relay_behaviour& relay);
    // The project of <project>.pages.dev or <hash>.<project>.pages.dev, when the lab has it.
    const std::string* pages_project(const std::string& host) const;

    profile_renderer pages_renderer_;
    mutable std::shared_mutex endpoints_mutex_;
    std::map<std::string, std::string> subdomain_of_account_;
    std::set<std::string, std::less<>> subdomains_;
    std::map<std::string, relay_behaviour, std::less<>> workers_;  // by host
    std::set<std::string, std::less<>> pages_projects_;
};

}  // namespace sclab::emulators::platforms
