#include "emulators/platforms/apps_script.hpp"

#include <mutex>

#include "emulators/control/request_target.hpp"
#include "emulators/platforms/hostnames.hpp"
#include "telemetry/input_error.hpp"
#include "telemetry/text.hpp"

namespace sclab::emulators::platforms {

namespace {

constexpr std::string_view echo_path = "/macros/echo";

struct exec_target {
    std::string_view deployment_id;
    std::string function_path;  // "/" + pathInfo
};

// /macros/s/<id>/exec[/<pathInfo>], /macros/s/<id>/dev[...], /a/macros/<domain>/s/<id>/exec[...]
std::optional<exec_target> parse_exec_path(std::string_view path) {
    if (path.rfind("/a/macros/", 0) == 0) {
        std::size_t after_domain = path.find('/', 10);
        if (after_domain == std::string_view::npos) return std::nullopt;
        path = path.substr(after_domain);
    } else if (path.rfind("/macros/", 0) == 0) {
        path = path.substr(7);
    } else {
        return std::nullopt;
    }
    if (path.rfind("/s/", 0) != 0) return std::nullopt;
    path.remove_prefix(3);
    std::size_t slash = path.find('/');
    if (slash == std::string_view::npos || slash == 0) return std::nullopt;
    exec_target t{path.substr(0, slash), {}};
    std::string_view rest = path.substr(slash + 1);
    std::string_view mode = rest.substr(0, rest.find('/'));
    if (mode != "exec" && mode != "dev") return std::nullopt;
    rest.remove_prefix(mode.size());
    t.function_path = rest.empty() ? std::string("/") : std::string(rest);
    return t;
}

}  // namespace

std::string apps_script_library_key(std::string_view deployment_id) {
    static constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    telemetry::seeded_random r(telemetry::stable_hash(deployment_id));
    std::string key = "M";
    for (int i = 0; i < 32; ++i) key.push_back(alphabet[r.uniform_int(0, alphabet.size() - 1)]);
    return key;
}

apps_script_platform::apps_script_platform(const google_lab& google, const platform_profiles& profiles,
                                           telemetry::clock_source& clock, telemetry::seeded_random random)
    : platform_handler(profiles.get("apps_script"), {"location", "location_html", "lib", "deployment_id"}, clock,
                       std::move(random)),
      echo_renderer_(profiles.get("apps_script_echo"), {}, random_) {
    renderer_.require({"redirect", "unknown_deployment", "not_found", "method_not_allowed"});
    renderer_.require_ids({"user_content_key"});
    echo_renderer_.require({"too_large", "content", "unknown_content", "not_found", "method_not_allowed"});
    echo_renderer_.profile().limit("body_bytes");
    std::uint64_t ttl_seconds = 0, max_pending = 0;
    const platform_profile& p = renderer_.profile();
    if (!telemetry::parse_uint(p.setting("content_ttl_seconds"), ttl_seconds) || ttl_seconds == 0)
        throw telemetry::input_error(p.file, 0, "profiles.apps_script.settings.content_ttl_seconds: expected a whole number of seconds");
    if (!telemetry::parse_uint(p.setting("max_pending_content"), max_pending) || max_pending == 0)
        throw telemetry::input_error(p.file, 0, "profiles.apps_script.settings.max_pending_content: expected a whole number");
    content_ttl_ns_ = ttl_seconds * 1'000'000'000;
    max_pending_ = static_cast<std::size_t>(max_pending);
    for (const apps_script_deployment& d : google.apps_script) deployments_[d.deployment_id] = d;
}

bool apps_script_platform::owns(const std::string& host, const request&) const {
    return host == apps_script_host || host == apps_script_echo_host;
}

const profile_renderer& apps_script_platform::renderer_for(const std::string& host) const {
    return host == apps_script_echo_host ? echo_renderer_ : renderer_;
}

void apps_script_platform::handle(const std::string& host, const request& req, const connection_info& conn,
                                  response& res) {
    std::lock_guard lock(mutex_);
    const profile_renderer& renderer = renderer_for(host);
    template_scope& scope = new_scope(renderer, host, req, &conn);
    if (refuse_oversized(renderer, req, scope, res)) return;
    if (host == apps_script_echo_host) handle_echo(req, scope, res);
    else handle_exec(req, scope, res);
}

void apps_script_platform::handle_exec(const request& req, template_scope& scope, response& res) {
    std::optional<exec_target> target = parse_exec_path(target_path(req.target()));
    if (!target) {
        renderer_.render(res, "not_found", scope);
        return;
    }
    std::optional<apps_script_deployment> deployment;
    {
        std::shared_lock lock(endpoints_mutex_);
        if (auto it = deployments_.find(target->deployment_id); it != deployments_.end()) deployment = it->second;
    }
    if (!deployment) {
        renderer_.render(res, "unknown_deployment", scope);
        return;
    }
    scope.set("deployment_id", deployment->deployment_id);
    http::verb method = req.method();
    if (method != http::verb::get && method != http::verb::head && method != http::verb::post) {
        renderer_.render(res, "method_not_allowed", scope);
        return;
    }
    relay_answer answer = run_relay(deployment->relay, relay_call_for(req, target->function_path), random_);
    if (answer.failure != relay_failure::none) {
        renderer_.render(res, response_for(renderer_, answer), scope, {}, 200, method == http::verb::head);
        return;
    }
    std::string key = *scope.find("user_content_key");
    const std::string& lib = library_key(deployment->deployment_id);
    std::string location = "https://" + std::string(apps_script_echo_host) + std::string(echo_path) +
                           "?user_content_key=" + key + "&lib=" + lib;
    scope.set("lib", lib);
    append_html_escaped(scope.assign("location_html"), location);
    scope.set("location", location);
    keep(std::move(key), content{deployment->deployment_id, lib, std::move(answer.body),
                                 scope.now() + static_cast<telemetry::time_ns>(content_ttl_ns_)});
    renderer_.render(res, "redirect", scope, {}, 302, method == http::verb::head);
}

void apps_script_platform::handle_echo(const request& req, template_scope& scope, response& res) {
    if (target_path(req.target()) != echo_path) {
        echo_renderer_.render(res, "not_found", scope);
        return;
    }
    const bool head = req.method() == http::verb::head;
    if (req.method() != http::verb::get && !head) {
        echo_renderer_.render(res, "method_not_allowed", scope);
        return;
    }
    std::optional<control::request_target> target = control::parse_request_target(req.target());
    std::optional<std::string> key, lib;
    if (target) {
        key = target->query_value("user_content_key");
        lib = target->query_value("lib");
    }
    auto it = key ? content_.find(*key) : content_.end();
    if (it == content_.end() || it->second.expires <= scope.now() || !lib || *lib != it->second.lib) {
        echo_renderer_.render(res, "unknown_content", scope);
        return;
    }
    echo_renderer_.render(res, "content", scope, it->second.body, 200, head);
}

const std::string& apps_script_platform::library_key(const std::string& deployment_id) {
    auto it = library_keys_.find(deployment_id);
    if (it == library_keys_.end()) it = library_keys_.emplace(deployment_id, apps_script_library_key(deployment_id)).first;
    return it->second;
}

void apps_script_platform::keep(std::string key, content c) {
    const telemetry::time_ns now = c.expires - static_cast<telemetry::time_ns>(content_ttl_ns_);
    while (!content_order_.empty()) {
        auto oldest = content_.find(content_order_.front());
        bool expired = oldest == content_.end() || oldest->second.expires <= now;
        if (!expired && content_order_.size() < max_pending_) break;
        if (oldest != content_.end()) content_.erase(oldest);
        content_order_.pop_front();
    }
    content_order_.push_back(key);
    content_[std::move(key)] = std::move(c);
}

std::size_t apps_script_platform::pending_content() const {
    std::lock_guard lock(mutex_);
    return content_.size();
}

void apps_script_platform::add_deployment(const apps_script_deployment& deployment) {
    std::unique_lock lock(endpoints_mutex_);
    deployments_[deployment.deployment_id] = deployment;
}

void apps_script_platform::remove_deployment(const std::string& deployment_id) {
    std::unique_lock lock(endpoints_mutex_);
    deployments_.erase(deployment_id);
}

}  // namespace sclab::emulators::platforms
