#include "emulators/platforms/platform_handler.hpp"


#include "telemetry/text.hpp"
#include "telemetry/time_format.hpp"

namespace sclab::emulators::platforms {

namespace {

std::uint64_t header_bytes(const request& req) {
    std::uint64_t n = 0;
    for (const auto& field : req) n += field.name_string().size() + field.value().size() + 4;  // ": " and CRLF
    return n;
}

std::string html_escaped(std::string_view text) {
    std::string out;
    telemetry::append_xml_escaped(out, text);
    return out;
}

// Cloudflare error pages print the time as "2023-12-08 15:07:00 UTC".
std::string utc_time(telemetry::time_ns now) {
    std::string out;
    telemetry::append_civil_seconds(out, now, '-');
    out.append(" UTC");
    return out;
}

}  // namespace

std::string_view target_path(std::string_view target) { return target.substr(0, target.find('?')); }

std::string_view target_query(std::string_view target) {
    std::size_t q = target.find('?');
    return q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
}

platform_handler::platform_handler(const platform_profile& profile, std::vector<std::string> code_values,
                                   telemetry::clock_source& clock, telemetry::seeded_random random)
    : clock_(clock), random_(std::move(random)), renderer_(profile, std::move(code_values), random_) {
    // Every platform answers an oversized body and a failing function; the limit itself is read on each call.
    profile.limit("body_bytes");
    renderer_.require({"too_large", "function_error"});
}

const profile_renderer& platform_handler::renderer_for(const std::string&) const { return renderer_; }

void platform_handler::add_host_values(const std::string&, template_scope&) const {}

std::uint64_t platform_handler::body_limit(const std::string& host, const request&) const {
    return renderer_for(host).profile().limit("body_bytes");
}

void platform_handler::too_large(const std::string& host, const request& header_only, response& res) const {
    std::lock_guard lock(mutex_);
    const profile_renderer& renderer = renderer_for(host);
    template_scope scope = new_scope(renderer, host, header_only, nullptr);
    renderer.render(res, "too_large", scope);
}

template_scope platform_handler::new_scope(const profile_renderer& renderer, const std::string& host,
                                           const request& req, const connection_info* conn) const {
    telemetry::time_ns now = clock_.now();
    template_scope scope(random_, now);
    std::string_view path = target_path(req.target());
    scope.set("date", http_date(now));
    scope.set("utc_time", utc_time(now));
    scope.set("host", host);
    scope.set("method", std::string(req.method_string()));
    scope.set("target", std::string(req.target()));
    scope.set("path", std::string(path));
    scope.set("path_html", html_escaped(path));
    scope.set("client_ip", conn != nullptr ? conn->client_ip : std::string());
    scope.set("connection", req.keep_alive() ? "keep-alive" : "close");
    add_host_values(host, scope);
    renderer.add_ids(scope);
    return scope;
}

bool platform_handler::refuse_oversized(const profile_renderer& renderer, const request& req, template_scope& scope,
                                        response& res) const {
    const platform_profile& p = renderer.profile();
    if (auto url = p.find_limit("url_bytes"); url && req.target().size() > *url && renderer.has_response("uri_too_long")) {
        renderer.render(res, "uri_too_long", scope);
        return true;
    }
    if (auto headers = p.find_limit("header_bytes");
        headers && header_bytes(req) > *headers && renderer.has_response("headers_too_large")) {
        renderer.render(res, "headers_too_large", scope);
        return true;
    }
    if (req.body().size() > p.limit("body_bytes")) {
        renderer.render(res, "too_large", scope);
        return true;
    }
    return false;
}

std::string_view platform_handler::response_for(const profile_renderer& renderer, const relay_answer& answer) const {
    std::string_view name = "relay";
    switch (answer.failure) {
    case relay_failure::none: break;
    case relay_failure::exception: name = "function_error"; break;
    case relay_failure::cpu_limit: name = "function_cpu_limit"; break;
    case relay_failure::rate_limit: name = "function_rate_limit"; break;
    case relay_failure::daily_limit: name = "function_daily_limit"; break;
    }
    if (answer.failure != relay_failure::none && !renderer.has_response(name)) name = "function_error";
    if (answer.failure == relay_failure::none) {
        auto limit = renderer.profile().find_limit("response_bytes");
        if (limit && answer.body.size() > *limit && renderer.has_response("response_too_large")) name = "response_too_large";
    }
    return name;
}

void platform_handler::serve_relay(const profile_renderer& renderer, const relay_behaviour& behaviour,
                                   const relay_call& call, template_scope& scope, response& res, bool head) const {
    relay_answer answer = run_relay(behaviour, call, random_);
    std::string_view name = response_for(renderer, answer);
    if (name == "relay") renderer.render(res, name, scope, std::move(answer.body), answer.status, head);
    else renderer.render(res, name, scope, {}, 500, head);
}

}  // namespace sclab::emulators::platforms
