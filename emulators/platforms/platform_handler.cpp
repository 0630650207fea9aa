#include "emulators/platforms/platform_handler.hpp"

#include <algorithm>

#include "telemetry/text.hpp"
#include "telemetry/time_format.hpp"

namespace sclab::emulators::platforms {

namespace {

std::uint64_t header_bytes(const request& req) {
    std::uint64_t n = 0;
    for (const auto& field : req) n += field.name_string().size() + field.value().size() + 4;  // ": " and CRLF
    return n;
}

// Cloudflare error pages print the time as "2023-12-08 15:07:00 UTC".
void append_utc_time(std::string& out, telemetry::time_ns now) {
    telemetry::append_civil_seconds(out, now, '-');
    out.append(" UTC");
}

}  // namespace

void append_html_escaped(std::string& out, std::string_view text) {
    auto plain = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               std::string_view("-._~/:?=%+,;#@").find(c) != std::string_view::npos;
    };
    while (!text.empty()) {
        const auto special = std::find_if_not(text.begin(), text.end(), plain);
        const auto run = static_cast<std::size_t>(special - text.begin());
        out.append(text.substr(0, run));
        if (run == text.size()) break;
        telemetry::append_xml_escaped(out, text.substr(run, 1));
        text.remove_prefix(run + 1);
    }
}

std::string_view target_path(std::string_view target) { return target.substr(0, target.find('?')); }

std::string_view target_query(std::string_view target) {
    std::size_t q = target.find('?');
    return q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
}

platform_handler::platform_handler(const platform_profile& profile, std::vector<std::string> code_values,
                                   telemetry::clock_source& clock, telemetry::seeded_random random)
    : clock_(clock), random_(std::move(random)), renderer_(profile, std::move(code_values), random_) {
    // Every platform answers an oversized body and a failing function.
    profile.limit("body_bytes");
    renderer_.require({"too_large", "function_error"});
}

const profile_renderer& platform_handler::renderer_for(const std::string&) const { return renderer_; }

void platform_handler::add_host_values(const std::string&, template_scope&) const {}

std::uint64_t platform_handler::body_limit(const std::string& host, const request&) const {
    return renderer_for(host).body_limit();
}

void platform_handler::too_large(const std::string& host, const request& header_only, response& res) const {
    std::lock_guard lock(mutex_);
    const profile_renderer& renderer = renderer_for(host);
    template_scope& scope = new_scope(renderer, host, header_only, nullptr);
    renderer.render(res, "too_large", scope);
}

void platform_handler::set_times(template_scope& scope) const {
    const telemetry::time_ns now = scope.now();
    const telemetry::time_ns second = now / telemetry::ns_per_second - (now % telemetry::ns_per_second < 0 ? 1 : 0);
    if (second != times_second_) {
        date_.clear();
        append_http_date(date_, now);
        utc_time_.clear();
        append_utc_time(utc_time_, now);
        times_second_ = second;
    }
    scope.set("date", date_);
    scope.set("utc_time", utc_time_);
}

template_scope& platform_handler::new_scope(const profile_renderer& renderer, const std::string& host,
                                            const request& req, const connection_info* conn) const {
    template_scope& scope = scope_;
    scope.reset(clock_.now());
    std::string_view path = target_path(req.target());
    set_times(scope);
    scope.set("host", host);
    scope.set("method", req.method_string());
    scope.set("target", req.target());
    scope.set("path", path);
    append_html_escaped(scope.assign("path_html"), path);
    scope.set("client_ip", conn != nullptr ? std::string_view(conn->client_ip) : std::string_view());
    scope.set("connection", req.keep_alive() ? "keep-alive" : "close");
    add_host_values(host, scope);
    renderer.add_ids(scope);
    return scope;
}

bool platform_handler::refuse_oversized(const profile_renderer& renderer, const request& req, template_scope& scope,
                                        response& res) const {
    const profile_renderer::request_limits& limits = renderer.limits();
    if (limits.url_bytes && req.target().size() > *limits.url_bytes && renderer.has_response("uri_too_long")) {
        renderer.render(res, "uri_too_long", scope);
        return true;
    }
    if (limits.header_bytes && header_bytes(req) > *limits.header_bytes && renderer.has_response("headers_too_large")) {
        renderer.render(res, "headers_too_large", scope);
        return true;
    }
    if (req.body().size() > renderer.body_limit()) {
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
        const auto& limit = renderer.limits().response_bytes;
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
