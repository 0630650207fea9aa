// Google Apps Script web apps (profiles "apps_script" for script.google.com and "apps_script_echo" for
// script.googleusercontent.com).
//
// GET or POST https://script.google.com/macros/s/<deploymentId>/exec[/<pathInfo>] runs doGet/doPost (the relay,
// which sees "/<pathInfo>") and answers 302 Moved Temporarily to
// https://script.googleusercontent.com/macros/echo?user_content_key=<key>&lib=<library key>. The key maps back to
// the deployment and the content the script produced, so the client's GET of the echo URL returns the task.
// The echo URL accepts GET (and HEAD) only: 405 otherwise. Content stays fetchable for the profile's
// "content_ttl_seconds" (*unverified*: Google does not document it) and at most "max_pending_content" entries
// are kept. `/dev` (test deployments) is served like `/exec` (*unverified*: Google asks the owner to sign in), and
// the Workspace form /a/macros/<domain>/s/<id>/exec is accepted too.
// Apps Script cannot set a status code: whatever the script returns (even the relay's "Not Found") is served
// with 200; a script that throws gets the profile's "function_error" page on script.google.com, without a redirect.
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <shared_mutex>
#include <string>

#include "emulators/platforms/platform_handler.hpp"

namespace sclab::emulators::platforms {

class apps_script_platform final : public platform_handler {
public:
    apps_script_platform(const google_lab& google, const platform_profiles& profiles, telemetry::clock_source& clock,
                         telemetry::seeded_random random);

    bool owns(const std::string& host, const request& header_only) const override;
    void handle(const std::string& host, const request& req, const connection_info& conn, response& res) override;

    // Web app deployments made later through the Google control plane.
    void add_deployment(const apps_script_deployment& deployment);
    void remove_deployment(const std::string& deployment_id);

    // Echo content waiting to be fetched (tests).
    std::size_t pending_content() const;

private:
    struct content {
        std::string deployment_id;
        std::string lib;
        std::string body;
        telemetry::time_ns expires = 0;
    };

    const profile_renderer& renderer_for(const std::string& host) const override;
    void handle_exec(const request& req, template_scope& scope, response& res);
    void handle_echo(const request& req, template_scope& scope, response& res);
    void keep(std::string key, content c);
    // apps_script_library_key(), computed once per deployment (mutex_ held).
    const std::string& library_key(const std::string& deployment_id);

    profile_renderer echo_renderer_;  // renderer_ is script.google.com's profile
    std::uint64_t content_ttl_ns_;
    std::size_t max_pending_;
    mutable std::shared_mutex endpoints_mutex_;
    std::map<std::string, apps_script_deployment, std::less<>> deployments_;
    // Guarded by mutex_ (only handle() touches them).
    std::map<std::string, content, std::less<>> content_;
    std::deque<std::string> content_order_;  // keys, oldest first (a fixed TTL makes that expiry order too)
    std::map<std::string, std::string, std::less<>> library_keys_;  // by deployment id
};

// The "lib" parameter of the echo URL for a deployment: "M" and 32 letters and digits, the same for the same
// deployment in every run (real values are the script's legacy project key).
std::string apps_script_library_key(std::string_view deployment_id);

}  // namespace sclab::emulators::platforms
